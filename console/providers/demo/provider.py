"""The DEMO platform: the simulated audience as a real provider on the asyncio loop.

It subscribes to host actions so the room reacts (votes, entries, claims), and every tick asks
the audience for the elapsed time's worth of events and publishes them as one batch. The tick
shortens when a step gets expensive (load tests), so the loop is never held for long, and
lengthens in a quiet room so it does not wake for nothing.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from dataclasses import dataclass
from typing import Sequence

from console.core.clock import Clock, SystemClock
from console.core.events import Action, Event
from console.core.hub import SessionHub
from console.providers.base import Capability, Provider, ProviderContext
from console.providers.status import ConnState

from .audience import PLATFORM, Audience

log = logging.getLogger(__name__)

PRESETS: dict[str, float] = {"quiet": 2.0, "normal": 15.0, "busy": 150.0, "load": 50_000.0}
"""Preset name → events/s."""

MIN_TICK_S = 0.02
MAX_TICK_S = 0.1
START_TICK_S = 0.05
STEP_BUDGET_S = 0.006
"""How long one step (generate + publish) may hold the loop before the tick shrinks."""
MAX_CATCH_UP_S = 1.0
"""After a stall (laptop asleep, debugger) the room resumes; it does not replay the gap."""
LOG_BACKLOG_LIMIT_S = 0.25
"""The simulated room waits while the session log is further behind than its batch window."""


@dataclass(frozen=True, slots=True)
class DemoConfig:
    rate: float = PRESETS["normal"]
    """Events per second."""
    seed: int | None = None
    """None = a different show every time (the seed used is on `DemoProvider.audience.seed`)."""
    viewers: int | None = None
    """Initial audience size; None = sized to the rate."""
    zh_ratio: float = 0.7
    """Share of viewers who write in Chinese; the rest write in English."""

    @classmethod
    def preset(cls, name: str, **overrides: object) -> "DemoConfig":
        try:
            rate = PRESETS[name]
        except KeyError:
            raise ValueError(f"unknown demo preset {name!r}; choose one of {', '.join(PRESETS)}") from None
        return cls(rate=rate, **overrides)  # type: ignore[arg-type]


class DemoProvider(Provider):
    platform = PLATFORM
    display_name = "DEMO 演示观众 (simulated audience)"
    is_demo = True
    capabilities = frozenset({
        Capability.READ_COMMENTS, Capability.READ_LIKES, Capability.READ_GIFTS,
        Capability.READ_VIEWERS, Capability.READ_ORDERS,
    })
    # No SEND_MESSAGE: there is no platform to send to. No NATIVE_POLL: votes come as comments.

    def __init__(self, config: DemoConfig | None = None, clock: Clock | None = None,
                 ctx: ProviderContext | None = None) -> None:
        super().__init__(ctx)
        self.config = config or DemoConfig()
        self._clock = clock or SystemClock()
        self.audience = Audience(rate=self.config.rate, seed=self.config.seed,
                                 viewers=self.config.viewers, zh_ratio=self.config.zh_ratio,
                                 clock=self._clock)
        # Actions may be published from any thread; deque.append is atomic, and the
        # audience itself is only touched by run() on the loop.
        self._actions: collections.deque[Action] = collections.deque()
        self.tick_s = START_TICK_S
        self.running = False
        self.steps = 0
        self.step_seconds = 0.0
        """Loop time spent in step + publish, summed (for `bench events`)."""
        self.max_step_seconds = 0.0
        self.held_back_s = 0.0
        """Room time skipped while the session log was behind (see LOG_BACKLOG_LIMIT_S)."""

    def status_text(self) -> str:
        return f"{self.display_name} · {self.audience.rate:g} events/s · seed {self.audience.seed}"

    def set_rate(self, rate: float) -> None:
        """Switch preset mid-show (call on the loop thread, like everything touching the UI)."""
        self.audience.set_rate(rate)

    def _on_actions(self, batch: Sequence[Event]) -> None:
        self._actions.extend(e for e in batch if isinstance(e, Action))

    async def run(self, hub: SessionHub) -> None:
        sub = hub.subscribe(self._on_actions, name="demo-audience", kinds={"action"})
        self.running = True
        self.report(ConnState.LIVE, "simulated audience")
        clock = self._clock
        last = clock.monotonic()
        try:
            while True:
                await asyncio.sleep(self.tick_s)
                started = clock.monotonic()
                while self._actions:
                    self.audience.react(self._actions.popleft())
                if hub.backlog_s() > LOG_BACKLOG_LIMIT_S:
                    # More than this machine can save: a real platform would keep sending and
                    # what a crash loses would grow; a simulated room slows down instead (the
                    # skipped time is not replayed), so its rate is what the log really keeps.
                    self.held_back_s += started - last
                    last = started
                    continue
                events = self.audience.step(min(started - last, MAX_CATCH_UP_S))
                last = started
                hub.publish_batch(events)
                spent = clock.monotonic() - started
                self.steps += 1
                self.step_seconds += spent
                self.max_step_seconds = max(self.max_step_seconds, spent)
                self._adapt(spent)
        finally:
            self.running = False
            hub.unsubscribe(sub)

    def _adapt(self, spent: float) -> None:
        # Each step blocks the loop for `spent`: keep that to a few ms by stepping more often
        # when the room is loud, and wake less often when it is quiet.
        if spent > STEP_BUDGET_S:
            self.tick_s = max(MIN_TICK_S, self.tick_s / 1.5)
        elif spent < STEP_BUDGET_S / 4:
            self.tick_s = min(MAX_TICK_S, self.tick_s * 1.25)
