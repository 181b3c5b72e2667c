"""Twitch channel-points predictions over Helix: create, read, lock / resolve / cancel. Qt-free.

Wire format (dev.twitch.tv/docs/api/reference/predictions): `POST /helix/predictions` with
{broadcaster_id, title ≤ 45, outcomes: [{title ≤ 25}] × 2–10, prediction_window 30–1800 s};
`GET /helix/predictions?broadcaster_id=…&id=…`; `PATCH /helix/predictions` with {broadcaster_id,
id, status: LOCKED | RESOLVED (+ winning_outcome_id) | CANCELED}. Every answer is
{"data": [prediction]} where a prediction carries its status (ACTIVE, LOCKED, RESOLVED, CANCELED),
`winning_outcome_id` and per outcome `users`, `channel_points` and `top_predictors`.

Twitch locks a prediction by itself when its window ends; the console only reads that. Tallies
are read with GET every few seconds (the same way native polls are read), not over EventSub.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Sequence

from console.i18n import pick
from console.interact.prediction import Remote

from ..status import ProviderError
from .auth import PREDICTION_SCOPES
from .helix import Helix, HelixError

PHASES = {"ACTIVE": "open", "LOCKED": "locked", "RESOLVED": "resolved", "CANCELED": "canceled"}


def parse(prediction: dict, count: int) -> Remote:
    """Twitch's prediction object → what the console shows (tallies per outcome, in order)."""
    outcomes = [o for o in prediction.get("outcomes") or [] if isinstance(o, dict)]
    tallies, top, ids = [], [], []
    for o in outcomes[:count]:
        tallies.append((_int(o.get("users")), _int(o.get("channel_points"))))
        best = max((p for p in o.get("top_predictors") or [] if isinstance(p, dict)),
                   key=lambda p: _int(p.get("channel_points_used")), default=None)
        top.append(str(best.get("user_name") or best.get("user_login") or "") if best else "")
        ids.append(str(o.get("id", "")))
    winner_id = prediction.get("winning_outcome_id")
    winner = ids.index(winner_id) if winner_id in ids else None
    return Remote(phase=PHASES.get(str(prediction.get("status", "")), "open"), tallies=tuple(tallies),
                  remote_id=str(prediction.get("id", "")), winner=winner, top=tuple(top),
                  outcome_ids=tuple(ids))


def explain(exc: BaseException) -> str:
    """A refused or failed prediction call in plain words (both languages), for host and log."""
    if isinstance(exc, HelixError):
        msg = exc.message
        if exc.status == 403 or (exc.status == 401 and "scope" in msg.lower()):
            return pick("Twitch did not allow it: this sign-in has no permission to run predictions. "
                        "Set [twitch] predictions = true and use “Sign in again”.",
                        "Twitch 不允许：当前登录没有管理竞猜的权限。请设置 [twitch] predictions = true 并“重新登录”。")
        if exc.status == 429:
            return pick("Twitch is limiting how fast the console may call it; try again in a minute.",
                        "Twitch 限制了调用频率，请一分钟后再试。")
        if exc.status == 400 and "active" in msg.lower():
            return pick(f"Twitch already has a prediction running on this channel; end it first ({msg}).",
                        f"该频道在 Twitch 上已有进行中的竞猜，请先结束它（{msg}）。")
        if exc.status == 0:
            return pick(f"Twitch could not be reached ({msg}).", f"无法连接 Twitch（{msg}）。")
        return pick(f"Twitch refused: {msg} (HTTP {exc.status}).", f"Twitch 拒绝：{msg}（HTTP {exc.status}）。")
    if isinstance(exc, ProviderError):
        return getattr(exc, "reason", None) or str(exc)
    return pick(f"The prediction call failed ({type(exc).__name__}).", f"竞猜调用失败（{type(exc).__name__}）。")


class TwitchPredictions:
    """Mixed into TwitchProvider: the calls console/providers/native_prediction.py makes.
    Each answers with Twitch's view of the prediction after the call."""

    helix: Helix | None
    broadcaster_id: str
    ready: asyncio.Event
    ready_timeout_s: float

    scopes: tuple[str, ...] | None

    def _require(self) -> Helix:  # pragma: no cover — TwitchProvider's
        raise NotImplementedError

    def may_run_predictions(self) -> bool:
        """False once Twitch said this sign-in lacks channel:manage:predictions (unknown = try)."""
        return self.scopes is None or all(s in self.scopes for s in PREDICTION_SCOPES)

    async def prediction_open(self, title: str, outcomes: Sequence[str], window_s: int) -> Remote:
        # A show's first cue may come while the console is still signing in: wait a little.
        with contextlib.suppress(asyncio.TimeoutError, TimeoutError):
            await asyncio.wait_for(self.ready.wait(), self.ready_timeout_s)
        row = await self._require().create_prediction(self.broadcaster_id, title, list(outcomes), window_s)
        return parse(row, len(outcomes))

    async def prediction_read(self, remote_id: str, count: int) -> Remote:
        return parse(await self._require().get_prediction(self.broadcaster_id, remote_id), count)

    async def prediction_end(self, remote_id: str, count: int, status: str,
                             winning_outcome_id: str | None = None) -> Remote:
        row = await self._require().end_prediction(self.broadcaster_id, remote_id, status, winning_outcome_id)
        return parse(row, count)


def _int(v: object) -> int:
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0
