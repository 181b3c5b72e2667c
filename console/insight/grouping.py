"""Question grouping: near-duplicate questions merge into one entry with a count.

"160 穿什么码?", "160穿什么码" and "160斤穿什么码呀" are one question asked three times; the host
answers it once and every member is marked answered. Texts are reduced to a key (folded, emoji
and punctuation dropped, spelling variants and trailing particles normalised); an identical key
joins at once, otherwise the closest recent key within `threshold` (rapidfuzz ratio) joins —
but only when the numbers in both agree, because "160斤" and "120斤" need different answers.
"""

from __future__ import annotations

import collections
import re
from dataclasses import dataclass, field
from typing import Iterable

from rapidfuzz import fuzz, process

from .text import fold

MAX_GROUPS = 2000
MAX_MEMBER_IDS = 2000
"""Per group; the count keeps going, the ids beyond this are not needed to answer on air."""
MATCH_AGAINST = 400
BUCKET_S = 5
KEEP_BUCKETS = 60
"""Five minutes of per-group counts: twice the longest radar window, with room to spare."""
"""Fuzzy matching only looks at this many most recently active groups (bounded cost)."""

_DROP = re.compile(r"[^\w]+|_")
_PARTICLES = re.compile(r"(?:吗|呢|啊|呀|哈|么|嘛|吧|哦|捏|please|pls|plz)+$")
_NUMBERS = re.compile(r"\d+")
_VARIANTS = (
    ("尺码", "码"), ("码数", "码"), ("码子", "码"), ("多钱", "多少钱"), ("多少米", "多少钱"),
    ("价格多少", "多少钱"), ("包油", "包邮"), ("顏色", "颜色"),
    ("colour", "color"), ("szie", "size"), ("pirce", "price"), ("howmuch", "howmuch"),
    ("wat", "what"), ("whats", "what"), ("isit", "is"), ("doyou", "do"),
)


def window_counts(buckets: collections.Counter, now: float, window_s: float) -> tuple[int, int]:
    """(count in the last window, count in the window before) from BUCKET_S-second buckets."""
    last = int(now // BUCKET_S)
    per = max(1, int(window_s // BUCKET_S))
    recent = sum(buckets.get(b, 0) for b in range(last - per + 1, last + 1))
    before = sum(buckets.get(b, 0) for b in range(last - 2 * per + 1, last - per + 1))
    return recent, before


def question_key(text: str) -> str:
    key = _DROP.sub("", fold(text))
    for a, b in _VARIANTS:
        if a in key:
            key = key.replace(a, b)
    return _PARTICLES.sub("", key) or key


@dataclass
class QuestionGroup:
    key: str
    text: str
    """The first wording seen: what the host reads."""
    intents: tuple[str, ...]
    first_ts: float
    last_ts: float
    count: int = 0
    msg_ids: list[str] = field(default_factory=list)
    answered_at: float | None = None
    answered_count: int = 0
    """Members at the time the group was answered; later askers make it pending again."""
    buckets: collections.Counter = field(default_factory=collections.Counter)
    """Asks per BUCKET_S seconds (recent ones only): what the radar reads."""
    recent_times: collections.deque = field(default_factory=lambda: collections.deque(maxlen=200))
    """The last asks' times, for reply latency when the group is answered."""
    faq: object = None
    faq_for: tuple = ()

    @property
    def pending(self) -> int:
        return self.count - self.answered_count


class QuestionGroups:
    def __init__(self, threshold: float = 85.0) -> None:
        self.threshold = threshold
        self._groups: dict[str, QuestionGroup] = {}
        self._alias: dict[str, str] = {}
        """Member key → its group's key, so a repeated variant skips fuzzy matching."""

    def add(self, text: str, msg_id: str, ts: float, intents: Iterable[str]) -> QuestionGroup | None:
        """The group `text` joins; None when nothing is left to group ("?", "？？", emoji only)."""
        key = question_key(text)
        if not key:
            return None
        group = self._groups.get(self._alias.get(key, key))
        if group is None:
            group = self._match(key)
            if group is None:
                group = QuestionGroup(key, text.strip(), tuple(intents), ts, ts)
                self._groups[key] = group
                self._evict()
            self._alias[key] = group.key
        group.count += 1
        group.last_ts = max(group.last_ts, ts)
        bucket = int(ts // BUCKET_S)
        group.buckets[bucket] += 1
        if len(group.buckets) > KEEP_BUCKETS:
            for old in [b for b in group.buckets if b <= bucket - KEEP_BUCKETS]:
                del group.buckets[old]
        group.recent_times.append(ts)
        if len(group.msg_ids) < MAX_MEMBER_IDS:
            group.msg_ids.append(msg_id)
        # Move to the end: dict order is recency order, which eviction and matching use.
        self._groups[group.key] = self._groups.pop(group.key)
        return group

    def _match(self, key: str) -> QuestionGroup | None:
        if not self._groups:
            return None
        recent = list(self._groups)[-MATCH_AGAINST:]
        numbers = _NUMBERS.findall(key)
        for candidate, score, _ in process.extract(key, recent, scorer=fuzz.ratio,
                                                   score_cutoff=self.threshold, limit=3):
            if _NUMBERS.findall(candidate) == numbers:
                return self._groups[candidate]
        return None

    def _evict(self) -> None:
        while len(self._groups) > MAX_GROUPS:
            oldest = next(iter(self._groups))
            del self._groups[oldest]
        if len(self._alias) > 4 * MAX_GROUPS:
            self._alias = {k: v for k, v in self._alias.items() if v in self._groups}

    def answer(self, key: str, ts: float) -> list[str]:
        """Mark the group answered; returns the member message ids it covers."""
        group = self._groups.get(key)
        if group is None:
            return []
        group.answered_at = ts
        group.answered_count = group.count
        return list(group.msg_ids)

    def get(self, key: str) -> QuestionGroup | None:
        return self._groups.get(key)

    def top(self, n: int = 20, pending_only: bool = True) -> list[QuestionGroup]:
        groups = [g for g in self._groups.values() if g.pending > 0 or not pending_only]
        return sorted(groups, key=lambda g: (g.pending, g.last_ts), reverse=True)[:n]

    def recent_counts(self, now: float, window_s: float) -> list[tuple[QuestionGroup, int, int]]:
        """(group, asks in the last window, asks in the window before) for the radar."""
        out = []
        for g in reversed(self._groups.values()):
            if g.last_ts < now - 2 * window_s:
                break
            recent, before = window_counts(g.buckets, now, window_s)
            out.append((g, recent, before))
        return out

    def pending_total(self) -> int:
        return sum(g.pending for g in self._groups.values())

    def __len__(self) -> int:
        return len(self._groups)
