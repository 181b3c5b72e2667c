"""ROI patches and small paint helpers shared by the hand and body items.

Every item works on a `Patch`: the bounding box of what it draws, clipped to the frame, copied
once to float. Items paint into `patch.work`; `commit` blends the result back scaled by the
track's fade, so `alpha == 0` never touches the frame and nothing outside the box ever changes.
A full-frame float pass costs ~13.5 ms at 720p here; a patch costs what its box costs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")
_LUMA_BGR = np.array([0.114, 0.587, 0.299], np.float32)


def hex_to_bgr(value: str) -> np.ndarray:
    """"#rrggbb" → BGR float32 0..1; a malformed colour says so in plain words."""
    match = _HEX.match(str(value).strip())
    if not match:
        raise ValueError(f"colour {value!r} is not a colour like #d4af37")
    digits = match.group(1)
    r, g, b = (int(digits[i : i + 2], 16) / 255.0 for i in (0, 2, 4))
    return np.array([b, g, r], np.float32)


def light_gain(scene_luma: float) -> float:
    """Brightness factor for drawn product: 1.0 in a normally lit room (luma 0.5), ~0.5 in a dim one.

    Products are drawn with studio colours; without this a gold ring glows in a dark room.
    """
    luma = float(np.clip(scene_luma, 0.0, 1.0))
    return float(np.clip(0.3 + 1.4 * luma, 0.4, 1.15))


def smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def luma(bgr: np.ndarray) -> np.ndarray:
    """Rec.601 luma of a float BGR array (…×3) → (…)."""
    return bgr @ _LUMA_BGR


def unit(v: np.ndarray) -> tuple[np.ndarray, float]:
    v = np.asarray(v, np.float32)[:2]
    n = float(np.hypot(v[0], v[1]))
    if n < 1e-6:
        return np.array([0.0, -1.0], np.float32), 0.0
    return v / n, n


def perp(d: np.ndarray) -> np.ndarray:
    """`d` turned 90° (screen counter-clockwise with y down)."""
    return np.array([d[1], -d[0]], np.float32)


class Patch:
    """A float copy of one box of the frame that an item paints into."""

    __slots__ = ("x0", "y0", "x1", "y1", "base", "work")

    def __init__(self, image: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> None:
        h, w = image.shape[:2]
        self.x0 = int(max(0, np.floor(x0)))
        self.y0 = int(max(0, np.floor(y0)))
        self.x1 = int(min(w, np.ceil(x1)))
        self.y1 = int(min(h, np.ceil(y1)))
        if self.empty:
            self.base = self.work = np.zeros((0, 0, 3), np.float32)
            return
        self.base = image[self.y0 : self.y1, self.x0 : self.x1].astype(np.float32) * (1.0 / 255.0)
        self.work = self.base.copy()

    @classmethod
    def around(cls, image: np.ndarray, points: Iterable, margin: float) -> Patch:
        pts = np.asarray(list(points), np.float32).reshape(-1, 2)
        lo = pts.min(axis=0) - margin
        hi = pts.max(axis=0) + margin
        return cls(image, lo[0], lo[1], hi[0] + 1, hi[1] + 1)

    @property
    def empty(self) -> bool:
        return self.x1 <= self.x0 or self.y1 <= self.y0

    @property
    def shape(self) -> tuple[int, int]:
        return self.y1 - self.y0, self.x1 - self.x0

    def grid(self) -> tuple[np.ndarray, np.ndarray]:
        """Frame coordinates of the pixel centres, as two (h, w) float32 arrays."""
        h, w = self.shape
        xs = np.arange(self.x0, self.x0 + w, dtype=np.float32)[None, :]
        ys = np.arange(self.y0, self.y0 + h, dtype=np.float32)[:, None]
        return np.broadcast_to(xs, (h, w)), np.broadcast_to(ys, (h, w))

    def local(self, centre: np.ndarray, axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates in a frame centred on `centre`: (along `axis`, along its normal)."""
        xs, ys = self.grid()
        dx = xs - np.float32(centre[0])
        dy = ys - np.float32(centre[1])
        normal = perp(axis)
        along = dx * np.float32(axis[0]) + dy * np.float32(axis[1])
        across = dx * np.float32(normal[0]) + dy * np.float32(normal[1])
        return along, across

    def over(self, colour: np.ndarray, alpha: np.ndarray) -> None:
        """Paint `colour` (h×w×3 or 3, BGR 0..1) over the work image with coverage `alpha` (h×w)."""
        a = np.clip(alpha, 0.0, 1.0)[..., None]
        self.work += (colour - self.work) * a

    def sub(self, x0: float, y0: float, x1: float, y1: float) -> tuple[slice, slice] | None:
        """Slices of this patch covering a frame box (for small shapes inside a big patch)."""
        h, w = self.shape
        c0 = int(max(0, np.floor(x0) - self.x0))
        r0 = int(max(0, np.floor(y0) - self.y0))
        c1 = int(min(w, np.ceil(x1) - self.x0 + 1))
        r1 = int(min(h, np.ceil(y1) - self.y0 + 1))
        if c1 <= c0 or r1 <= r0:
            return None
        return slice(r0, r1), slice(c0, c1)

    def child(self, x0: float, y0: float, x1: float, y1: float) -> Patch | None:
        """A view on part of this patch (shares its pixels), so small shapes pay only for their box."""
        box = self.sub(x0, y0, x1, y1)
        if box is None:
            return None
        rows, cols = box
        view = Patch.__new__(Patch)
        view.x0, view.y0 = self.x0 + cols.start, self.y0 + rows.start
        view.x1, view.y1 = self.x0 + cols.stop, self.y0 + rows.stop
        view.base, view.work = self.base[box], self.work[box]
        return view

    def commit(self, image: np.ndarray, fade: float) -> None:
        """Blend the painted patch back into `image`, scaled by the item's fade (Track.alpha)."""
        fade = float(np.clip(fade, 0.0, 1.0))
        if self.empty or fade <= 0.0:
            return
        out = self.base + (self.work - self.base) * np.float32(fade)
        region = image[self.y0 : self.y1, self.x0 : self.x1]
        np.clip(out * 255.0 + 0.5, 0, 255, out=out)
        region[...] = out.astype(np.uint8)


def segment_distance(xs: np.ndarray, ys: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance of each pixel to the segment a–b (for hands, indices, strokes)."""
    ab = np.asarray(b, np.float32) - np.asarray(a, np.float32)
    denom = float(ab @ ab) or 1e-6
    t = np.clip(((xs - a[0]) * ab[0] + (ys - a[1]) * ab[1]) / denom, 0.0, 1.0)
    return np.hypot(xs - (a[0] + t * ab[0]), ys - (a[1] + t * ab[1]))


def hash_noise(u: np.ndarray, v: np.ndarray, scale: float) -> np.ndarray:
    """Deterministic 0..1 noise fixed to item coordinates, so sparkle sticks to the item, not the screen."""
    iu = np.floor(u * scale).astype(np.int64)
    iv = np.floor(v * scale).astype(np.int64)
    h = (iu * 73856093) ^ (iv * 19349663)
    h = (h ^ (h >> 13)) * 1274126177
    return ((h >> 8) & 0xFFFF).astype(np.float32) / 65535.0
