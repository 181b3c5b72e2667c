"""Who is in the simulated room: viewers, their segment and language, who is present.

Viewers are numbered; everything about viewer `i` lives at index `i` of flat lists, and the
present ones are kept per segment in swap-remove lists, so picking 2,500 speakers for a tick is
one `random.choices` per segment and a join/leave is O(1).
"""

from __future__ import annotations

import random
from typing import Sequence

from console.core.events import Segment, Viewer

SEGMENTS: tuple[Segment, ...] = (Segment.NEW, Segment.ACTIVE, Segment.HIGH_VALUE)
SEGMENT_SHARE: tuple[float, ...] = (0.45, 0.40, 0.15)
"""Share of each segment among viewers who walk in."""

_ZH_HEADS = ("小", "阿", "大", "爱吃", "不吃", "今天也要", "快乐", "晚睡的", "认真", "佛系", "元气",
             "路过的", "住在", "想去", "一只", "甜甜", "芝士", "会飞的")
_ZH_TAILS = ("桃子", "鱼丸", "芒果", "小猫", "月亮", "奶茶", "橘子", "兔兔", "星星", "可乐", "布丁",
             "柠檬", "汤圆", "饼干", "海盐", "栗子", "云朵", "豆包", "麻薯", "西瓜")
_EN_HEADS = ("sunny", "lazy", "happy", "tiny", "cozy", "misty", "lucky", "quiet", "bold", "sleepy",
             "pixel", "velvet", "maple", "coral", "silver", "rosy")
_EN_TAILS = ("panda", "otter", "fox", "kiwi", "bean", "moth", "cloud", "berry", "robin", "tofu",
             "comet", "peach", "noodle", "lynx", "pebble", "mango")


def fictional_name(zh: bool, rng: random.Random) -> str:
    if zh:
        name = rng.choice(_ZH_HEADS) + rng.choice(_ZH_TAILS)
        return name + (str(rng.randrange(10, 999)) if rng.random() < 0.35 else "")
    sep = rng.choice(("_", "", "."))
    return f"{rng.choice(_EN_HEADS)}{sep}{rng.choice(_EN_TAILS)}{rng.randrange(1, 99)}"


class Crowd:
    def __init__(self, rng: random.Random, zh_ratio: float, max_known: int) -> None:
        self._rng = rng
        self._zh_ratio = zh_ratio
        self.max_known = max(max_known, 16)
        self.viewers: list[Viewer] = []
        self.segment: list[int] = []
        """Index into SEGMENTS for each viewer."""
        self.zh: list[bool] = []
        self.present: tuple[list[int], ...] = ([], [], [])
        self._slot: list[int] = []
        """Position in its segment's present list, or -1 when away."""
        self._away: list[int] = []

    # --- membership ------------------------------------------------------------------------

    def _create(self) -> int:
        rng = self._rng
        idx = len(self.viewers)
        roll = rng.random()
        seg = 0 if roll < SEGMENT_SHARE[0] else (1 if roll < SEGMENT_SHARE[0] + SEGMENT_SHARE[1] else 2)
        zh = rng.random() < self._zh_ratio
        self.viewers.append(Viewer(f"demo-u{idx}", fictional_name(zh, rng), SEGMENTS[seg],
                                   is_follower=rng.random() < (0.1, 0.5, 0.8)[seg]))
        self.segment.append(seg)
        self.zh.append(zh)
        self._slot.append(-1)
        return idx

    def _enter(self, idx: int) -> None:
        members = self.present[self.segment[idx]]
        self._slot[idx] = len(members)
        members.append(idx)

    def join(self) -> int:
        """Someone walks in: a returning viewer, or a new one while the room still has strangers."""
        rng = self._rng
        if self._away and (len(self.viewers) >= self.max_known or rng.random() < 0.3):
            pos = rng.randrange(len(self._away))
            self._away[pos], self._away[-1] = self._away[-1], self._away[pos]
            idx = self._away.pop()
        else:
            idx = self._create()
        self._enter(idx)
        return idx

    def leave(self, idx: int) -> None:
        slot = self._slot[idx]
        if slot < 0:
            return
        members = self.present[self.segment[idx]]
        last = members.pop()
        if last != idx:
            members[slot] = last
            self._slot[last] = slot
        self._slot[idx] = -1
        self._away.append(idx)

    def is_present(self, idx: int) -> bool:
        return self._slot[idx] >= 0

    def count(self) -> int:
        return sum(len(m) for m in self.present)

    def random_present(self, k: int, weights: Sequence[float] = (1.0, 1.0, 1.0)) -> list[int]:
        """k present viewers (with repeats), segments weighted by size × `weights`."""
        rng = self._rng
        sizes = [len(m) * w for m, w in zip(self.present, weights)]
        if k <= 0 or sum(sizes) <= 0:
            return []
        segs = rng.choices(range(3), weights=sizes, k=k)
        picks = {s: iter(rng.choices(self.present[s], k=segs.count(s))) for s in sorted(set(segs))}
        return [next(picks[s]) for s in segs]

    def sample_present(self, share_by_segment: Sequence[float]) -> list[int]:
        """Distinct present viewers: about `share` of each segment (for who joins a poll etc.)."""
        rng = self._rng
        chosen: list[int] = []
        for members, share in zip(self.present, share_by_segment):
            n = min(len(members), int(len(members) * share + rng.random()))
            chosen.extend(rng.sample(members, n))
        rng.shuffle(chosen)
        return chosen

    def follow(self, idx: int) -> bool:
        """Mark viewer `idx` a follower; False if they already were."""
        viewer = self.viewers[idx]
        if viewer.is_follower:
            return False
        self.viewers[idx] = Viewer(viewer.id, viewer.name, viewer.segment, is_follower=True)
        return True
