"""Marks on the heatmap's strip: cues and product changes in the host's words, never overlapping.

The insight service records (ts, action name, subject) — "poll.open", "tryon.on_air" with its
SKUs … — which are names for programs, not for a host. Here they become "Poll opened" / "投票开始"
and the product's own name. One moment often brings several marks at once (a segment starts:
product card, try-on, the cue that did it); they share one label, and a cue's own mark is left
out when what it did is marked too. Labels sit in a few lanes; a label that fits in no lane is
left off (its line stays, with the words on hover) rather than drawn over a neighbour.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from console.core import actions as A
from console.i18n import pick

EVENT_WORDS: dict[str, tuple[str, str]] = {
    A.POLL_OPEN: ("Poll opened", "投票开始"),
    A.LOTTERY_OPEN: ("Lottery opened", "抽奖开始"),
    A.LOTTERY_DRAW: ("Winners drawn", "开奖"),
    A.COUPON_DROP: ("Coupon dropped", "发放优惠券"),
}
PRODUCT_MARKS = frozenset({A.PRODUCT_CARD, A.SHOW_SEGMENT, A.TRYON_ON_AIR})
SAME_MOMENT_S = 1.0
LANES = (0.92, 0.62, 0.32)  # label heights, as a share of the strip's height


def mark_text(name: str, subject: str, product_name: Callable[[str], str] = str) -> str:
    """One mark in the host's language ("" when it says nothing worth a label)."""
    if name in PRODUCT_MARKS:
        skus = [s for s in subject.split(",") if s]
        if not skus:
            return pick("Try-on off", "卸下试穿") if name == A.TRYON_ON_AIR else ""
        return " + ".join(product_name(s) for s in skus)
    if name in EVENT_WORDS:
        return pick(*EVENT_WORDS[name])
    if name == A.CUE_FIRE:
        from console.interact.registry import ACTIONS

        action = ACTIONS.get(subject)
        return pick(*action.label) if action is not None else pick("Cue", "流程提示")
    return ""


def moments(marks: Iterable[tuple[float, str, str]], product_name: Callable[[str], str] = str) -> list[tuple[float, str]]:
    """(time, label) per moment: marks less than a second apart share one label."""
    groups: list[tuple[float, list[tuple[str, str]]]] = []
    for ts, name, subject in sorted(marks):
        if not groups or ts - groups[-1][0] >= SAME_MOMENT_S:
            groups.append((ts, []))
        groups[-1][1].append((name, mark_text(name, subject, product_name)))
    out = []
    for ts, items in groups:
        effects = [text for name, text in items if name != A.CUE_FIRE and text]
        texts = effects or [text for _name, text in items if text]
        if texts:
            out.append((ts, " · ".join(dict.fromkeys(texts))))
    return out


def place_labels(xs: Sequence[float], widths: Sequence[float], right: float, lanes: int = len(LANES),
                 gap: float = 6.0) -> list[int | None]:
    """The lane of each label (None = no room), given its left edge and width in pixels.

    Labels go left to right; each takes the first lane whose last label ends `gap` before it
    starts, and must end inside the plot (`right`)."""
    ends = [float("-inf")] * lanes
    out: list[int | None] = []
    for x, w in zip(xs, widths):
        lane = next((i for i in range(lanes) if ends[i] + gap <= x), None)
        if lane is None or x + w > right:
            out.append(None)
            continue
        ends[lane] = x + w
        out.append(lane)
    return out
