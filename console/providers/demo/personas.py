"""How each audience segment behaves: what they do, what they say, how they like and give.

Segments follow console.core.events.Segment, indexed 0 new, 1 active, 2 high value (see
crowd.SEGMENTS). Weights are relative; cumulative forms are precomputed because the audience
draws thousands of these per tick with `random.choices(cum_weights=…, k=…)`.
"""

from __future__ import annotations

import itertools
import random

from .catalog import GIFT_WEIGHTS, GIFTS
from .crowd import SEGMENTS
from .phrases import INTENTS

COMMENT, LIKE, GIFT, FOLLOW, ORDER = range(5)
KINDS = (COMMENT, LIKE, GIFT, FOLLOW, ORDER)

SEGMENT_ACTIVITY: tuple[float, ...] = (0.4, 2.0, 1.0)
"""Events per viewer relative to each other: new viewers are quiet, regulars chatty."""

SEGMENT_KIND_WEIGHTS: tuple[tuple[float, ...], ...] = (
    # comment, like, gift, follow, order
    (0.56, 0.34, 0.015, 0.075, 0.01),   # new: asks basics, follows
    (0.42, 0.54, 0.03, 0.0, 0.01),      # active: chatty, likes a lot
    (0.55, 0.20, 0.07, 0.02, 0.16),     # high value: detailed questions, gifts, buys
)

SEGMENT_INTENT_WEIGHTS: tuple[tuple[float, ...], ...] = (
    # greet price size shade ship buy intent praise complain chatter detail spam
    (15, 20, 8, 7, 12, 12, 5, 8, 3, 7, 0, 3),
    (3, 5, 3, 4, 3, 2, 20, 25, 5, 28, 0, 2),
    (2, 6, 8, 10, 6, 4, 14, 12, 3, 5, 30, 0),
)
assert all(len(w) == len(INTENTS) for w in SEGMENT_INTENT_WEIGHTS), "one weight per intent"

LIKE_COUNTS: tuple[int, ...] = (1, 2, 3, 5, 10, 20, 50)
LIKE_WEIGHTS: tuple[tuple[float, ...], ...] = (
    (60, 20, 10, 6, 3, 1, 0), (25, 20, 15, 15, 12, 9, 4), (50, 20, 12, 10, 5, 2, 1),
)
GIFT_COUNT_CHOICES: tuple[int, ...] = (1, 2, 3, 5, 10, 66, 99)
GIFT_COUNT_WEIGHTS: tuple[float, ...] = (70, 8, 6, 6, 6, 3, 1)
GIFT_TABLE_SIZE = 4096

KIND_CUM = [tuple(itertools.accumulate(w)) for w in SEGMENT_KIND_WEIGHTS]
INTENT_CUM = [tuple(itertools.accumulate(w)) for w in SEGMENT_INTENT_WEIGHTS]
LIKE_CUM = [tuple(itertools.accumulate(w)) for w in LIKE_WEIGHTS]


def draw_gift_table(rng: random.Random) -> tuple[tuple[tuple[str, int, float], ...], ...]:
    """Per segment, a table of (gift, count, value) drawn once; ticks index it at random."""
    tables = []
    for seg in SEGMENTS:
        rows = []
        for gift in rng.choices(GIFTS, weights=GIFT_WEIGHTS[seg], k=GIFT_TABLE_SIZE):
            # Nobody sends 99 carnivals: big gifts come one at a time.
            count = 1 if gift.unit_value >= 50 else rng.choices(
                GIFT_COUNT_CHOICES, weights=GIFT_COUNT_WEIGHTS)[0]
            rows.append((gift.name, count, round(gift.unit_value * count, 2)))
        tables.append(tuple(rows))
    return tuple(tables)
