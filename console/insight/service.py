"""Insight: the hub subscriber that understands comments and keeps the heatmap, radar and
dashboard up to date — off the GUI thread.

Batches from the hub are queued (a put, nothing more on the publishing thread) and processed
on one worker thread: classify, group questions, match FAQs, count into the heatmap and the
dashboard. Views read `snapshot()`-style accessors under a lock at their own pace (≤ 1–2 Hz),
and the comment panel listens to `sig_comments`, emitted on the worker thread with every batch
of displayable events and their classification.
"""

from __future__ import annotations

import collections
import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from console.core import actions
from console.core.events import Action, Comment, Event, Follow, Gift, Like, Order, ViewerCount
from console.core.signal import Signal

from .classify import Classification, Classifier
from .faq import Faq, FaqIndex
from .grouping import QuestionGroup, QuestionGroups
from .heatmap import Heatmap
from .metrics import Figures, Metrics
from .radar import KeywordCounter, Suggestion, suggestions

log = logging.getLogger(__name__)
DISPLAYED = (Comment, Gift, Follow, Order)
CHUNK = 256


@dataclass(frozen=True, slots=True)
class Classified:
    """One displayable event and what the classifier made of it (None for non-comments)."""

    event: Event
    result: Classification | None
    group_key: str | None = None
    faq: Faq | None = None
    received: float = 0.0
    """time.perf_counter() when the hub handed it over (for latency figures)."""


# Actions the strip marks. The subject is what the view needs to word the mark in the host's
# language: the SKU(s) of a product change, the action of a cue, nothing for the rest.
MARKED = frozenset({actions.CUE_FIRE, actions.SHOW_SEGMENT, actions.PRODUCT_CARD, actions.TRYON_ON_AIR,
                    actions.LOTTERY_OPEN, actions.LOTTERY_DRAW, actions.POLL_OPEN, actions.COUPON_DROP})


def _mark_subject(name: str, detail: dict) -> str:
    if name == actions.TRYON_ON_AIR:
        return ",".join(str(s) for s in detail.get("skus", []) or ())
    if name in (actions.PRODUCT_CARD, actions.SHOW_SEGMENT):
        return str(detail.get("sku") or "")
    if name == actions.CUE_FIRE:
        return str(detail.get("action") or "")
    return ""


