"""The session hub: one place events enter, fanned out to every subscriber in batches.

Subscribers receive *sequences* of events so a 50,000 events/s load costs one call per batch,
not one per event. A subscriber that raises is logged and kept; it never stops the others
(a broken heatmap must not stop the session log).

One order for everyone: batches are delivered one at a time (a re-entrant delivery lock), so
every subscriber sees the same sequence, and the session log — subscribed first — records it in
that sequence. That recorded order is what the lottery's entry window is defined by (an entry
counts iff its comment lies between lottery.open and lottery.close in the log), so an engine
that changes state and records it does so inside `ordered()`: no batch can slip in between.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from .dedupe import RecentIds
from .events import Event

log = logging.getLogger(__name__)

Subscriber = Callable[[Sequence[Event]], None]


@dataclass(frozen=True, slots=True)
class Subscription:
    name: str
    callback: Subscriber
    kinds: frozenset[str] | None
    """Only these event kinds (Event.kind) are delivered; None = all."""


class SessionHub:
    def __init__(self, dedupe_capacity: int = 100_000) -> None:
        self._subs: tuple[Subscription, ...] = ()
        self._lock = threading.Lock()
        self._published = 0
        self._errors = 0
        # Dedupe at the entrance: a redelivered platform message never reaches any subscriber
        # (engines, heatmap, log) a second time.
        self._recent = RecentIds(dedupe_capacity)
        self._deliver = threading.RLock()
        self._backlog: Callable[[], float] = lambda: 0.0

    def set_backlog_probe(self, probe: Callable[[], float]) -> None:
        """`probe()` says how far (seconds) the session log is behind what the hub delivered."""
        self._backlog = probe

    def backlog_s(self) -> float:
        """How long the oldest delivered event has waited to be saved. A source that can wait
        (the DEMO room) holds off while this exceeds the log's window; platforms cannot."""
        return self._backlog()

    def ordered(self) -> threading.RLock:
        """Hold this to make a state change and the actions recording it one step of the order."""
        return self._deliver

    def subscribe(
        self, callback: Subscriber, *, name: str = "", kinds: Iterable[str] | None = None
    ) -> Subscription:
        sub = Subscription(
            name or getattr(callback, "__qualname__", repr(callback)),
            callback,
            frozenset(kinds) if kinds is not None else None,
        )
        with self._lock:
            self._subs = (*self._subs, sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            self._subs = tuple(s for s in self._subs if s is not sub)

    def publish(self, event: Event) -> None:
        self.publish_batch((event,))

    def publish_batch(self, events: Sequence[Event]) -> None:
        if not events:
            return
        # The delivery lock is re-entrant: a subscriber may publish (an engine recording an
        # action) from inside its callback; that nested batch is delivered right there.
        with self._deliver:
            self._deliver_batch(events)

    def _deliver_batch(self, events: Sequence[Event]) -> None:
        # Copy-on-write tuple: subscribing never waits for a delivery in progress.
        subs = self._subs
        with self._lock:
            events = self._recent.fresh(events)
            self._published += len(events)
        if not events:
            return
        for sub in subs:
            batch = events if sub.kinds is None else [e for e in events if e.kind in sub.kinds]
            if not batch:
                continue
            try:
                sub.callback(batch)
            except Exception:  # noqa: BLE001 — isolation is the point
                with self._lock:
                    self._errors += 1
                log.exception("subscriber %s failed on a batch of %d events", sub.name, len(batch))

    @property
    def published(self) -> int:
        return self._published

    @property
    def duplicates_dropped(self) -> int:
        return self._recent.dropped

    @property
    def subscriber_errors(self) -> int:
        return self._errors

    def subscribers(self) -> list[str]:
        return [s.name for s in self._subs]
