"""The interaction heatmap: topics × time buckets, counted as events arrive.

Rows are topics: every product that has been on air (interactions while it was on air count for
it) and every intent (comments with that label). Counts are kept per *base* bucket of
`BASE_S` seconds, aligned to the epoch (bucket n covers [n·BASE_S, (n+1)·BASE_S)); a zoomed view
of `bucket_s` (a multiple of BASE_S) sums whole base buckets, so zooming never re-counts and
never splits an event between two columns. A cell also knows how to find exactly the comments
behind it (`CellFilter`), which the comment panel uses when the host clicks it.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .lexicon import LABELS

BASE_S = 5
ZOOMS_S: tuple[int, ...] = (5, 10, 30, 60, 120, 300)
DEFAULT_BUCKET_S = 30
INTERACTION_KINDS = frozenset({"comment", "like", "gift", "follow", "order", "share"})

Row = tuple[str, str]
"""("product", sku) or ("intent", label)."""


def bucket_index(ts: float, bucket_s: float) -> int:
    """The column of `ts`: floor(ts / bucket_s); a boundary timestamp opens the next column."""
    return math.floor(ts / bucket_s)


@dataclass
class Cell:
    comments: int = 0
    likes: int = 0
    gifts: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.comments + self.likes + self.gifts + self.other

    def add(self, other: "Cell") -> None:
        self.comments += other.comments
        self.likes += other.likes
        self.gifts += other.gifts
        self.other += other.other


@dataclass(frozen=True, slots=True)
class CellFilter:
    """Which comments sit behind one cell: time range plus topic."""

    row: Row
    t0: float
    t1: float
    on_air: tuple[tuple[float, float], ...] = ()
    """For a product row: the parts of [t0, t1) while it was on air."""

    def matches(self, ts: float, intents: Sequence[str]) -> bool:
        if not (self.t0 <= ts < self.t1):
            return False
        kind, key = self.row
        if kind == "intent":
            return key in intents
        return any(a <= ts < b for a, b in self.on_air)


@dataclass
class Grid:
    rows: list[Row]
    start_index: int
    bucket_s: int
    cells: list[list[Cell]]
    """cells[row][column]."""
    values: list[list[float]] = field(default_factory=list)
    """Normalised 0..1 intensity, per row or overall."""

    def column_start(self, column: int) -> float:
        return (self.start_index + column) * self.bucket_s


class Heatmap:
    def __init__(self) -> None:
        self._cells: dict[Row, dict[int, Cell]] = {}
        self._rows: list[Row] = []
        # On-air timeline: (start_ts, skus) in time order; each entry lasts until the next.
        self._air_ts: list[float] = []
        self._air_skus: list[tuple[str, ...]] = []
        self.first_index: int | None = None
        self.last_index: int | None = None

    # -- feeding ---------------------------------------------------------------------------
    def set_on_air(self, ts: float, skus: Iterable[str]) -> None:
        skus = tuple(dict.fromkeys(skus))
        i = bisect.bisect_right(self._air_ts, ts)
        self._air_ts.insert(i, ts)
        self._air_skus.insert(i, skus)
        for sku in skus:
            self._row(("product", sku))

    def on_air_at(self, ts: float) -> tuple[str, ...]:
        i = bisect.bisect_right(self._air_ts, ts) - 1
        return self._air_skus[i] if i >= 0 else ()

    def _row(self, row: Row) -> dict[int, Cell]:
        cells = self._cells.get(row)
        if cells is None:
            cells = self._cells[row] = {}
            self._rows.append(row)
        return cells

    def add(self, kind: str, ts: float, intents: Sequence[str] = (), count: int = 1) -> None:
        if kind not in INTERACTION_KINDS:
            return
        index = bucket_index(ts, BASE_S)
        if self.first_index is None or index < self.first_index:
            self.first_index = index
        if self.last_index is None or index > self.last_index:
            self.last_index = index
        rows: list[Row] = [("product", sku) for sku in self.on_air_at(ts)]
        if kind == "comment":
            rows += [("intent", label) for label in intents]
        for row in rows:
            cells = self._row(row)
            cell = cells.get(index)
            if cell is None:
                cell = cells[index] = Cell()
            if kind == "comment":
                cell.comments += 1
            elif kind == "like":
                cell.likes += count
            elif kind == "gift":
                cell.gifts += count
            else:
                cell.other += 1

    # -- reading ---------------------------------------------------------------------------
    def rows(self) -> list[Row]:
        """Products in the order they first went on air, then intents in label order."""
        products = [r for r in self._rows if r[0] == "product"]
        intents = sorted((r for r in self._rows if r[0] == "intent"), key=lambda r: LABELS.index(r[1]))
        return products + intents

    def cell(self, row: Row, index: int, bucket_s: int = DEFAULT_BUCKET_S) -> Cell:
        """One zoomed cell: the sum of the base buckets inside column `index`."""
        _check_zoom(bucket_s)
        per = bucket_s // BASE_S
        out = Cell()
        cells = self._cells.get(row, {})
        for base in range(index * per, (index + 1) * per):
            c = cells.get(base)
            if c is not None:
                out.add(c)
        return out

    def grid(self, bucket_s: int = DEFAULT_BUCKET_S, columns: int = 40, end_ts: float | None = None,
             normalise: str = "row") -> Grid:
        _check_zoom(bucket_s)
        per = bucket_s // BASE_S
        last_base = bucket_index(end_ts, BASE_S) if end_ts is not None else (self.last_index or 0)
        last = last_base // per
        start = last - columns + 1
        rows = self.rows()
        cells = [[Cell() for _ in range(columns)] for _ in rows]
        first_base, end_base = start * per, (last + 1) * per
        for r, row in enumerate(rows):
            row_cells = self._cells[row]
            line = cells[r]
            if len(row_cells) < end_base - first_base:
                items = ((b, c) for b, c in row_cells.items() if first_base <= b < end_base)
            else:  # long session: look up only the visible range
                items = ((b, row_cells[b]) for b in range(first_base, end_base) if b in row_cells)
            for base, c in items:
                line[base // per - start].add(c)
        grid = Grid(rows, start, bucket_s, cells)
        totals = [[c.total for c in line] for line in cells]
        if normalise == "all":
            peak = max((v for line in totals for v in line), default=0) or 1
            grid.values = [[v / peak for v in line] for line in totals]
        else:
            grid.values = [[v / (max(line) or 1) for v in line] for line in totals]
        return grid

    def cell_filter(self, row: Row, index: int, bucket_s: int = DEFAULT_BUCKET_S) -> CellFilter:
        _check_zoom(bucket_s)
        t0, t1 = index * bucket_s, (index + 1) * bucket_s
        spans: list[tuple[float, float]] = []
        if row[0] == "product":
            # Walk the on-air timeline across [t0, t1) and keep the stretches naming this SKU.
            i = max(0, bisect.bisect_right(self._air_ts, t0) - 1)
            while i < len(self._air_ts) and self._air_ts[i] < t1:
                a = max(t0, self._air_ts[i])
                b = min(t1, self._air_ts[i + 1]) if i + 1 < len(self._air_ts) else t1
                if row[1] in self._air_skus[i] and a < b:
                    spans.append((a, b))
                i += 1
        return CellFilter(row, float(t0), float(t1), tuple(spans))


def _check_zoom(bucket_s: int) -> None:
    if bucket_s <= 0 or bucket_s % BASE_S:
        raise ValueError(f"bucket size must be a positive multiple of {BASE_S} s, not {bucket_s}")
