"""Builds the session's providers by name and runs them on the loop, the same way for all.

One session may hear several real platforms at once (a multistreaming host): every event carries
its own `platform`, so the log, engines and panels tell them apart. DEMO never mixes with a real
platform. Connection changes are logged as `provider.status` actions and kept per platform for
the status bar; resume state (cursors, last ids) is saved into the log as `provider.resume`
actions, throttled, so a restart mid-show can continue where the platform allows.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import logging
from typing import Any, Callable, Mapping, Sequence

from console.core import actions
from console.core.clock import Clock
from console.core.events import Action, ActionSource
from console.core.hub import SessionHub
from console.core.signal import Signal
from console.i18n import pick

from . import registry
from .base import Provider, ProviderContext
from .status import ConnState, ConnStatus, ProviderError, SignInRequired

log = logging.getLogger(__name__)
RESUME_EVERY_S = 2.0


class PlatformChoiceError(ValueError):
    """The configured platforms cannot run together (unknown name, DEMO mixed with real)."""


def resolve_names(names: Sequence[str]) -> list[str]:
    chosen = list(dict.fromkeys(n.strip().lower() for n in names if n.strip())) or ["demo"]
    specs = registry.load_all()
    unknown = [n for n in chosen if n not in specs]
    if unknown:
        raise PlatformChoiceError(pick(
            f"Unknown platform {', '.join(unknown)}; available: {', '.join(sorted(specs))}.",
            f"未知平台 {', '.join(unknown)}；可用：{', '.join(sorted(specs))}。"))
    if len(chosen) > 1 and any(specs[n].is_demo for n in chosen):
        raise PlatformChoiceError(pick(
            "The DEMO platform cannot be mixed with a real platform; choose one or the other.",
            "DEMO 演示平台不能与真实平台同时使用，请只选其一。"))
    return chosen


class PlatformRunner:
    def __init__(self, names: Sequence[str], hub: SessionHub, clock: Clock,
                 sections: Mapping[str, Mapping[str, Any]] | None = None,
                 resume: Mapping[str, dict] | None = None,
                 overrides: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.hub = hub
        self.clock = clock
        self.names = resolve_names(names)
        self.status_changed = Signal("platforms.status")
        """Emitted with a ConnStatus from any provider (on the loop thread)."""
        self.statuses: dict[str, ConnStatus] = {}
        self._resume: dict[str, dict] = {k: dict(v) for k, v in (resume or {}).items()}
        self._resume_dirty: set[str] = set()
        self._resume_last: dict[str, float] = {}
        self._tasks: list[asyncio.Task] = []
        self.received: collections.Counter[str] = collections.Counter()
        """Platform events that reached the hub's subscribers per platform (after dedupe)."""
        self._counting = None
        self._seq = itertools.count(1)  # ids unique even when the clock stands still (hub dedupe)
        self.providers: list[Provider] = []
        specs = registry.load_all()
        for name in self.names:
            config = dict((sections or {}).get(name, {}))
            config.update((overrides or {}).get(name, {}))
            ctx = ProviderContext(platform=name, config=config, clock=clock,
                                  resume=dict(self._resume.get(name, {})),
                                  save_resume=self._saver(name))
            ctx.status_changed.connect(self._on_status)
            provider = specs[name].factory(ctx)
            self.providers.append(provider)
            self.statuses[name] = provider.status

    # -- what the session is ------------------------------------------------------------------
    @property
    def primary(self) -> Provider:
        return self.providers[0]

    @property
    def is_demo(self) -> bool:
        return self.primary.is_demo

    @property
    def session_platform(self) -> str:
        return "+".join(self.names)

    def by_platform(self, name: str) -> Provider | None:
        return next((p for p in self.providers if p.platform == name), None)

    # -- status and resume --------------------------------------------------------------------
    def _on_status(self, status: ConnStatus) -> None:
        self.statuses[status.platform] = status
        self._publish(actions.PROVIDER_STATUS, status.detail(), status.platform)
        self.status_changed.emit(status)

    def _saver(self, name: str) -> Callable[[dict], None]:
        def save(state: dict) -> None:
            self._resume.setdefault(name, {}).update(state)
            self._resume_dirty.add(name)
            now = self.clock.monotonic()
            if now - self._resume_last.get(name, -1e9) >= RESUME_EVERY_S:
                self.flush_resume(name)
        return save

    def flush_resume(self, only: str | None = None) -> None:
        for name in [only] if only else list(self._resume_dirty):
            if name in self._resume_dirty:
                self._resume_dirty.discard(name)
                self._resume_last[name] = self.clock.monotonic()
                self._publish(actions.PROVIDER_RESUME, {"platform": name, "state": self._resume[name]}, name)

    def _publish(self, name: str, detail: dict, platform: str) -> None:
        self.hub.publish(Action(platform=platform, msg_id=f"{name}-{platform}-{self.clock.now():.3f}-{next(self._seq)}",
                                ts=self.clock.now(), name=name, source=ActionSource.SYSTEM, detail=detail))

    # -- running ------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return any(not t.done() for t in self._tasks)

    def _count(self, batch) -> None:
        for event in batch:
            if event.kind != "action":
                self.received[event.platform] += 1

    def start(self) -> None:
        if self._counting is None:
            self._counting = self.hub.subscribe(self._count, name="platforms.received")
        for provider in self.providers:
            task = asyncio.create_task(self._run_one(provider), name=f"provider.{provider.platform}")
            self._tasks.append(task)

    async def _run_one(self, provider: Provider) -> None:
        # One platform failing never stops the others, the video or the log; the host is told why.
        try:
            await provider.run(self.hub)
        except asyncio.CancelledError:
            raise
        except ProviderError as exc:
            provider.report(ConnState.FAILED, exc.reason, sign_in=isinstance(exc, SignInRequired))
        except Exception as exc:  # noqa: BLE001
            log.exception("provider %s stopped", provider.platform)
            provider.report(ConnState.FAILED, pick(f"stopped unexpectedly ({type(exc).__name__}: {exc})",
                                                   f"意外停止（{type(exc).__name__}：{exc}）"))

    async def restart(self, name: str) -> Provider | None:
        """Start one platform again (after "Sign in again"): a fresh provider that reads the new
        credentials, in the same session — same hub, log and resume state; the others keep running."""
        old = self.by_platform(name)
        if old is None:
            return None
        for task in [t for t in self._tasks if t.get_name() == f"provider.{name}"]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            self._tasks.remove(task)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(old.close(), 5.0)
        ctx = ProviderContext(platform=name, config=old.ctx.config, clock=self.clock,
                              resume=dict(self._resume.get(name, {})), save_resume=self._saver(name))
        ctx.status_changed.connect(self._on_status)
        provider = registry.load_all()[name].factory(ctx)
        self.providers[self.providers.index(old)] = provider  # in place: holders of the list see it
        self._tasks.append(asyncio.create_task(self._run_one(provider), name=f"provider.{name}"))
        return provider

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for provider in self.providers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(provider.close(), 5.0)
        self._tasks.clear()
        if self._counting is not None:
            self.hub.unsubscribe(self._counting)
            self._counting = None
        self.flush_resume()
