"""The one reconnect policy every network provider (and output) uses.

Exponential backoff with full jitter, capped, and reset after a connection stayed healthy for a
while — so a link that flaps once an hour reconnects fast every time, while a dead network backs
off to `cap_s` instead of hammering the platform. Pure and clock-injected for tests.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from console.core.clock import Clock, SystemClock


@dataclass(slots=True)
class ReconnectPolicy:
    base_s: float = 1.0
    cap_s: float = 60.0
    factor: float = 2.0
    jitter: float = 0.5
    """Share of each delay that is random (0 = none, 1 = full jitter)."""
    healthy_after_s: float = 30.0
    """A connection up this long resets the attempt counter."""
    max_attempts: int | None = None
    """None = keep trying (live shows outlast network blips)."""
    clock: Clock = field(default_factory=SystemClock)
    rng: random.Random = field(default_factory=random.Random)
    attempt: int = 0
    _up_since: float | None = None

    def connected(self) -> None:
        """Call when a connection is established (auth accepted, welcome received)."""
        self._up_since = self.clock.monotonic()

    def disconnected(self) -> None:
        """Call when the connection drops; decides whether the streak of failures resets."""
        if self._up_since is not None and self.clock.monotonic() - self._up_since >= self.healthy_after_s:
            self.attempt = 0
        self._up_since = None

    def next_delay(self) -> float | None:
        """Seconds to wait before the next attempt, or None when attempts are exhausted."""
        self.attempt += 1
        if self.max_attempts is not None and self.attempt > self.max_attempts:
            return None
        raw = min(self.cap_s, self.base_s * self.factor ** (self.attempt - 1))
        return raw * (1.0 - self.jitter) + raw * self.jitter * self.rng.random()

    def reset(self) -> None:
        self.attempt = 0
        self._up_since = None
