"""Headwear: headband and hats, in a head frame so they roll with the head.

The head frame: origin at the top of the forehead (landmark 10), x along the eye line, y down,
one unit = face width. Shapes are vector outlines in that frame, shaded from above with a
material texture (straw weave, knit ribs) and casting a soft shadow on the forehead.
"""

from __future__ import annotations

import math

import numpy as np

from . import geometry as g
from .base import Property, Renderer, Tracking, register
from .blend import Canvas, feather, fill, hex_to_bgr, illumination, roi_box, stroke


def head_frame(lm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(origin, x unit, y unit, face width) of the head frame described in the module docstring."""
    eye_l, eye_r = g.eye_centers(lm)
    u = (eye_r - eye_l) / max(float(np.linalg.norm(eye_r - eye_l)), 1e-6)
    v = np.array([-u[1], u[0]])
    return lm[g.FOREHEAD, :2].astype(np.float64), u, v, g.face_width(lm)


def _to_image(local: np.ndarray, frame) -> np.ndarray:
    o, u, v, fw = frame
    return o + np.outer(local[:, 0] * fw, u) + np.outer(local[:, 1] * fw, v)


def _local_xy(size_hw, origin, frame) -> tuple[np.ndarray, np.ndarray]:
    """Head-frame coordinates of every ROI pixel."""
    o, u, v, fw = frame
    ys, xs = np.mgrid[0 : size_hw[0], 0 : size_hw[1]].astype(np.float32)
    dx, dy = xs + (origin[0] - o[0]), ys + (origin[1] - o[1])
    return (dx * u[0] + dy * u[1]) / fw, (dx * v[0] + dy * v[1]) / fw


def _local_y(size_hw, origin, frame) -> np.ndarray:
    return _local_xy(size_hw, origin, frame)[1]


def _arc(cx, cy, rx, ry, a0, a1, n=40) -> np.ndarray:
    t = np.radians(np.linspace(a0, a1, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], 1)


@register
class Headband(Renderer):
    kind = "headband"
    needs = frozenset({"face"})
    layer = 34
    properties = (
        Property("color", "Colour", "颜色", "color", "#2b4c7e"),
        Property("width", "Width", "宽度", "float", 1.0, 0.5, 2.0),
        Property("height", "Position", "位置", "float", 0.0, -0.15, 0.15),
    )

    def render(self, image: np.ndarray, tracking: Tracking) -> None:
        face = tracking.face
        if face is None or face.alpha <= 0:
            return
        frame = head_frame(face.landmarks)
        if frame[3] < 30:
            return
        lift = float(self.props["height"])
        # Seen from the front a headband is an arch over the hair, thinning towards the ends
        # where it curves away round the head.
        t = np.radians(np.linspace(195, 345, 48))
        cy, rx, ry = 0.30 - lift, 0.66, 0.62
        centre_line = np.stack([rx * np.cos(t), cy + ry * np.sin(t)], 1)
        normal = np.stack([np.cos(t) / rx, np.sin(t) / ry], 1)
        normal /= np.linalg.norm(normal, axis=1, keepdims=True)
        half = 0.045 * float(self.props["width"]) * (0.45 + 0.55 * np.abs(np.sin(t)) ** 2)[:, None]
        outline = _to_image(np.vstack([centre_line + normal * half, (centre_line - normal * half)[::-1]]), frame)
        box = roi_box(outline, 6, image.shape)
        if box is None:
            return
        x0, y0, x1, y1 = box
        roi = image[y0:y1, x0:x1]
        cv = Canvas(roi)
        size_hw, o = roi.shape[:2], (x0, y0)
        illum = illumination(tracking.scene_luma)
        col = np.array(hex_to_bgr(self.props["color"]), np.float32) * illum
        fw = frame[3]
        band_u8 = fill(size_hw, [outline], o)
        band = feather(band_u8, 0.6)
        ly = _local_y(size_hw, o, frame)
        # The ends go round the back of the head: fade them instead of a hard cut.
        band *= 1.0 - np.clip((ly - 0.05) / 0.15, 0, 1) * 0.85
        shadow = np.roll(band_u8, max(1, int(fw * 0.012)), axis=0)
        cv.over((0.0, 0.0, 0.0), feather(shadow, fw * 0.01) * 0.3 * face.alpha)
        cv.over(col, band * face.alpha)
        hi_line = _to_image(centre_line[6:-6] - normal[6:-6] * half[6:-6] * 0.45, frame)
        hi = stroke(size_hw, hi_line, o, max(1, fw * 0.012))
        cv.over(np.minimum(col + 80 * illum, 255), feather(hi, 0.8) * 0.35 * face.alpha)
        cv.commit()


def _wave(size_hw, origin, frame, kx: float, ky: float, period: float, cos: bool = False) -> np.ndarray:
    """sin (or cos) of 2π(kx·x + ky·y)/period in head-frame units over the ROI, built from two 1-D
    tables (the phase is linear in pixel x and y), not a full-ROI trigonometric pass."""
    o, u, v, fw = frame
    w = 2 * math.pi / (period * fw)
    ax = (kx * u[0] + ky * v[0]) * w
    ay = (kx * u[1] + ky * v[1]) * w
    px = (np.arange(size_hw[1], dtype=np.float32) + (origin[0] - o[0])) * ax
    py = (np.arange(size_hw[0], dtype=np.float32) + (origin[1] - o[1])) * ay
    if cos:  # cos(a+b) = cos a cos b − sin a sin b
        return np.outer(np.cos(py), np.cos(px)) - np.outer(np.sin(py), np.sin(px))
    return np.outer(np.sin(py), np.cos(px)) + np.outer(np.cos(py), np.sin(px))


def _dome(rx: float, ry: float, base_y: float, p: float, n: int = 60) -> np.ndarray:
    """Upper half of a superellipse standing on y = base_y (crown of a hat)."""
    t = np.linspace(math.pi, 2 * math.pi, n)
    c, s = np.cos(t), np.sin(t)
    return np.stack([rx * np.sign(c) * np.abs(c) ** (2 / p), base_y + ry * np.sign(s) * np.abs(s) ** (2 / p)], 1)


@register
class Hat(Renderer):
    kind = "hat"
    needs = frozenset({"face"})
    layer = 36
    properties = (
        Property("style", "Style", "款式", "choice", "sunhat", choices=("sunhat", "beanie")),
        Property("color", "Colour", "颜色", "color", "#d9c39a"),
        Property("band_color", "Band", "饰带颜色", "color", "#2e2a28"),
        Property("size", "Size", "大小", "float", 1.0, 0.8, 1.3),
    )

    def render(self, image: np.ndarray, tracking: Tracking) -> None:
        face = tracking.face
        if face is None or face.alpha <= 0:
            return
        frame = head_frame(face.landmarks)
        fw = frame[3]
        if fw < 30:
            return
        s = float(self.props["size"])
        beanie = self.props["style"] == "beanie"
        if beanie:
            base_y, rx, ry = 0.10, 0.70 * s, 0.80 * s
            crown = _dome(rx, ry, base_y, 2.3)
            # The cuff's lower edge dips in the middle as it wraps round the forehead.
            xs = np.linspace(rx, -rx, 30)
            lower = np.stack([xs, base_y + 0.05 * (1 - (xs / rx) ** 2)], 1)
            outline = np.vstack([crown, lower])
            brim = None
        else:
            base_y, rx, ry = -0.04, 0.70 * s, 0.56 * s
            crown = _dome(rx, ry, base_y, 2.6)
            crown[:, 1] += 0.05 * s * np.exp(-((crown[:, 0] / (0.18 * s)) ** 2))  # the crease on top
            outline = crown
            brim = _arc(0.0, base_y + 0.02, 1.15 * s, 0.22 * s, 0, 360, 72)
        pts_local = np.vstack([outline, brim]) if brim is not None else outline
        pts = _to_image(pts_local, frame)
        box = roi_box(pts, fw * 0.12, image.shape)
        if box is None:
            return
        x0, y0, x1, y1 = box
        roi = image[y0:y1, x0:x1]
        cv = Canvas(roi)
        size_hw, o = roi.shape[:2], (x0, y0)
        illum = illumination(tracking.scene_luma)
        col = np.array(hex_to_bgr(self.props["color"]), np.float32) * illum
        a = face.alpha
        lx, ly = _local_xy(size_hw, o, frame)
        # Lit from above and a little from the left; a material texture on top.
        top = base_y - ry
        light = 1.12 - 0.45 * (ly - top) / ry - 0.08 * lx / rx
        light = np.clip(light * (1.0 - 0.3 * np.clip(lx / rx, -1, 1) ** 2), 0.55, 1.15)  # rounded sides
        if beanie:
            texture = 0.9 + 0.1 * _wave(size_hw, o, frame, 1.0, 0.0, 0.032, cos=True)
        else:
            texture = 0.94 + 0.06 * _wave(size_hw, o, frame, 1, 1, 0.03) * _wave(size_hw, o, frame, 1, -1, 0.03)

        body = feather(fill(size_hw, [_to_image(outline, frame)], o), 0.6)
        shadow_poly = _to_image((brim if brim is not None else outline) + [0.0, 0.06], frame)
        shadow = feather(fill(size_hw, [shadow_poly], o), fw * 0.03)
        cv.over((0.0, 0.0, 0.0), shadow * (0.35 * a), cv.box(shadow_poly, fw * 0.1, o))
        crown_box = cv.box(_to_image(outline, frame), 2, o)
        if brim is not None:
            brim_img = _to_image(brim, frame)
            brim_mask = feather(fill(size_hw, [brim_img], o), 0.6)
            back_half, front_half = brim_img[36:], brim_img[:37]  # angles 180–360 / 0–180
            back_box, front_box = cv.box(back_half, 2, o), cv.box(front_half, 2, o)
            cv.over(col * 0.88, brim_mask * (ly < base_y + 0.02) * a, back_box, shade=texture)
        cv.over(col, body * a, crown_box, shade=light * texture)
        if beanie:
            cuff_top = _to_image(np.stack([np.linspace(-rx, rx, 30), np.full(30, base_y - 0.15 * s)], 1), frame)
            cuff = fill(size_hw, [np.vstack([cuff_top, _to_image(lower, frame)])], o)
            ribs = 0.84 + 0.16 * _wave(size_hw, o, frame, 1.0, 0.0, 0.045, cos=True)
            cv.over(col, feather(cuff, 0.6) * body * a, crown_box, shade=ribs * np.minimum(light * 1.1, 1.2))
            seam = stroke(size_hw, cuff_top, o, max(1.0, fw * 0.01))
            cv.over(col * 0.45, feather(seam, fw * 0.004) * body * (0.7 * a), crown_box)
        else:
            band_col = np.array(hex_to_bgr(self.props["band_color"]), np.float32) * illum
            band = ((ly > base_y - 0.1 * s) & (ly < base_y + 0.005)).astype(np.float32)
            cv.over(band_col, band * body * a, crown_box, shade=light)
            # The front half of the brim, seen from below: darker near the crown, lit at the edge.
            under = np.clip(0.72 + 0.18 * (ly - base_y) / (0.22 * s), 0.7, 0.92) * texture
            cv.over(col, brim_mask * (ly >= base_y + 0.02) * a, front_box, shade=under)
            edge = stroke(size_hw, front_half, o, max(1.0, fw * 0.008))
            cv.over(np.minimum(col * 1.08, 255), edge.astype(np.float32) * (0.6 * a / 255.0), front_box)
        cv.commit()
