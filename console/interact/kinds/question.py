"""The question of the moment: a viewer's question held on the video while the host answers it.

The host picks a question from the comments (or types one); viewers see it with the asker's
name until the host marks it answered. One module: the kind, its action, its running row; the
card is drawn by the overlay element of the same name (console/video/overlays/el_question.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from console import messages
from console.core.events import ActionSource

from ..registry import Control, InteractionKind, register
from ..results import ok, refused
from .card import CardEngine

QUESTION_SHOW = "question.show"
"""detail: {"viewer_name", "text"} — a question put on the video (cleared by overlay.clear)."""
MAX_CHARS = 140

messages.register({
    "question.empty": ("There is no question to show.", "没有可显示的问题。"),
    "question.too_long": ("The question is {length} characters; viewers can read {max} at most.",
                          "问题有 {length} 个字；观众最多能读 {max} 个字。"),
    "question.shown": ("Question on screen.", "问题已上屏。"),
})


@dataclass(frozen=True, slots=True)
class QuestionView:
    viewer_name: str
    text: str


KIND = register(InteractionKind(
    "question", ("Question", "当前问题"), order=55,
    engine=lambda ix: CardEngine(ix.outbox, "question"),
    stop=lambda engine, source: engine.stop(source),
    describe=lambda v: (f"{v.viewer_name or 'Host'}: {v.text}", f"{v.viewer_name or '主播'}：{v.text}"),
    controls=(Control("answered", ("Answered", "已回答"), lambda ix: ix.stop("question")),),
))


@KIND.action("Question on screen", "问题上屏", preset=True)
def show_question(ix, text: str, viewer_name: str = "", source: ActionSource = ActionSource.HOST,
                  override_lint: bool = False):
    def op():
        clean = " ".join(str(text).split())
        if not clean:
            return refused("question.empty")
        if len(clean) > MAX_CHARS:
            return refused("question.too_long", length=len(clean), max=MAX_CHARS)
        name = " ".join(str(viewer_name).split())
        ix.engine("question").show(QuestionView(name, clean))
        ix.outbox.emit(QUESTION_SHOW, {"viewer_name": name, "text": clean}, source)
        return ok("question.shown")

    return ix.guarded("question", [text], override_lint, op, call_to_action=False)
