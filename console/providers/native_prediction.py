"""Runs the console's prediction as the platform's own (Twitch channel-points predictions).

A `PredictionBackend` (console/interact/prediction.py) for the session's providers. The engine
calls `open` / `lock` / `resolve` / `cancel` on the loop thread; each becomes a step in one queue
that a single task works through in order (a winner picked while the lock is still on its way is
sent after it), reading the prediction back every few seconds in between so the overlay shows
the platform's tallies and sees a prediction the platform locked or canceled itself.

Every step the platform confirmed is recorded (`record(detail)`, logged by the app as
prediction.open / .lock / .resolve / .cancel) with Twitch's prediction id and the tallies at that
moment; a refused step is recorded as prediction.failed with the reason in plain words, and the
session keeps running.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Callable, Sequence

from console.core.events import ActionSource
from console.interact.prediction import PredictionSpec, Remote
from console.messages import M, Message

from .base import Capability, Provider

log = logging.getLogger(__name__)
Record = Callable[[dict], None]
STEP = {"open": "open", "locked": "lock", "resolved": "resolve", "canceled": "cancel"}


class PlatformPredictions:
    def __init__(self, providers: Sequence[Provider], *, read_every_s: float = 2.0,
                 record: Record | None = None, on_change: Callable[[], None] | None = None) -> None:
        self.providers = providers  # the runner's list: a restarted platform is seen at once
        self.read_every_s = read_every_s
        self.record = record or (lambda detail: None)
        self.on_change = on_change or (lambda: None)
        self._remote: dict[str, Remote] = {}
        self._queue: asyncio.Queue | None = None
        self._task: asyncio.Task | None = None

    @staticmethod
    def has_predictions(provider: Provider) -> bool:
        return Capability.PREDICTION in provider.capabilities and hasattr(provider, "prediction_open")

    def supports(self, provider: Provider) -> bool:
        """The platform has predictions and the host switched them on (`predictions = true`)."""
        return self.has_predictions(provider) and bool(provider.ctx.setting("predictions", False))

    def _provider(self) -> Provider | None:
        return next((p for p in self.providers if self.supports(p)), None)

    # -- PredictionBackend ---------------------------------------------------------------------
    def unavailable(self) -> Message | None:
        p = self._provider()
        if p is not None:
            # Twitch said at sign-in that the token lacks the scope: say so, send nothing.
            return None if p.may_run_predictions() else M("prediction.no_permission")  # type: ignore[attr-defined]
        if any(self.has_predictions(p) for p in self.providers):
            return M("prediction.switched_off")
        return M("prediction.twitch_only")

    def remote(self, spec: PredictionSpec) -> Remote | None:
        return self._remote.get(spec.prediction_id)

    def open(self, spec: PredictionSpec, source: ActionSource) -> None:
        self._put(("open", spec, None, source))

    def lock(self, spec: PredictionSpec, source: ActionSource) -> None:
        self._put(("LOCKED", spec, None, source))

    def resolve(self, spec: PredictionSpec, winner: int, source: ActionSource) -> None:
        self._put(("RESOLVED", spec, winner, source))

    def cancel(self, spec: PredictionSpec, source: ActionSource) -> None:
        self._put(("CANCELED", spec, None, source))

    # -- the platform side ---------------------------------------------------------------------
    def _put(self, step: tuple) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a rehearsal without platforms): nothing can be sent
            self._remote[step[1].prediction_id] = Remote("failed", message=M("prediction.no_loop").text())
            return
        if self._task is None or self._task.done():
            self._queue = asyncio.Queue()
            self._task = loop.create_task(self._work(), name="prediction.native")
        assert self._queue is not None
        self._queue.put_nowait(step)

    async def _work(self) -> None:
        assert self._queue is not None
        current: PredictionSpec | None = None
        while True:
            try:
                step = await asyncio.wait_for(self._queue.get(), self.read_every_s)
            except (asyncio.TimeoutError, TimeoutError):
                if current is not None and await self._read(current):
                    current = None  # resolved or canceled: nothing more to read
                continue
            what, spec, winner, source = step
            if what == "open":
                current = spec if await self._open(spec, source) else None
            elif await self._end(spec, what, winner, source):
                current = None if self._remote[spec.prediction_id].phase in ("resolved", "canceled") else current
            self.on_change()

    async def _open(self, spec: PredictionSpec, source: ActionSource) -> bool:
        p = self._provider()
        if p is None:
            return self._failed(spec, "open", (self.unavailable() or M("prediction.twitch_only")).text(), source)
        try:
            remote = await p.prediction_open(spec.title, spec.outcomes, spec.window_s)  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 — refused (403/400/429) or broken: tell the host, carry on
            return self._failed(spec, "open", _explain(exc), source, platform=p.platform)
        self._set(spec, remote, "open", source.value, p.platform)
        return True

    async def _read(self, spec: PredictionSpec) -> bool:
        """Read the platform's tallies; True once the prediction is over."""
        p, known = self._provider(), self._remote.get(spec.prediction_id)
        if p is None or known is None or not known.remote_id:
            return True
        try:
            remote = await p.prediction_read(known.remote_id, len(spec.outcomes))  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 — a missed read is retried next round
            log.info("reading the %s prediction failed: %s", p.platform, exc)
            return False
        self._set(spec, remote, None, "platform", p.platform)
        self.on_change()
        return remote.phase in ("resolved", "canceled")

    async def _end(self, spec: PredictionSpec, status: str, winner: int | None, source: ActionSource) -> bool:
        p, known = self._provider(), self._remote.get(spec.prediction_id)
        step = {"LOCKED": "lock", "RESOLVED": "resolve", "CANCELED": "cancel"}[status]
        if p is None or known is None or not known.remote_id:
            return self._failed(spec, step, M("prediction.not_on_platform").text(), source)
        winning = known.outcome_ids[winner] if winner is not None and winner < len(known.outcome_ids) else None
        try:
            remote = await p.prediction_end(known.remote_id, len(spec.outcomes), status, winning)  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001
            return self._failed(spec, step, _explain(exc), source, platform=p.platform, keep=known)
        self._set(spec, remote, None, source.value, p.platform)
        return True

    def _set(self, spec: PredictionSpec, remote: Remote, forced: str | None, by: str, platform: str) -> None:
        before = self._remote.get(spec.prediction_id)
        self._remote[spec.prediction_id] = remote
        step = forced or (STEP.get(remote.phase) if before is None or before.phase != remote.phase else None)
        if step is not None:
            self.record(self._detail(spec, remote, step, by, platform, ""))

    def _failed(self, spec: PredictionSpec, step: str, reason: str, source: ActionSource, *,
                platform: str = "", keep: Remote | None = None) -> bool:
        self._remote[spec.prediction_id] = (replace(keep, message=reason) if keep is not None
                                            else Remote("failed", message=reason))
        self.record(self._detail(spec, self._remote[spec.prediction_id], "failed", source.value,
                                 platform or "twitch", reason, failed_step=step))
        return False

    @staticmethod
    def _detail(spec: PredictionSpec, remote: Remote, step: str, by: str, platform: str, message: str,
                failed_step: str = "") -> dict:
        tallies = list(remote.tallies) + [(0, 0)] * (len(spec.outcomes) - len(remote.tallies))
        detail = {"prediction_id": spec.prediction_id, "platform": platform, "state": step,
                  "remote_id": remote.remote_id, "title": spec.title, "by": by,
                  "outcomes": [{"title": t, "users": u, "channel_points": pts}
                               for t, (u, pts) in zip(spec.outcomes, tallies)],
                  "winner": spec.outcomes[remote.winner] if remote.winner is not None else None,
                  "message": message}
        if failed_step:
            detail["step"] = failed_step
        return detail


def _explain(exc: BaseException) -> str:
    from .twitch.predictions import explain  # the only platform with predictions today
    return explain(exc)
