"""The radar: what is rising right now, and the interaction that answers it.

Rising = asked/said at least `min_recent` times in the last window and at least twice as often
as in the window before. Each rising question group or keyword gets one suggested action:
answer the FAQ (when the catalog has one), show the size chart, start a shade vote, show the
price card, state shipping terms, check the stream (complaints); and a room at its attention peak
gets "peak now — good moment for the lottery".
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from typing import Iterable

from console.i18n import pick

from .faq import Faq
from .grouping import BUCKET_S, QuestionGroups, window_counts

WINDOW_S = 60.0


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: str
    """"faq" | "size_chart" | "shade_vote" | "price" | "shipping" | "complaints" | "peak" | "question"."""
    topic: str
    """What is rising: a question's wording or a keyword."""
    recent: int
    before: int
    action: str
    """What to do, in the host's language."""
    group_key: str | None = None
    faq: Faq | None = None


def _action_for(intents: Iterable[str], faq: Faq | None) -> tuple[str, str]:
    intents = set(intents)
    if faq is not None:
        return "faq", pick(f"Answer from the FAQ: {faq.answer}", f"按常见问题回答：{faq.answer}")
    if "size_fit" in intents:
        return "size_chart", pick("Show the size chart", "展示尺码表")
    if "color_shade" in intents:
        return "shade_vote", pick("Start a shade vote", "发起色号投票")
    if "price" in intents:
        return "price", pick("Show the price card (or drop a coupon)", "展示价格卡（或发优惠券）")
    if "stock_shipping" in intents:
        return "shipping", pick("Say the shipping and stock terms", "说明发货和库存情况")
    if "complaint" in intents:
        return "complaints", pick("Complaints are rising: check the stream", "抱怨在增加：检查一下直播画面和声音")
    return "question", pick("Answer this question on air", "在直播中回答这个问题")


class KeywordCounter:
    """Times of each trigger term (the text a rule matched), bounded per term."""

    def __init__(self, max_terms: int = 500) -> None:
        self.max_terms = max_terms
        self._buckets: dict[tuple[str, str], collections.Counter] = {}

    def add(self, label: str, term: str, ts: float) -> None:
        key = (label, term)
        buckets = self._buckets.get(key)
        if buckets is None:
            if len(self._buckets) >= self.max_terms:
                self._buckets.pop(next(iter(self._buckets)))
            buckets = self._buckets[key] = collections.Counter()
        bucket = int(ts // BUCKET_S)
        buckets[bucket] += 1
        if len(buckets) > 60:
            for old in [b for b in buckets if b <= bucket - 60]:
                del buckets[old]

    def rising(self, now: float, window_s: float, min_recent: int) -> list[tuple[str, str, int, int]]:
        out = []
        for (label, term), buckets in self._buckets.items():
            recent, before = window_counts(buckets, now, window_s)
            if recent >= min_recent and recent >= 2 * before:
                out.append((label, term, recent, before))
        return sorted(out, key=lambda x: x[2] - x[3], reverse=True)


def suggestions(groups: QuestionGroups, keywords: KeywordCounter, now: float, *,
                interactions_per_min: list[float] = (), faq_for=lambda g: None,
                window_s: float = WINDOW_S, min_recent: int = 3, limit: int = 8) -> list[Suggestion]:
    out: list[Suggestion] = []
    for group, recent, before in groups.recent_counts(now, window_s):
        if group.pending and recent >= min_recent and recent >= 2 * before:
            faq = faq_for(group)
            kind, action = _action_for(group.intents, faq)
            out.append(Suggestion(kind, group.text, recent, before, action, group.key, faq))
    out.sort(key=lambda s: s.recent - s.before, reverse=True)
    seen_kinds = {s.kind for s in out}
    for label, term, recent, before in keywords.rising(now, window_s, min_recent * 3):
        kind, action = _action_for([label], None)
        if kind not in seen_kinds and kind != "question":
            out.append(Suggestion(kind, term, recent, before, action))
            seen_kinds.add(kind)
    if is_peak(interactions_per_min):
        out.insert(0, Suggestion("peak", pick("attention peak", "关注高峰"), int(interactions_per_min[-1]),
                                 0, pick("Peak now — good moment for the lottery", "现在是高峰——抽奖的好时机")))
    return out[:limit]


def is_peak(per_min: list[float], min_points: int = 6) -> bool:
    """The latest rate is the session's highest and well above its typical level."""
    if len(per_min) < min_points:
        return False
    latest, history = per_min[-1], sorted(per_min[:-1])
    median = history[len(history) // 2]
    return latest >= max(history) and latest >= 1.5 * max(median, 1.0)
