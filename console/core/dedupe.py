"""Bounded memory of recently seen platform message ids, for dedupe at the hub's entrance.

Platforms deliver at least once (Bilibili after a reconnect, Douyin webhook retries, Twitch
EventSub): a redelivered event must never reach the engines twice. The window holds the last
`capacity` ids per platform — far more than any redelivery reaches back — so memory stays flat
at any rate; the SQLite UNIQUE index stays the last line of defence for older repeats.
"""

from __future__ import annotations

from collections import OrderedDict


class RecentIds:
    __slots__ = ("capacity", "_seen", "dropped")

    def __init__(self, capacity: int = 200_000) -> None:
        self.capacity = capacity
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self.dropped = 0

    def first_time(self, platform: str, msg_id: str) -> bool:
        """True the first time (platform, msg_id) is seen within the window."""
        if not msg_id:
            return True  # nothing to dedupe on; the parser could not name it
        key = (platform, msg_id)
        if key in self._seen:
            self.dropped += 1
            return False
        self._seen[key] = None
        if len(self._seen) > self.capacity:
            self._seen.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._seen)
