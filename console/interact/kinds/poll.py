"""Polls: viewers vote by typing an option's keyword; the tally is drawn live on the video."""

from __future__ import annotations

from typing import Sequence

from console.core.events import ActionSource
from console.messages import Message

from ..poll import PollEngine, build_spec
from ..registry import Control, InteractionKind, register
from ..results import refused
from ..timefmt import mmss

KIND = register(InteractionKind(
    "poll", ("Poll", "投票"), order=10, timed=True,
    engine=lambda ix: PollEngine(ix.clock, ix.outbox, ix.poll_backend),
    stop=lambda engine, source: engine.dismiss(source),
    describe=lambda v: (
        (f"closed · {v.total} votes", f"已结束 · {v.total} 票") if v.closed else
        (f"running {mmss(v.remaining_s)} · {v.total} votes", f"进行中 {mmss(v.remaining_s)} · {v.total} 票")),
    controls=(
        Control("close", ("Close", "结束"), lambda ix: ix.close_poll(), visible=lambda v: not v.closed),
        Control("remove", ("Remove", "移除"), lambda ix: ix.stop("poll")),
    ),
))


@KIND.action("Poll", "投票", preset=True)
def open_poll(ix, question: str, options: Sequence[str], *, duration_s: float | None = 60,
              keywords: Sequence[Sequence[str]] | None = None, allow_change: bool = False,
              source: ActionSource = ActionSource.HOST, override_lint: bool = False):
    spec = build_spec(ix.outbox.new_id("poll"), question, options, keywords, duration_s, allow_change)
    if isinstance(spec, Message):
        return refused(spec)
    return ix.guarded("poll", [spec.question, *spec.options], override_lint,
                      lambda: ix.engine("poll").open(spec, source), call_to_action=True)


@KIND.action("Close poll", "结束投票")
def close_poll(ix, source: ActionSource = ActionSource.HOST):
    return ix.run(lambda: ix.engine("poll").close(source))
