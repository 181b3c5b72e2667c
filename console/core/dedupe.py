"""Bounded memory of recently seen platform message ids, for dedupe at the hub's entrance.

Platforms deliver at least once (Bilibili after a reconnect, Douyin webhook retries, Twitch
EventSub): a redelivered event must never reach the engines twice. The window holds the last
`capacity` ids per platform — far more than any redelivery reaches back — so memory stays flat
at any rate; the SQLite UNIQUE index stays the last line of defence for older repeats.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from .events import Event


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

    def fresh(self, events: Sequence[Event]) -> Sequence[Event]:
        """The events of a batch seen for the first time, in order (`events` itself if all are).

        One loop over the batch instead of a call per event: the hub runs this on every event.
        """
        seen, out = self._seen, []
        for ev in events:
            msg_id = ev.msg_id
            if msg_id:
                key = (ev.platform, msg_id)
                if key in seen:
                    continue
                seen[key] = None
            out.append(ev)
        self.dropped += len(events) - len(out)
        for _ in range(len(seen) - self.capacity):
            seen.popitem(last=False)
        return events if len(out) == len(events) else out

    def __len__(self) -> int:
        return len(self._seen)
