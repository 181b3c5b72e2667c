"""Rolling events-per-second, fed by the hub (for the status bar and benchmarks)."""

from __future__ import annotations

import collections
import threading
from typing import Sequence

from .clock import Clock, SystemClock
from .events import Event


class RateMeter:
    def __init__(self, window_s: float = 5.0, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._window = window_s
        self._buckets: collections.deque[tuple[float, int]] = collections.deque()
        self._lock = threading.Lock()
        self.total = 0

    def __call__(self, batch: Sequence[Event]) -> None:
        now = self._clock.monotonic()
        with self._lock:
            self.total += len(batch)
            self._buckets.append((now, len(batch)))
            self._trim(now)

    def _trim(self, now: float) -> None:
        while self._buckets and self._buckets[0][0] < now - self._window:
            self._buckets.popleft()

    def per_second(self) -> float:
        now = self._clock.monotonic()
        with self._lock:
            self._trim(now)
            return sum(n for _, n in self._buckets) / self._window
