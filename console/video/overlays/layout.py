"""Where each element goes on a 16:9 or 9:16 program frame.

Elements stack in columns inside the title-safe area (5 % in from every edge): some columns grow
down from the top, others up from the bottom. 16:9 keeps the centre clear for the host; 9:16
(vertical rooms on Douyin/TikTok) uses the top and the lower third. When everything is on at once
and a column would run into another element, the whole set is drawn a little smaller — text
shrinks before anything overlaps or leaves the frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .tile import Tile

SAFE = 0.05
MIN_SCALE = 0.6


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    """What elements name as their slot (registry.Slot.column)."""
    x: float
    w: float
    """Left edge and width as fractions of the safe area's width."""
    anchor: str
    """"top" (grows down) or "bottom" (grows up)."""
    above: tuple[str, ...] = ()
    """A bottom column starts above what these (earlier) columns placed, when they placed anything."""


LAYOUTS: dict[str, tuple[Column, ...]] = {
    # The host's face is in the upper middle: keep the top centre clear.
    "16:9": (
        Column("top-left", 0.0, 0.29, "top"),
        Column("top-right", 0.71, 0.29, "top"),
        Column("bottom-left", 0.0, 0.29, "bottom"),
        Column("bottom-centre", 0.355, 0.29, "bottom"),
        Column("bottom-right", 0.71, 0.29, "bottom"),
    ),
    # Vertical: a short band at the top, the rest in the lower part, the middle left to the host.
    "9:16": (
        Column("top-left", 0.0, 0.49, "top"),
        Column("top-right", 0.51, 0.49, "top"),
        Column("bottom-band", 0.0, 1.0, "bottom"),
        Column("lower-left", 0.0, 0.49, "bottom", above=("bottom-band",)),
        Column("lower-right", 0.51, 0.49, "bottom", above=("bottom-band",)),
    ),
}


def column_names() -> dict[str, tuple[str, ...]]:
    return {aspect: tuple(c.name for c in cols) for aspect, cols in LAYOUTS.items()}


@dataclass(frozen=True, slots=True)
class Placement:
    kind: str
    column: str
    tile: Tile
    x: int
    y: int

    @property
    def rect(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.tile.w, self.tile.h)


def base_unit(width: int, height: int, aspect: str) -> float:
    """Text size relative to the output: a 720-line 16:9 frame is 1.0; a 720-wide 9:16 frame is
    larger, because a vertical stream fills the phone and the cards are narrower."""
    return height / 720 if aspect == "16:9" else width / 720 * 1.12


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def arrange(width: int, height: int, aspect: str, stacks: dict[str, list[str]],
            render: Callable[[str, int, float], Tile], start_scale: float = 1.0) -> tuple[list[Placement], float]:
    """Place the present elements; `stacks` maps a column name to the element names in it, in
    stacking order; `render(kind, width_px, unit)` returns the (cached) tile.

    Returns the placements and the scale used; pass that scale back as `start_scale` while the
    same elements stay on, so a tight layout is not re-tried at every size on every frame.
    """
    sx, sy = round(width * SAFE), round(height * SAFE)
    safe_w, bottom = width - 2 * sx, height - sy
    unit0 = base_unit(width, height, aspect)
    scale = start_scale
    while True:
        unit = unit0 * scale
        gap = max(2, round(10 * unit))
        placed: list[Placement] = []
        for col in LAYOUTS[aspect]:
            x, w = sx + round(col.x * safe_w), round(col.w * safe_w)
            y = sy if col.anchor == "top" else bottom
            for p in placed:
                if p.column in col.above:
                    y = min(y, p.y - gap)
            for kind in stacks.get(col.name, ()):
                tile = render(kind, w, unit)
                if col.anchor == "top":
                    placed.append(Placement(kind, col.name, tile, x, y))
                    y += tile.h + gap
                else:
                    y -= tile.h
                    placed.append(Placement(kind, col.name, tile, x, y))
                    y -= gap
        fits = all(p.y >= sy and p.y + p.tile.h <= bottom for p in placed) and not any(
            _overlap(a.rect, b.rect) for i, a in enumerate(placed) for b in placed[i + 1:])
        if fits or scale <= MIN_SCALE:
            return placed, scale
        scale = max(MIN_SCALE, scale * 0.9)
