"""YouTube Data API quota: count units as they are spent, show the day's use, and stretch the
polling interval so the day's budget lasts the show instead of failing mid-show.

Google gives a project 10,000 units a day by default (reset at midnight Pacific time). Reading
chat costs 5 per call, so polling every 2 s would use the whole day in under 70 minutes. We keep
a reserve for what the host sends (replies, polls, moderation), spread the rest over the planned
show length, and never poll faster than YouTube's own `pollingIntervalMillis`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from console.core.clock import Clock, SystemClock
from console.i18n import pick

COST = {"list": 5, "insert": 20, "transition": 20, "delete": 50, "ban": 50, "broadcasts": 1}
PACIFIC = timezone(timedelta(hours=-8))  # quota days follow Pacific time (standard offset is close enough)
SLOWEST_S = 120.0


def quota_day(now: float) -> str:
    return datetime.fromtimestamp(now, PACIFIC).strftime("%Y-%m-%d")


@dataclass(slots=True)
class Quota:
    daily: int = 10_000
    reserve: int = 600
    """Units kept for what the host sends (about 30 replies or polls)."""
    plan_s: float = 3 * 3600
    """How long the show is planned to run; polling is spread over what remains of it."""
    clock: Clock = field(default_factory=SystemClock)
    used: int = 0
    day: str = ""
    started: float | None = None
    exhausted: bool = False

    def __post_init__(self) -> None:
        today = quota_day(self.clock.now())
        if self.day != today:
            self.day, self.used = today, 0
        if self.started is None:
            self.started = self.clock.monotonic()

    def spend(self, op: str) -> None:
        today = quota_day(self.clock.now())
        if today != self.day:  # a new quota day: everything is back
            self.day, self.used, self.exhausted = today, 0, False
        self.used += COST.get(op, 1)

    @property
    def left(self) -> int:
        return max(0, self.daily - self.used)

    def poll_interval(self, server_s: float) -> float:
        """Seconds to wait before the next list call."""
        if self.exhausted:
            return SLOWEST_S
        for_reading = self.daily - self.reserve - self.used
        if for_reading <= 0:
            return max(server_s, SLOWEST_S)
        assert self.started is not None
        remaining_s = max(60.0, self.plan_s - (self.clock.monotonic() - self.started))
        needed = COST["list"] * remaining_s / for_reading
        return max(server_s, min(SLOWEST_S, needed))

    def text(self) -> str:
        return pick(f"quota {self.used:,} of {self.daily:,} units used today",
                    f"配额今日已用 {self.used:,} / {self.daily:,}")

    def state(self) -> dict:
        return {"quota_day": self.day, "quota_used": self.used}
