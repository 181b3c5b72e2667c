"""A pinned comment: one viewer's words (or the host's note) held on the video."""

from __future__ import annotations

from console.core import actions as A
from console.core.events import ActionSource

from ..registry import Control, InteractionKind, register
from ..results import ok, refused
from ..views import PinnedCommentView
from .card import CardEngine

KIND = register(InteractionKind(
    "pinned", ("Pinned", "置顶"), order=60,
    engine=lambda ix: CardEngine(ix.outbox, "pinned"),
    stop=lambda engine, source: engine.stop(source),
    describe=lambda v: (f"{v.viewer_name}: {v.text}",) * 2,
    controls=(Control("unpin", ("Unpin", "取消置顶"), lambda ix: ix.stop("pinned")),),
))


@KIND.action("Pin comment", "置顶评论")
def pin_comment(ix, viewer_name: str, text: str, source: ActionSource = ActionSource.HOST,
                override_lint: bool = False):
    def op():
        clean = " ".join(text.split())
        if not clean:
            return refused("pin.empty")
        ix.engine("pinned").show(PinnedCommentView(viewer_name, clean))
        ix.outbox.emit(A.PIN_COMMENT, {"viewer_name": viewer_name, "text": clean}, source)
        return ok("pin.done")

    return ix.guarded("pinned", [text], override_lint, op, call_to_action=False)
