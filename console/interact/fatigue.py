"""Fatigue guard: warn the host before asking viewers to do things too often.

Participation drops when viewers are asked again and again (poll, lottery, coupon, flash sale).
This counts those calls to action in a rolling window; it warns, it never blocks.
"""

from __future__ import annotations

from console.messages import M, Message

from collections import deque


class FatigueGuard:
    def __init__(self, max_calls: int = 3, window_s: float = 600.0) -> None:
        if max_calls < 1 or window_s <= 0:
            raise ValueError("fatigue guard needs max_calls >= 1 and a positive window")
        self.max_calls = max_calls
        self.window_s = window_s
        self._calls: deque[tuple[float, str]] = deque()

    def _trim(self, now: float) -> None:
        while self._calls and now - self._calls[0][0] >= self.window_s:
            self._calls.popleft()

    def recent(self, now: float) -> int:
        self._trim(now)
        return len(self._calls)

    def would_warn(self, now: float) -> Message | None:
        """The warning the *next* call to action would get; the UI can show it before a click."""
        count = self.recent(now) + 1
        if count <= self.max_calls:
            return None
        return M("fatigue.warning", count=count, minutes=f"{self.window_s / 60:g}", max_calls=self.max_calls)

    def record(self, now: float, kind: str) -> Message | None:
        warning = self.would_warn(now)
        self._calls.append((now, kind))
        return warning
