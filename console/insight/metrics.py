"""Dashboard figures and alerts, with the formulas shown to the host.

- interaction rate = interacting events in the window ÷ current viewers
  (comments + likes + gifts + follows + orders + shares; seed 001 §1.2)
- participation rate = unique interacting viewers ÷ unique viewers seen this session
- comments/min, likes/min over the window; gift value for the session
- pending questions and median reply latency (question → marked answered; goal ≤ 30 s)
- poll / lottery / coupon participation = unique voters / entrants / claimers ÷ unique viewers
Alerts: interaction rate below `low_rate` (default 10 %) once the window is full, and viewers
falling by `drop_share` (default 30 %) within `drop_window_s`.
"""

from __future__ import annotations

import collections
import statistics
from dataclasses import dataclass, field

from console.i18n import pick

INTERACTING = frozenset({"comment", "like", "gift", "follow", "order", "share"})
PARTICIPATION_ACTIONS = {"poll.vote": "poll", "lottery.entry": "lottery", "coupon.claim": "coupon"}
SERIES_S = 5
"""Resolution of the viewers/interactions strip."""
SERIES_POINTS = 720


@dataclass(frozen=True, slots=True)
class Alert:
    kind: str
    message: str


@dataclass
class Figures:
    viewers: int = 0
    peak_viewers: int = 0
    interaction_rate: float = 0.0
    participation_rate: float = 0.0
    comments_per_min: float = 0.0
    likes_per_min: float = 0.0
    gift_value: float = 0.0
    pending_questions: int = 0
    median_reply_s: float | None = None
    unique_viewers: int = 0
    interacting_viewers: int = 0
    participation: dict[str, float] = field(default_factory=dict)
    alerts: list[Alert] = field(default_factory=list)


FORMULAS = {
    "interaction_rate": lambda: pick("interacting events in the last minute ÷ current viewers",
                                     "最近一分钟互动次数 ÷ 当前在线人数"),
    "participation_rate": lambda: pick("unique interacting viewers ÷ unique viewers this session",
                                       "本场互动过的观众数 ÷ 本场观众总数"),
    "median_reply_s": lambda: pick("median time from a question to it being marked answered (goal ≤ 30 s)",
                                   "从提问到标记已回复的中位时长（目标 ≤ 30 秒）"),
}


