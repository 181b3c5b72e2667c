"""Predictions (Twitch channel points): outcomes on air with a countdown, the platform's tallies,
then the host locks and names the winner (or cancels: everyone gets their points back).

Twitch-only by design: a prediction is a bet of the platform's channel points, which keyword
comments cannot stand in for. On any other session (DEMO included) starting one is refused with
that reason, and nothing is sent anywhere.

Cue examples:  action = "start_prediction", title = "Sold out in 5 minutes?",
               outcomes = ["Yes", "No"], window_s = 120
               action = "lock_prediction"
               action = "resolve_prediction", winner = "Yes"      (or winner = 1)
               action = "cancel_prediction"
"""

from __future__ import annotations

from typing import Sequence

from console import messages
from console.core.events import ActionSource
from console.messages import Message

from ..prediction import MAX_OUTCOMES, RUNNING, PredictionEngine, build_spec
from ..registry import Confirm, Control, InteractionKind, register
from ..results import refused
from ..timefmt import mmss

messages.register({
    "prediction.twitch_only": ("Predictions run on Twitch only (viewers bet channel points); "
                               "this session has no Twitch connection, so nothing was started.",
                               "竞猜仅限 Twitch（观众用频道积分下注）；本场没有连接 Twitch，未开始。"),
    "prediction.switched_off": ("Predictions are switched off for Twitch: set [twitch] predictions = true "
                                "in the settings file and sign in again (permission to manage predictions).",
                                "Twitch 竞猜未开启：请在设置文件中设置 [twitch] predictions = true 并重新登录"
                                "（授予管理竞猜的权限）。"),
    "prediction.no_permission": ("This Twitch sign-in has no permission to run predictions: set "
                                 "[twitch] predictions = true and use “Sign in again”.",
                                 "当前 Twitch 登录没有管理竞猜的权限：请设置 [twitch] predictions = true 并“重新登录”。"),
    "prediction.no_loop": ("The platform connection is not running, so the prediction was not sent.",
                           "平台连接未运行，竞猜未发送。"),
    "prediction.not_on_platform": ("Twitch never confirmed this prediction, so there is nothing to change there.",
                                   "Twitch 未确认此竞猜，无法修改。"),
    "prediction.running": ("A prediction is already running; resolve or cancel it first.",
                           "已有竞猜在进行；请先公布结果或取消。"),
    "prediction.not_open": ("The prediction is not taking bets now, so there is nothing to lock.",
                            "竞猜当前未在下注阶段，无需锁定。"),
    "prediction.not_running": ("There is no prediction running.", "当前没有进行中的竞猜。"),
    "prediction.still_running": ("The prediction is still running on Twitch; name the winner or cancel it first.",
                                 "竞猜仍在 Twitch 上进行；请先公布结果或取消。"),
    "prediction.no_such_outcome": ("“{winner}” is not one of the outcomes ({outcomes}).",
                                   "“{winner}”不是竞猜选项之一（{outcomes}）。"),
    "prediction.starting": ("Prediction sent to Twitch: {title} ({seconds} s to bet).",
                            "竞猜已发送到 Twitch：{title}（下注时间 {seconds} 秒）。"),
    "prediction.locking": ("Locking the prediction on Twitch…", "正在 Twitch 上锁定竞猜…"),
    "prediction.resolving": ("Paying out on Twitch: “{outcome}” wins.", "正在 Twitch 上结算：“{outcome}”获胜。"),
    "prediction.canceling": ("Canceling on Twitch; everyone gets their points back.",
                             "正在 Twitch 上取消，积分将全部退还。"),
    "prediction.no_title": ("The prediction needs a question.", "竞猜需要一个问题。"),
    "prediction.title_long": ("The question is {length} characters; Twitch allows {max}.",
                              "问题有 {length} 个字；Twitch 最多允许 {max} 个。"),
    "prediction.outcome_count": ("A prediction needs {low} to {high} outcomes (got {count}).",
                                 "竞猜需要 {low} 到 {high} 个选项（现在 {count} 个）。"),
    "prediction.outcome_name": ("Every outcome needs a name.", "每个选项都需要名称。"),
    "prediction.outcome_long": ("Outcome “{outcome}” is longer than Twitch's {max} characters.",
                                "选项“{outcome}”超过 Twitch 的 {max} 个字限制。"),
    "prediction.outcome_twice": ("Two outcomes have the same name.", "有两个选项名称相同。"),
    "prediction.window": ("Twitch takes bets for {low} to {high} seconds (got {got}).",
                          "Twitch 下注时间须为 {low} 到 {high} 秒（现在 {got}）。"),
})


