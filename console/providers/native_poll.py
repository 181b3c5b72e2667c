"""Runs the console's poll natively where the platform has polls, by comment keywords elsewhere.

A `PollBackend` (console/interact/poll.py) for the session's providers: on a Twitch or YouTube
session the poll the host (or a show cue) opens is also created as a Twitch poll / YouTube
pollEvent; those platforms count their own votes, which are read back every few seconds and
reported as per-platform tallies. Comments from platforms without native polls still vote by
keyword. On a multistream both happen at once and the engine adds them up (per source on hover).

A platform that refuses (not an affiliate, too many options, no permission) falls back to keyword
votes for that platform, and the host is told why. Each step is logged as a `poll.native` action.
The engine calls `open`/`close` on the loop thread; the platform calls run as tasks on that loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Callable, Mapping, Sequence

from console.core.events import Event, Viewer
from console.interact.poll import KeywordPollBackend, PollSpec
from console.i18n import pick

from .base import Capability, Provider

log = logging.getLogger(__name__)
Record = Callable[[dict], None]


class NativePollBackend:
    def __init__(self, providers: Sequence[Provider], *, read_every_s: float = 2.0,
                 record: Record | None = None, on_change: Callable[[], None] | None = None) -> None:
        self.providers = providers  # the runner's list: a restarted platform is seen at once
        self.read_every_s = read_every_s
        self.record = record or (lambda detail: None)
        self.on_change = on_change or (lambda: None)
        self.keywords = KeywordPollBackend()
        self._native: list[Provider] = []
        self._remote: dict[str, str] = {}
        self._closed: set[str] = set()
        self._tallies: dict[str, tuple[int, ...]] = {}
        self._task: asyncio.Task | None = None
        self._spec: PollSpec | None = None
        self.notes: list[str] = []

    @staticmethod
    def supports(provider: Provider) -> bool:
        return (Capability.NATIVE_POLL in provider.capabilities and hasattr(provider, "poll_open")
                and bool(provider.ctx.setting("native_polls", True)))

    @property
    def name(self) -> str:
        native = [p.platform for p in self.providers if self.supports(p)]
        keyword = [p.platform for p in self.providers if not self.supports(p)]
        parts = [f"native:{'+'.join(native)}"] if native else []
        return " + ".join(parts + (["comments"] if keyword or not native else []))

    # -- PollBackend ---------------------------------------------------------------------------
    def open(self, spec: PollSpec) -> None:
        self._spec = spec
        self.keywords.open(spec)
        self._native = [p for p in self.providers if self.supports(p)]
        self._remote, self._closed = {}, set()
        self._tallies = {p.platform: (0,) * len(spec.options) for p in self._native}
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a rehearsal without platforms): keywords everywhere
            self._native, self._tallies = [], {}
            return
        if not self._native:
            return  # no platform with polls in this session: keywords only, nothing to run
        self._task = loop.create_task(self._run(spec), name="poll.native")

    def votes(self, events: Sequence[Event]) -> list[tuple[Viewer, int]]:
        native = {p.platform for p in self._native}
        return self.keywords.votes([e for e in events if e.platform not in native])

    def close(self, spec: PollSpec) -> None:
        self.keywords.close(spec)
        if self._task is not None:
            self._task.cancel()
            self._task = None
        pending = [p for p in self._native if p.platform in self._remote and p.platform not in self._closed]
        if pending:
            with contextlib.suppress(RuntimeError):
                asyncio.get_running_loop().create_task(self._close_all(spec, pending), name="poll.native.close")

    def tallies(self) -> Mapping[str, Sequence[int]]:
        return dict(self._tallies)

    def finished(self) -> bool:
        # Closed early on every platform it runs on, and no keyword platform still voting.
        if not self._native or len(self._closed) < len(self._native):
            return False
        return all(self.supports(p) for p in self.providers)

    # -- the platform side -------------------------------------------------------------------
    async def _run(self, spec: PollSpec) -> None:
        for p in list(self._native):
            try:
                remote = await p.poll_open(spec.question, spec.options, spec.duration_s)  # type: ignore[attr-defined]
            except Exception as exc:  # noqa: BLE001 — refused (ProviderError, NotSupported) or broken: fall back
                self._fallback(p, spec, exc)
                continue
            self._remote[p.platform] = remote
            self.record({"poll_id": spec.poll_id, "platform": p.platform, "state": "open", "remote_id": remote,
                         "tally": list(self._tallies.get(p.platform, ())), "message": ""})
        self.on_change()
        while True:
            await asyncio.sleep(self.read_every_s)
            for p in list(self._native):
                if p.platform not in self._remote or p.platform in self._closed:
                    continue
                try:
                    tally, closed = await p.poll_read(self._remote[p.platform])  # type: ignore[attr-defined]
                except Exception as exc:  # noqa: BLE001 — a missed read is retried next round
                    log.info("reading the %s poll failed: %s", p.platform, exc)
                    continue
                self._update(spec, p.platform, tally, closed, "closed on the platform" if closed else "")
            self.on_change()

    async def _close_all(self, spec: PollSpec, providers: list[Provider]) -> None:
        for p in providers:
            try:
                tally, _ = await p.poll_close(self._remote[p.platform])  # type: ignore[attr-defined]
            except Exception as exc:  # noqa: BLE001
                self.record({"poll_id": spec.poll_id, "platform": p.platform, "state": "failed",
                             "remote_id": self._remote[p.platform], "tally": list(self._tallies[p.platform]),
                             "message": getattr(exc, "reason", str(exc))})
                continue
            self._update(spec, p.platform, tally, True, "")
        self.on_change()

    def _update(self, spec: PollSpec, platform: str, tally: Sequence[int], closed: bool, message: str) -> None:
        if spec is not self._spec:
            return  # a late answer about the previous poll
        if tally:
            self._tallies = {**self._tallies, platform: tuple(int(v) for v in tally)}
        if closed and platform not in self._closed:
            self._closed.add(platform)
            self.record({"poll_id": spec.poll_id, "platform": platform, "state": "closed",
                         "remote_id": self._remote.get(platform, ""), "tally": list(self._tallies[platform]),
                         "message": message})

    def _fallback(self, p: Provider, spec: PollSpec, exc: BaseException) -> None:
        reason = getattr(exc, "reason", None) or str(exc) or type(exc).__name__
        note = pick(f"{p.display_name or p.platform}: no native poll ({reason}); viewers there vote by keyword.",
                    f"{p.display_name or p.platform}：无法使用平台投票（{reason}），观众可发关键词投票。")
        self.notes.append(note)
        self._native = [q for q in self._native if q is not p]
        self._tallies = {k: v for k, v in self._tallies.items() if k != p.platform}
        self.record({"poll_id": spec.poll_id, "platform": p.platform, "state": "failed", "remote_id": "",
                     "tally": [], "message": reason})
