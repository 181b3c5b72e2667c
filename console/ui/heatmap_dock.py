"""The heatmap dock: topics × time, the viewers/interactions strip above it.

Plots are pyqtgraph (fast enough to redraw every second with thousands of cells). Colour is the
interaction intensity normalised per row (what is hot *for this product*) or overall (where the
room is), switchable; hover shows the counts; a click shows exactly the comments behind the cell
in the comment panel. The strip marks cues/product changes (dashed lines) and attention peaks.
"""

from __future__ import annotations

import math
import time
from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolTip, QVBoxLayout, QWidget

from console.i18n import pick
from console.insight.heatmap import BASE_S, DEFAULT_BUCKET_S, ZOOMS_S, CellFilter, Grid, Row
from console.insight.radar import is_peak
from console.insight.service import Insight

from .refreshing import RefreshingPanel
from .strip_marks import draw_marks, moments

COLUMNS = 40
AXIS_W = 44  # the strip's right axis (interactions) and the map's matching blank one
MIN_LABEL_PX, MAX_LABEL_PX, MAX_LEFT_W = 9, 12, 170
VIEWER_COLOUR, INTERACTION_COLOUR, PEAK_COLOUR = "#64b5f6", "#f4c152", "#e5534b"
INTENT_NAMES = {
    "question": ("Questions", "提问"), "purchase_intent": ("Want to buy", "想买"), "price": ("Price", "价格"),
    "size_fit": ("Size & fit", "尺码"), "color_shade": ("Colour & shade", "颜色色号"),
    "stock_shipping": ("Stock & shipping", "库存物流"), "quality": ("Quality", "质量"),
    "complaint": ("Complaints", "抱怨"), "praise": ("Praise", "夸赞"), "spam": ("Spam", "垃圾信息"),
}


def row_label(row: Row, product_name: Callable[[str], str]) -> str:
    kind, key = row
    if kind == "intent":
        en, zh = INTENT_NAMES.get(key, (key, key))
        return pick(en, zh)
    return product_name(key)


def _clock(ts: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(ts))


class _TimeAxis(pg.AxisItem):
    def __init__(self, to_ts: Callable[[float], float], **kw) -> None:
        super().__init__(orientation="bottom", **kw)
        self.to_ts = to_ts

    def tickStrings(self, values, scale, spacing):  # noqa: N802 — pyqtgraph API
        return [_clock(self.to_ts(v)) for v in values]


def compact(value: float, step: float = 1.0) -> str:
    """Axis numbers a glance can read at 10,000 a second: 950, 53k, 1.2M. Ticks closer than 1
    apart (a quiet start: 0 … 1 interactions) keep the decimals that tell them apart."""
    n = abs(value)
    if 0 < step < 1 and n < 1000:
        decimals = min(3, max(1, -math.floor(math.log10(step))))
        return f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    if n >= 1_000_000:
        return f"{value / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"
    if n >= 10_000:
        return f"{value / 1000:.0f}k"
    if n >= 1000:
        return f"{value / 1000:.1f}".rstrip("0").rstrip(".") + "k"
    return f"{value:.0f}"


class _CountAxis(pg.AxisItem):
    def tickStrings(self, values, scale, spacing):  # noqa: N802 — pyqtgraph API
        return [compact(v * scale, spacing * scale) for v in values]


