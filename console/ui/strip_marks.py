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

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

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
LABEL_GAP = 5  # pixels between a mark's dashed line and its words
MARK_COLOUR = "#5fd38d"


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


def draw_marks(plot: pg.PlotWidget, found: Sequence[tuple[float, str]], t0: float, t1: float
               ) -> tuple[list[pg.InfiniteLine], list[tuple[float, str, int | None]]]:
    """A dashed line per moment on `plot` (x from t0 to t1), its words in the first free lane
    or on hover only. Returns the lines and (time, words, lane or None) for each."""
    width = max(1.0, plot.getPlotItem().vb.width())
    metrics = QFontMetrics(plot.font())
    xs = [(ts - t0) / max(1e-9, t1 - t0) * width for ts, _ in found]
    widths = [metrics.horizontalAdvance(text) + LABEL_GAP + 4 for _, text in found]
    lines: list[pg.InfiniteLine] = []
    labels: list[tuple[float, str, int | None]] = []
    for (ts, text), lane, w in zip(found, place_labels(xs, widths, right=width), widths):
        pen = pg.mkPen(MARK_COLOUR, style=Qt.DashLine)
        if lane is None:
            line = pg.InfiniteLine(ts, angle=90, pen=pen)
        else:
            line = pg.InfiniteLine(ts, angle=90, pen=pen, label=text,
                                   labelOpts={"position": LANES[lane], "color": MARK_COLOUR,
                                              "fill": pg.mkBrush(0, 0, 0, 190),
                                              "anchors": [(-LABEL_GAP / w, 0.5)] * 2})
            # Words run right, over the later marks' lines: earlier ones are drawn on top.
            line.setZValue(1000 - len(lines))
        line.setToolTip(text)
        plot.addItem(line)
        lines.append(line)
        labels.append((ts, text, lane))
    return lines, labels
