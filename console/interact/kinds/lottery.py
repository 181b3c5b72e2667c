"""Lotteries (commit-reveal): viewers enter by keyword, winners are drawn with a verifiable seed."""

from __future__ import annotations

from typing import Any

from console.core.events import ActionSource

from ..lottery import LotteryEngine, LotteryRules
from ..registry import Confirm, Control, InteractionKind, register
from ..results import refused
from ..timefmt import mmss


def _describe(v):
    entrants = (f"{v.entrants} entrants", f"{v.entrants} 人参与")
    if v.phase == "open":
        return (f"open {mmss(v.remaining_s)} · {entrants[0]}", f"报名中 {mmss(v.remaining_s)} · {entrants[1]}")
    if v.phase == "closed":
        return (f"entries closed · {entrants[0]}", f"已截止 · {entrants[1]}")
    if v.phase == "void":
        return (f"void: {v.void_reason}", f"已作废：{v.void_reason}")
    if v.winners:
        return ("winners: " + ", ".join(v.winners), "中奖：" + ", ".join(v.winners))
    return ("no winners", "无人中奖")


KIND = register(InteractionKind(
    "lottery", ("Lottery", "抽奖"), order=20, timed=True,
    engine=lambda ix: LotteryEngine(ix.clock, ix.outbox, watch_time=ix.watch_time,
                                    is_blocked=ix.blocked.__contains__,
                                    chain_head=lambda: ix.chain_head()),
    stop=lambda engine, source: engine.dismiss(source),
    describe=_describe,
    controls=(
        Control("close_entries", ("Close entries", "截止报名"), lambda ix: ix.close_lottery_entries(),
                visible=lambda v: v.phase == "open"),
        Control("draw", ("Draw…", "开奖…"), lambda ix: ix.draw(), visible=lambda v: v.phase in ("open", "closed"),
                confirm=Confirm(("Draw winners now?", "现在开奖？"),
                                ("Winners are drawn from the entrants and announced on screen. This cannot be undone.",
                                 "将从参与者中抽出中奖者并显示在画面上，开奖后无法撤回。"),
                                ("Draw", "开奖"))),
        Control("reroll", ("Reroll…", "补抽…"), lambda ix: ix.reroll(1), visible=lambda v: v.phase == "drawn",
                confirm=Confirm(("Draw one more winner?", "补抽一位中奖者？"),
                                ("An extra winner is drawn and announced. This cannot be undone.",
                                 "将再抽出一位中奖者并公布，无法撤回。"),
                                ("Reroll", "补抽"))),
        Control("remove", ("Remove", "移除"), lambda ix: ix.stop("lottery")),
    ),
))


@KIND.action("Lottery", "抽奖", preset=True)
def start_lottery(ix, keyword: str, *, window_s: float = 60, winners: int = 1,
                  rules: LotteryRules | dict[str, Any] | None = None,
                  source: ActionSource = ActionSource.HOST, override_lint: bool = False):
    try:
        parsed = rules if isinstance(rules, LotteryRules) else LotteryRules.from_mapping(rules)
    except (ValueError, TypeError) as exc:
        return refused("lottery.rules", error=str(exc))
    parsed = LotteryRules(parsed.followers_only, parsed.min_watch_s, parsed.high_value_only,
                          parsed.blocked | frozenset(ix.blocked))
    return ix.guarded("lottery", [keyword], override_lint,
                      lambda: ix.engine("lottery").start(keyword, window_s, winners, parsed, source),
                      call_to_action=True)


@KIND.action("Close entries", "截止报名")
def close_lottery_entries(ix, source: ActionSource = ActionSource.HOST):
    return ix.run(lambda: ix.engine("lottery").close_entries(source))


@KIND.action("Draw winners", "开奖")
def draw(ix, source: ActionSource = ActionSource.HOST):
    return ix.run(lambda: ix.engine("lottery").draw(source))


@KIND.action("Reroll", "补抽")
def reroll(ix, count: int = 1, source: ActionSource = ActionSource.HOST):
    return ix.run(lambda: ix.engine("lottery").reroll(count, source))
