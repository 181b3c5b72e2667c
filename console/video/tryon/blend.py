"""Pixel work shared by the items, always on a small region of interest (ROI), never full frame.

Masks are drawn anti-aliased with sub-pixel precision (fixed-point `shift`) and feathered with a
Gaussian whose width follows the feature's size, so edges stay soft at any distance from camera.
"""

from __future__ import annotations

import cv2
import numpy as np

SHIFT = 4
_ONE = 1 << SHIFT


def hex_to_bgr(value: str) -> tuple[int, int, int]:
    s = str(value).strip().lstrip("#")
    if len(s) != 6:
        raise ValueError(f"not a colour: {value!r} (expected #rrggbb)")
    r, g, b = (int(s[i : i + 2], 16) for i in (0, 2, 4))
    return b, g, r


def illumination(scene_luma: float) -> float:
    """How bright a product should look in this scene, 1.0 in a normally lit room (luma ≈ 0.45).

    Without it a dim room gets a glowing product pasted on top."""
    return float(np.clip(scene_luma / 0.45, 0.35, 1.15))


def roi_box(points: np.ndarray, pad: float, shape: tuple[int, ...]) -> tuple[int, int, int, int] | None:
    """Integer (x0, y0, x1, y1) around `points` plus `pad` pixels, clipped; None if off-frame."""
    h, w = shape[:2]
    x0 = int(max(np.floor(points[:, 0].min() - pad), 0))
    y0 = int(max(np.floor(points[:, 1].min() - pad), 0))
    x1 = int(min(np.ceil(points[:, 0].max() + pad), w))
    y1 = int(min(np.ceil(points[:, 1].max() + pad), h))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    return x0, y0, x1, y1


def fixed(points: np.ndarray, origin: tuple[int, int]) -> np.ndarray:
    """Points relative to the ROI origin in OpenCV's fixed-point format for `shift=SHIFT`."""
    p = (np.asarray(points, np.float64)[:, :2] - origin) * _ONE
    return np.round(p).astype(np.int32).reshape(-1, 1, 2)


def fill(size_hw: tuple[int, int], polys: list[np.ndarray], origin: tuple[int, int]) -> np.ndarray:
    """uint8 anti-aliased filled polygons (0/255) in an ROI of `size_hw`."""
    m = np.zeros(size_hw, np.uint8)
    cv2.fillPoly(m, [fixed(p, origin) for p in polys], 255, lineType=cv2.LINE_AA, shift=SHIFT)
    return m


def stroke(size_hw: tuple[int, int], line: np.ndarray, origin: tuple[int, int], width: float, closed: bool = False) -> np.ndarray:
    m = np.zeros(size_hw, np.uint8)
    cv2.polylines(m, [fixed(line, origin)], closed, 255, max(1, int(round(width))), cv2.LINE_AA, SHIFT)
    return m


def feather(mask_u8: np.ndarray, sigma: float) -> np.ndarray:
    m = mask_u8.astype(np.float32) * (1.0 / 255.0)
    if sigma > 0.3:
        m = cv2.GaussianBlur(m, (0, 0), sigma)
    return m


def to_lab(roi_bgr: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(roi_bgr.astype(np.float32) * (1.0 / 255.0), cv2.COLOR_BGR2Lab)


def from_lab(lab: np.ndarray) -> np.ndarray:
    bgr = cv2.cvtColor(lab, cv2.COLOR_Lab2BGR)
    return np.clip(bgr * 255.0 + 0.5, 0, 255).astype(np.uint8)


def color_lab(bgr: tuple[int, int, int]) -> np.ndarray:
    return to_lab(np.array([[bgr]], np.uint8))[0, 0]


def sheer_tint(roi: np.ndarray, weight: np.ndarray, bgr: tuple[int, int, int], illum: float,
               lightness: float = 0.35) -> None:
    """A translucent colour layer (blush, eyeshadow): chroma moves to the shade, lightness only
    partly (texture, pores and shading stay); in place on `roi`."""
    lab = to_lab(roi)
    target = color_lab(bgr)
    w = weight[..., None] if weight.ndim == 2 else weight
    shift = np.empty(3, np.float32)
    shift[0] = lightness
    shift[1:] = 1.0
    tgt = np.array([target[0] * illum, target[1] * illum, target[2] * illum], np.float32)
    lab += (tgt - lab) * (w * shift)
    roi[...] = from_lab(lab)


def composite(roi: np.ndarray, color_bgr: np.ndarray | tuple[float, float, float], alpha: np.ndarray) -> None:
    """roi ← roi·(1−α) + colour·α, in place; `color_bgr` a triple or an H×W×3 float image."""
    a = alpha[..., None]
    out = roi.astype(np.float32) * (1.0 - a) + np.asarray(color_bgr, np.float32) * a
    roi[...] = np.clip(out + 0.5, 0, 255).astype(np.uint8)


class Canvas:
    """A float working copy of an ROI for items drawn in several layers: one conversion in, one
    out, instead of a uint8 round trip per layer. Kept planar (3×H×W) so every per-pixel
    operation runs along contiguous rows; broadcasting alpha over an interleaved last axis of 3
    made each layer ~5× slower."""

    def __init__(self, roi: np.ndarray) -> None:
        self.roi = roi
        self.f = np.ascontiguousarray(roi.transpose(2, 0, 1), dtype=np.float32)

    def over(self, color_bgr: np.ndarray | tuple[float, float, float], alpha: np.ndarray,
             box: tuple[slice, slice] | None = None, shade: np.ndarray | None = None) -> None:
        """Layer `color` (a BGR triple or an H×W×3 image) with coverage `alpha` (ROI-sized);
        `shade` (H×W) multiplies a triple per pixel (lighting, texture) without building an
        image; `box` limits the work to a sub-region."""
        sl = (slice(None),) if box is None else (slice(None), *box)
        f = self.f[sl]
        a = alpha if box is None else alpha[box]
        color = np.asarray(color_bgr, np.float32)
        if color.ndim == 3:
            color = color.transpose(2, 0, 1)
            if box is not None:
                color = color[sl]
        else:
            color = color[:, None, None]
            if shade is not None:
                color = color * (shade if box is None else shade[box])[None]
        tmp = color - f
        tmp *= a
        f += tmp

    def box(self, points: np.ndarray, pad: float, origin: tuple[int, int]) -> tuple[slice, slice]:
        """Slices of this canvas around `points` (frame coordinates)."""
        h, w = self.f.shape[1:]
        x0 = int(max(points[:, 0].min() - pad - origin[0], 0))
        y0 = int(max(points[:, 1].min() - pad - origin[1], 0))
        x1 = int(min(points[:, 0].max() + pad - origin[0] + 1, w))
        y1 = int(min(points[:, 1].max() + pad - origin[1] + 1, h))
        return slice(y0, max(y1, y0)), slice(x0, max(x1, x0))

    def commit(self) -> None:
        self.f += 0.5
        np.clip(self.f, 0, 255, out=self.f)
        self.roi[...] = self.f.transpose(1, 2, 0)
