"""Countdowns and flash sales: a big timer on the video (a flash sale also shows its price)."""

from __future__ import annotations

from console.core.events import ActionSource

from ..countdown import CountdownEngine
from ..registry import Control, InteractionKind, register
from ..timefmt import mmss

KIND = register(InteractionKind(
    "countdown", ("Countdown", "倒计时"), order=40, timed=True,
    engine=lambda ix: CountdownEngine(ix.clock, ix.outbox),
    stop=lambda engine, source: engine.stop(source),
    describe=lambda v: ((f"Flash sale  {mmss(v.remaining_s)}", f"限时抢购  {mmss(v.remaining_s)}") if v.flash_sale
                        else (f"{v.label}  {mmss(v.remaining_s)}",) * 2),
    controls=(Control("stop", ("Stop", "停止"), lambda ix: ix.stop("countdown")),),
))


@KIND.action("Countdown", "倒计时", preset=True)
def start_countdown(ix, seconds: float, label: str, *, flash_sale: bool = False,
                    sku: str | None = None, price: float | None = None,
                    source: ActionSource = ActionSource.HOST, override_lint: bool = False):
    return ix.guarded("flash_sale" if flash_sale else "countdown", [label], override_lint,
                      lambda: ix.engine("countdown").start(seconds, label, flash_sale=flash_sale, sku=sku,
                                                           price=price, source=source),
                      call_to_action=flash_sale)