class Insight:
    def __init__(self, products: Iterable[Any] = (), *, threaded: bool = True) -> None:
        self.classifier = Classifier()
        self.faqs = FaqIndex(products)
        self.groups = QuestionGroups()
        self.heatmap = Heatmap()
        self.metrics = Metrics()
        self.keywords = KeywordCounter()
        self.sig_comments = Signal("insight.comments")
        self.lock = threading.RLock()
        self.processed = 0
        self.errors = 0
        self._tryon: tuple[str, ...] = ()
        self._card: tuple[str, ...] = ()
        self.marks: collections.deque[tuple[float, str, str]] = collections.deque(maxlen=500)
        """(ts, action name, subject): cues and product changes for the strip (the view words them)."""
        self._queue: queue.SimpleQueue[tuple[Sequence[Event], float] | None] = queue.SimpleQueue()
        self._pending = 0
        self._pending_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        if threaded:
            self._thread = threading.Thread(target=self._run, name="insight", daemon=True)
            self._thread.start()

    # -- input -------------------------------------------------------------------------------
    def on_events(self, batch: Sequence[Event]) -> None:
        """Hub subscriber: safe from any thread; processing happens on the insight thread."""
        now = time.perf_counter()
        if self._thread is None:
            self.process(batch, now)
            return
        with self._pending_lock:
            self._pending += len(batch)
        self._queue.put((tuple(batch), now))

    @property
    def backlog(self) -> int:
        return self._pending

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            batches = [item]
            # Fold everything already queued into one pass: fewer lock rounds and signals.
            while len(batches) < 64:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)
                    break
                batches.append(more)
            for events, received in batches:
                try:
                    self.process(events, received)
                except Exception:  # noqa: BLE001 — one bad batch must not stop the insight thread
                    self.errors += 1
                    log.exception("insight: a batch of %d events failed", len(events))
                finally:
                    with self._pending_lock:
                        self._pending -= len(events)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Tests and benchmarks: True once everything handed over has been processed."""
        deadline = time.monotonic() + timeout
        while self._pending > 0:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(5.0)
            self._thread = None

    # -- processing ------------------------------------------------------------------------
    def on_air(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self._card + self._tryon))

    def process(self, batch: Sequence[Event], received: float = 0.0) -> list[Classified]:
        # In slices, so a reader on the GUI thread never waits long for the lock.
        if len(batch) > CHUNK:
            out: list[Classified] = []
            for i in range(0, len(batch), CHUNK):
                out += self._process(batch[i:i + CHUNK], received)
            return out
        return self._process(batch, received)

    def _process(self, batch: Sequence[Event], received: float) -> list[Classified]:
        out: list[Classified] = []
        classify = self.classifier.classify
        with self.lock:
            heat, metrics = self.heatmap, self.metrics
            for ev in batch:
                viewer_id = ev.viewer.id if ev.viewer else None
                if isinstance(ev, Comment):
                    result = classify(ev.text)
                    intents = result.intents
                    heat.add("comment", ev.ts, intents)
                    metrics.add("comment", ev.ts, viewer_id)
                    group_key = faq = None
                    if "question" in intents and "spam" not in intents:
                        group = self.groups.add(ev.text, ev.msg_id, ev.ts, intents)
                        if group is not None:
                            group_key = group.key
                            faq = self._faq_for(group) if len(self.faqs) else None
                    for label in intents:
                        if label != "question":
                            why = result.why.get(label, "")
                            self.keywords.add(label, why.partition(": ")[2].strip("'"), ev.ts)
                    out.append(Classified(ev, result, group_key, faq, received))
                    continue
                if isinstance(ev, Like):
                    heat.add("like", ev.ts, count=ev.count)
                    metrics.add("like", ev.ts, viewer_id, count=ev.count)
                elif isinstance(ev, Gift):
                    heat.add("gift", ev.ts, count=ev.count)
                    metrics.add("gift", ev.ts, viewer_id, count=ev.count, value=ev.value)
                elif isinstance(ev, ViewerCount):
                    metrics.add("viewer_count", ev.ts, None, viewers=ev.count)
                elif isinstance(ev, Action):
                    self._on_action(ev)
                else:
                    heat.add(ev.kind, ev.ts)
                    metrics.add(ev.kind, ev.ts, viewer_id)
                if isinstance(ev, DISPLAYED):
                    out.append(Classified(ev, None, received=received))
            self.processed += len(batch)
        if out:
            self.sig_comments.emit(out)
        return out

    def _faq_for(self, group: QuestionGroup) -> Faq | None:
        # Matched once per group (and again when what is on air changes), not per comment.
        on_air = self.on_air()
        if group.faq_for != (on_air,):
            group.faq = self.faqs.match(group.text, on_air)
            group.faq_for = (on_air,)
        return group.faq

    def _on_action(self, ev: Action) -> None:
        detail = ev.detail
        if ev.name == actions.TRYON_ON_AIR:
            self._tryon = tuple(str(s) for s in detail.get("skus", []) or ())
            self.heatmap.set_on_air(ev.ts, self.on_air())
        elif ev.name == actions.PRODUCT_CARD and detail.get("sku"):
            self._card = (str(detail["sku"]),)
            self.heatmap.set_on_air(ev.ts, self.on_air())
        elif ev.name == actions.OVERLAY_CLEAR and detail.get("kind") in ("product_card", "card"):
            self._card = ()
            self.heatmap.set_on_air(ev.ts, self.on_air())
        if ev.name in MARKED:
            self.marks.append((ev.ts, ev.name, _mark_subject(ev.name, detail)))
        self.metrics.add("action", ev.ts, None, action=ev.name, action_viewer=str(detail.get("viewer_id") or ""))

    # -- host actions ------------------------------------------------------------------------
    def answer_group(self, key: str, ts: float) -> list[str]:
        with self.lock:
            group = self.groups.get(key)
            pending = group.pending if group is not None else 0
            if group is not None and pending:
                # The members asked since the last answer are the ones this answer serves.
                for t in list(group.recent_times)[-pending:]:
                    self.metrics.add_reply_latency(ts - t)
            return self.groups.answer(key, ts)

    def answer_comment(self, asked_ts: float, ts: float) -> None:
        with self.lock:
            self.metrics.add_reply_latency(ts - asked_ts)

    # -- reading (any thread) ------------------------------------------------------------------
    def figures(self, now: float | None = None) -> Figures:
        with self.lock:
            return self.metrics.figures(now, pending_questions=self.groups.pending_total())

    def top_questions(self, n: int = 20) -> list[QuestionGroup]:
        with self.lock:
            return self.groups.top(n)

    def radar(self, now: float | None = None) -> list[Suggestion]:
        with self.lock:
            now = self.metrics.now if now is None else now
            per_min = self._interactions_per_min(now)
            return suggestions(self.groups, self.keywords, now, interactions_per_min=per_min,
                               faq_for=lambda g: self._faq_for(g) if len(self.faqs) else None)

    def strip(self, since: float | None = None) -> tuple[list[float], list[int], list[int], list[tuple[float, str, str]]]:
        """(bucket start times, viewers, interactions per bucket, marks) for the strip plot."""
        from .metrics import SERIES_S

        with self.lock:
            items = [(b * SERIES_S, v, n) for b, (v, n) in self.metrics.series.items()
                     if since is None or b * SERIES_S >= since]
            marks = [m for m in self.marks if since is None or m[0] >= since]
        return [t for t, _, _ in items], [v for _, v, _ in items], [n for _, _, n in items], marks

    def _interactions_per_min(self, now: float) -> list[float]:
        """Interactions per minute for each of the last 30 one-minute steps (from the strip)."""
        from .metrics import SERIES_S

        per = int(60 // SERIES_S)
        last = int(now // SERIES_S)
        series = self.metrics.series
        out = []
        for minute in range(29, -1, -1):
            end = last - minute * per
            total = sum(series.get(b, (0, 0))[1] for b in range(end - per + 1, end + 1))
            out.append(float(total))
        first = next((i for i, v in enumerate(out) if v), len(out))
        return out[first:]