def _describe(v):
    points = (f"{v.users} viewers · {v.points:,} pts", f"{v.users} 人 · {v.points:,} 积分")
    if v.phase == "starting":
        return ("sending to Twitch…", "正在发送到 Twitch…")
    if v.phase == "open":
        return (f"betting {mmss(v.remaining_s)} · {points[0]}", f"下注中 {mmss(v.remaining_s)} · {points[1]}")
    if v.phase == "locked":
        return (f"locked · {points[0]}", f"已锁定 · {points[1]}")
    if v.phase == "resolved" and v.winner is not None:
        name = v.outcomes[v.winner][0]
        return (f"“{name}” won · {points[0]}", f"“{name}”获胜 · {points[1]}")
    if v.phase == "canceled":
        return ("canceled · points refunded", "已取消 · 积分已退还")
    return (f"not started: {v.message}", f"未开始：{v.message}")


def _winner_control(i: int) -> Control:
    return Control(
        f"win{i + 1}", (f"Outcome {i + 1} wins…", f"选项 {i + 1} 获胜…"),
        lambda ix, n=i + 1: ix.resolve_prediction(n),
        visible=lambda v, i=i: v.phase == "locked" and i < len(v.outcomes),
        text=lambda v, i=i: (f"“{v.outcomes[i][0]}” wins…", f"“{v.outcomes[i][0]}”获胜…"),
        confirm=Confirm(("Pay out this outcome?", "按此选项结算？"),
                        ("Twitch pays the channel points to the viewers who bet on it. This cannot be undone.",
                         "Twitch 将把频道积分发给押中此选项的观众，结算后无法撤回。"),
                        ("Pay out", "结算")))


KIND = register(InteractionKind(
    "prediction", ("Prediction", "竞猜"), order=15, timed=True,
    engine=lambda ix: PredictionEngine(ix.clock, ix.outbox, ix.prediction_backend),
    stop=lambda engine, source: engine.dismiss(source),
    describe=_describe,
    controls=(
        Control("lock", ("Lock", "锁定"), lambda ix: ix.lock_prediction(), visible=lambda v: v.phase == "open"),
        *(_winner_control(i) for i in range(MAX_OUTCOMES)),
        Control("cancel", ("Cancel (refund)…", "取消（退还积分）…"), lambda ix: ix.cancel_prediction(),
                visible=lambda v: v.phase in RUNNING,
                confirm=Confirm(("Cancel the prediction?", "取消竞猜？"),
                                ("Twitch refunds every viewer's channel points. This cannot be undone.",
                                 "Twitch 将退还所有观众的频道积分，无法撤回。"),
                                ("Cancel prediction", "取消竞猜"))),
        Control("remove", ("Remove", "移除"), lambda ix: ix.stop("prediction"),
                visible=lambda v: v.phase not in RUNNING),
    ),
))


@KIND.action("Prediction", "竞猜", preset=True)
def start_prediction(ix, title: str, outcomes: Sequence[str], *, window_s: float = 120,
                     source: ActionSource = ActionSource.HOST, override_lint: bool = False):
    spec = build_spec(ix.outbox.new_id("prediction"), title, outcomes, window_s)
    if isinstance(spec, Message):
        return refused(spec)
    return ix.guarded("prediction", [spec.title, *spec.outcomes], override_lint,
                      lambda: ix.engine("prediction").start(spec, source), call_to_action=True)


@KIND.action("Lock prediction", "锁定竞猜")
def lock_prediction(ix, source: ActionSource = ActionSource.HOST):
    return ix.run(lambda: ix.engine("prediction").lock(source))


@KIND.action("Prediction result", "公布竞猜结果")
def resolve_prediction(ix, winner: int | str, source: ActionSource = ActionSource.HOST):
    """`winner`: the outcome's name, or its number from 1."""
    return ix.run(lambda: ix.engine("prediction").resolve(winner, source))


@KIND.action("Cancel prediction", "取消竞猜")
def cancel_prediction(ix, source: ActionSource = ActionSource.HOST):
    return ix.run(lambda: ix.engine("prediction").cancel(source))