class HeatmapPanel(RefreshingPanel):
    def __init__(self, insight: Insight, on_cell: Callable[[CellFilter, str], None] | None = None,
                 product_name: Callable[[str], str] = str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.insight, self.on_cell, self.product_name = insight, on_cell, product_name
        self.grid: Grid | None = None
        self.refreshes = 0
        self.row_labels: list[tuple[int, str]] = []
        """(row, name) of the rows named on the left axis."""
        self._label_px = self._left_w = 0
        pg.setConfigOptions(antialias=False, imageAxisOrder="row-major")

        self.zoom = QComboBox()
        for s in ZOOMS_S:
            self.zoom.addItem(pick(f"{s} s", f"{s} 秒") if s < 60 else pick(f"{s // 60} min", f"{s // 60} 分钟"), s)
        self.zoom.setCurrentIndex(ZOOMS_S.index(DEFAULT_BUCKET_S))
        self.zoom.currentIndexChanged.connect(self.refresh)
        self.norm = QComboBox()
        self.norm.addItem(pick("Colour per row", "按行着色"), "row")
        self.norm.addItem(pick("Colour overall", "整体着色"), "all")
        self.norm.currentIndexChanged.connect(self.refresh)
        self.info = QLabel(pick("Click a cell: its comments", "点击格子看评论"))
        self.info.setToolTip(pick("Hover a cell for its counts; click it to list its comments.",
                                  "悬停格子查看次数；点击列出对应评论。"))
        self.info.setTextFormat(Qt.PlainText)
        self.info.setMinimumWidth(10)  # long hover text must not widen the dock
        controls = QHBoxLayout()
        controls.addWidget(QLabel(pick("Bucket", "时间格")))
        controls.addWidget(self.zoom)
        controls.addWidget(self.norm)
        controls.addStretch(1)
        # The strip's legend, with units (axis titles do not fit an 80-pixel-high plot); it sits
        # beside the hover read-out under the map, so the dock can be narrow.
        footer = QHBoxLayout()
        footer.addWidget(self.info, 1)
        self.legend: list[QLabel] = []
        for colour, text in ((VIEWER_COLOUR, pick("━ viewers", "━ 在线人数")),
                             (INTERACTION_COLOUR, pick("━ interactions per 5 s", "━ 每 5 秒互动")),
                             (PEAK_COLOUR, pick("▲ peak", "▲ 高峰"))):
            label = QLabel(text)
            label.setTextFormat(Qt.PlainText)
            label.setStyleSheet(f"color: {colour};")
            footer.addWidget(label)
            self.legend.append(label)

        # Strip: viewers and interactions over time, with marks.
        self.strip = pg.PlotWidget(axisItems={"bottom": _TimeAxis(lambda v: v), "left": _CountAxis("left"),
                                              "right": _CountAxis("right")})
        self.strip.setMaximumHeight(84)
        self.strip.setMouseEnabled(x=False, y=False)
        self.strip.hideButtons()
        self.strip.hideAxis("bottom")  # the map's time axis below serves both: they are aligned
        self.viewers_curve = self.strip.plot(pen=pg.mkPen(VIEWER_COLOUR, width=2))
        # Interactions on their own right-hand axis: thousands a second next to 300 viewers.
        strip_item = self.strip.getPlotItem()
        self.inter_box = pg.ViewBox()
        strip_item.showAxis("right")
        strip_item.scene().addItem(self.inter_box)
        strip_item.getAxis("right").linkToView(self.inter_box)
        self.inter_box.setXLink(strip_item)
        self.inter_box.setMouseEnabled(x=False, y=False)
        strip_item.vb.sigResized.connect(lambda: self.inter_box.setGeometry(strip_item.vb.sceneBoundingRect()))
        self.inter_curve = pg.PlotCurveItem(pen=pg.mkPen(INTERACTION_COLOUR, width=1))
        self.inter_box.addItem(self.inter_curve)
        self.peaks = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(PEAK_COLOUR), symbol="t1")
        self.inter_box.addItem(self.peaks)
        self.mark_lines: list[pg.InfiniteLine] = []
        self.mark_labels: list[tuple[float, str, int | None]] = []
        """(time, words, lane or None when there was no room) of each mark drawn."""

        # Heatmap.
        self.map = pg.PlotWidget(axisItems={"bottom": _TimeAxis(self._column_ts)})
        self.map.setMouseEnabled(x=False, y=False)
        self.map.invertY(True)
        self.map.hideButtons()
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("inferno"))
        self.map.addItem(self.image)
        self.map.getAxis("bottom").setTickSpacing(20, 10)
        small = self.font()
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.8))
        self.map.getAxis("bottom").setStyle(tickFont=small)
        self.map.scene().sigMouseMoved.connect(self._hover)
        self.map.scene().sigMouseClicked.connect(self._clicked)
        # Same axis widths on both plots, so a moment on the strip sits above its column.
        self.map.showAxis("right")
        self.map.getAxis("right").setStyle(showValues=False)
        self.map.getAxis("right").setWidth(AXIS_W)
        self.strip.getAxis("right").setWidth(AXIS_W)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addLayout(controls)
        layout.addWidget(self.strip)
        layout.addWidget(self.map, 1)
        layout.addLayout(footer)
        self.start_refreshing(1000)  # the issue asks for at least once a second

    @property
    def bucket_s(self) -> int:
        return int(self.zoom.currentData())

    def _column_ts(self, x: float) -> float:
        if self.grid is None:
            return 0.0
        return self.grid.column_start(0) + x * self.grid.bucket_s

    # -- drawing -------------------------------------------------------------------------------
    def _end_ts(self) -> float | None:
        """Until the show fills the window the columns start at its first event and fill left
        to right (not twenty empty minutes before the show with everything in the last column)."""
        heat = self.insight.heatmap
        with self.insight.lock:
            first, last = heat.first_index, heat.last_index
        if first is None or last is None:
            return None
        per = self.bucket_s // BASE_S
        return max(last // per, first // per + COLUMNS - 1) * self.bucket_s

    def refresh(self) -> None:
        end_ts = self._end_ts()
        with self.insight.lock:
            grid = self.insight.heatmap.grid(self.bucket_s, COLUMNS, end_ts=end_ts, normalise=self.norm.currentData())
        self.grid = grid
        self.refreshes += 1
        values = np.array(grid.values, dtype=np.float32) if grid.rows else np.zeros((1, COLUMNS), np.float32)
        self.image.setImage(values, levels=(0.0, 1.0), autoLevels=False)
        self.image.setRect(0, 0, COLUMNS, max(1, len(grid.rows)))
        self._label_rows([row_label(r, self.product_name) for r in grid.rows])
        self.map.setXRange(0, COLUMNS, padding=0)
        self.map.setYRange(0, max(1, len(grid.rows)), padding=0)
        self._refresh_strip(grid.column_start(0), grid.column_start(COLUMNS))

    def _label_rows(self, labels: list[str]) -> None:
        """Row names in a font that fits the row height; when rows are thinner than a readable
        font, every other row is named (hover still names each cell)."""
        row_px = self.map.getPlotItem().vb.height() / max(1, len(labels))
        font = QFont(self.font())
        font.setPixelSize(int(max(MIN_LABEL_PX, min(MAX_LABEL_PX, row_px - 1))))
        step = 1 if row_px >= MIN_LABEL_PX else int(np.ceil(MIN_LABEL_PX / max(row_px, 1.0)))
        self.row_labels = [(i, text) for i, text in enumerate(labels) if i % step == 0]
        axis = self.map.getAxis("left")
        if font.pixelSize() != self._label_px:
            self._label_px = font.pixelSize()
            axis.setStyle(tickFont=font)
        axis.setTicks([[(i + 0.5, text) for i, text in self.row_labels]])
        metrics = QFontMetrics(font)
        width = int(min(MAX_LEFT_W, max([48] + [metrics.horizontalAdvance(t) + 12 for _, t in self.row_labels])))
        if width != self._left_w:  # both plots' left axes alike: the strip's moments over their columns
            self._left_w = width
            axis.setWidth(width)
            self.strip.getAxis("left").setWidth(width)

    def _refresh_strip(self, t0: float, t1: float) -> None:
        times, viewers, inter, marks = self.insight.strip(t0)
        self.viewers_curve.setData(times, viewers)
        self.inter_curve.setData(times, inter)
        self.strip.setXRange(t0, t1, padding=0)
        self.inter_box.enableAutoRange(axis=pg.ViewBox.YAxis)
        per_min = [sum(inter[max(0, i - 11): i + 1]) for i in range(len(inter))]
        # A peak needs three minutes of history to stand out from (no marks while warming up).
        peak_x = [times[i] for i in range(len(per_min)) if is_peak(per_min[: i + 1], min_points=36)]
        peak_y = [inter[times.index(x)] for x in peak_x]
        self.peaks.setData(peak_x, peak_y)
        for line in self.mark_lines:
            self.strip.removeItem(line)
        self.mark_lines, self.mark_labels = draw_marks(self.strip, moments(marks[-40:], self.product_name), t0, t1)

    # -- hover / click ---------------------------------------------------------------------------
    def cell_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        if self.grid is None or not self.grid.rows:
            return None
        p = self.map.getPlotItem().vb.mapSceneToView(scene_pos)
        col, row = int(np.floor(p.x())), int(np.floor(p.y()))
        if 0 <= row < len(self.grid.rows) and 0 <= col < COLUMNS:
            return row, col
        return None

    def scene_pos_of(self, row: int, col: int) -> QPointF:
        return self.map.getPlotItem().vb.mapViewToScene(QPointF(col + 0.5, row + 0.5))

    def describe(self, row: int, col: int) -> str:
        grid = self.grid
        cell = grid.cells[row][col]
        t0 = grid.column_start(col)
        name = row_label(grid.rows[row], self.product_name)
        return pick(f"{name}, {_clock(t0)}–{_clock(t0 + grid.bucket_s)}: {cell.comments} comments, "
                    f"{cell.likes} likes, {cell.gifts} gifts, {cell.other} other",
                    f"{name}，{_clock(t0)}–{_clock(t0 + grid.bucket_s)}：评论 {cell.comments}，"
                    f"点赞 {cell.likes}，礼物 {cell.gifts}，其他 {cell.other}")

    def _hover(self, scene_pos) -> None:
        hit = self.cell_at(scene_pos)
        if hit is None:
            return
        text = self.describe(*hit)
        self.info.setText(text)
        view_pos = self.map.mapFromScene(scene_pos)
        QToolTip.showText(self.map.mapToGlobal(view_pos), text, self.map)

    def _clicked(self, event) -> None:
        hit = self.cell_at(event.scenePos())
        if hit is not None:
            self.click_cell(*hit)

    def click_cell(self, row: int, col: int) -> CellFilter | None:
        grid = self.grid
        if grid is None:
            return None
        index = grid.start_index + col
        with self.insight.lock:
            cell = self.insight.heatmap.cell_filter(grid.rows[row], index, grid.bucket_s)
        label = pick(f"Heatmap: {self.describe(row, col)}", f"热力图：{self.describe(row, col)}")
        if self.on_cell is not None:
            self.on_cell(cell, label)
        return cell