class Metrics:
    def __init__(self, window_s: float = 60.0, low_rate: float = 0.10, drop_share: float = 0.30,
                 drop_window_s: float = 120.0) -> None:
        self.window_s = window_s
        self.low_rate = low_rate
        self.drop_share = drop_share
        self.drop_window_s = drop_window_s
        # Per-second buckets [second, interacting events, comments, likes]: a 10k/s room keeps
        # ~60 small lists, not 600,000 tuples, and reading the figures costs ~60 steps.
        self._window: collections.deque[list[int]] = collections.deque()
        self._viewer_counts: collections.deque[tuple[float, int]] = collections.deque()
        self.viewers = 0
        self.peak_viewers = 0
        self.gift_value = 0.0
        self._seen: set[str] = set()
        self._interacting: set[str] = set()
        self._took_part: dict[str, set[str]] = {k: set() for k in PARTICIPATION_ACTIONS.values()}
        self._latencies: collections.deque[float] = collections.deque(maxlen=5000)
        self.first_ts: float | None = None
        self.now = 0.0
        # The strip: per SERIES_S bucket, (viewers, interactions), bounded.
        self.series: collections.OrderedDict[int, list[int]] = collections.OrderedDict()

    def _bucket(self, ts: float) -> list[int]:
        b = int(ts // SERIES_S)
        slot = self.series.get(b)
        if slot is None:
            slot = self.series[b] = [self.viewers, 0]
            while len(self.series) > SERIES_POINTS:
                self.series.popitem(last=False)
        return slot

    def add(self, kind: str, ts: float, viewer_id: str | None, count: int = 1, value: float = 0.0,
            viewers: int | None = None, action: str | None = None, action_viewer: str | None = None) -> None:
        self.now = max(self.now, ts)
        if self.first_ts is None:
            self.first_ts = ts
        if viewer_id:
            self._seen.add(viewer_id)
        if kind == "viewer_count" and viewers is not None:
            self.viewers = viewers
            self.peak_viewers = max(self.peak_viewers, viewers)
            self._viewer_counts.append((ts, viewers))
            self._bucket(ts)[0] = viewers
        elif kind in INTERACTING:
            slot = self._slot(int(ts))
            slot[1] += 1
            if kind == "comment":
                slot[2] += 1
            elif kind == "like":
                slot[3] += count
            self._bucket(ts)[1] += 1
            if viewer_id:
                self._interacting.add(viewer_id)
            if kind == "gift":
                self.gift_value += value
        elif kind == "action" and action in PARTICIPATION_ACTIONS and action_viewer:
            self._took_part[PARTICIPATION_ACTIONS[action]].add(action_viewer)

    def _slot(self, second: int) -> list[int]:
        window = self._window
        if not window or window[-1][0] < second:
            window.append([second, 0, 0, 0])
            return window[-1]
        for i in range(len(window) - 1, -1, -1):  # a late event: nearly always the last few
            if window[i][0] == second:
                return window[i]
            if window[i][0] < second:
                window.insert(i + 1, [second, 0, 0, 0])
                return window[i + 1]
        window.appendleft([second, 0, 0, 0])
        return window[0]

    def add_reply_latency(self, seconds: float) -> None:
        if seconds >= 0:
            self._latencies.append(seconds)

    def _trim(self, now: float) -> None:
        # Whole seconds in (now - window, now]: a bucket counts if its second started after the edge.
        while self._window and self._window[0][0] <= now - self.window_s:
            self._window.popleft()
        while self._viewer_counts and self._viewer_counts[0][0] < now - self.drop_window_s:
            self._viewer_counts.popleft()

    def figures(self, now: float | None = None, pending_questions: int = 0) -> Figures:
        now = self.now if now is None else now
        self._trim(now)
        events = sum(b[1] for b in self._window)
        comments = sum(b[2] for b in self._window)
        likes = sum(b[3] for b in self._window)
        span_min = self.window_s / 60.0
        unique = len(self._seen) or 1
        f = Figures(
            viewers=self.viewers,
            peak_viewers=self.peak_viewers,
            interaction_rate=events / self.viewers if self.viewers else 0.0,
            participation_rate=len(self._interacting) / unique if self._seen else 0.0,
            comments_per_min=comments / span_min,
            likes_per_min=likes / span_min,
            gift_value=round(self.gift_value, 2),
            pending_questions=pending_questions,
            median_reply_s=statistics.median(self._latencies) if self._latencies else None,
            unique_viewers=len(self._seen),
            interacting_viewers=len(self._interacting),
            participation={k: len(v) / unique if self._seen else 0.0 for k, v in self._took_part.items()},
        )
        f.alerts = self._alerts(now, f)
        return f

    def _alerts(self, now: float, f: Figures) -> list[Alert]:
        alerts = []
        window_full = self.first_ts is not None and now - self.first_ts >= self.window_s
        if window_full and self.viewers and f.interaction_rate < self.low_rate:
            alerts.append(Alert("low_interaction", pick(
                f"Interaction rate {f.interaction_rate:.0%} is below {self.low_rate:.0%}: ask a question, start a poll.",
                f"互动率 {f.interaction_rate:.0%} 低于 {self.low_rate:.0%}：提个问题或发起投票吧。")))
        if self._viewer_counts:
            high = max(v for _, v in self._viewer_counts)
            if high and self.viewers <= high * (1 - self.drop_share):
                alerts.append(Alert("viewers_falling", pick(
                    f"Viewers fell from {high} to {self.viewers} in the last {self.drop_window_s / 60:.0f} min.",
                    f"在线人数在 {self.drop_window_s / 60:.0f} 分钟内从 {high} 降到 {self.viewers}。")))
        return alerts
