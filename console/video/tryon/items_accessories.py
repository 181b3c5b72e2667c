"""Earrings, drawn as shaded vector shapes at the ear lobes.

They hang from the lobes straight down (gravity, not head roll) and the one on the far side
fades as the head turns away from the camera.
"""

from __future__ import annotations

import math

import numpy as np

from . import geometry as g
from .base import Property, Renderer, Tracking, register
from .blend import Canvas, feather, fill, hex_to_bgr, illumination, roi_box, stroke

EARRING_STYLES = ("pearl", "drop", "hoop")


def lobes(lm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Estimated ear-lobe points (image-left, image-right): below the ear-level contour point,
    a little outside the face outline. The face mesh has no ear landmarks."""
    fw = g.face_width(lm)
    centre = (lm[g.RIGHT_EAR, :2] + lm[g.LEFT_EAR, :2]) / 2
    out = []
    for ear, jaw in ((g.RIGHT_EAR, g.RIGHT_JAW), (g.LEFT_EAR, g.LEFT_JAW)):
        p = lm[ear, :2] + (lm[jaw, :2] - lm[ear, :2]) * 0.55
        d = p - centre
        d[1] = 0.0
        n = float(np.linalg.norm(d)) or 1.0
        out.append(p + d / n * fw * 0.035)
    return out[0], out[1]


def _sphere(size_hw, centre, radius, origin, bgr, illum):
    """A shaded ball (pearl, bead): colour field and coverage for one sphere."""
    h, w = size_hw
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    dx = (xs + origin[0] - centre[0]) / radius
    dy = (ys + origin[1] - centre[1]) / radius
    r2 = dx * dx + dy * dy
    cover = np.clip((1.0 - np.sqrt(r2)) * radius + 0.5, 0, 1)
    nz = np.sqrt(np.clip(1.0 - r2, 0, 1))
    light = np.clip(-0.4 * dx - 0.5 * dy + 0.77 * nz, 0, 1)
    spec = np.clip((light - 0.85) / 0.15, 0, 1) ** 2
    shade = 0.45 + 0.55 * light
    col = np.asarray(bgr, np.float32)[None, None, :] * shade[..., None] * illum + 255.0 * spec[..., None] * 0.8 * illum
    return np.clip(col, 0, 255), cover


@register
class Earrings(Renderer):
    kind = "earrings"
    needs = frozenset({"face"})
    layer = 32
    properties = (
        Property("style", "Style", "款式", "choice", "pearl", choices=EARRING_STYLES),
        Property("metal_color", "Metal", "金属色", "color", "#d4af37"),
        Property("gem_color", "Stone", "宝石色", "color", "#f2ede4"),
        Property("size", "Size", "大小", "float", 1.0, 0.6, 1.6),
    )

    def render(self, image: np.ndarray, tracking: Tracking) -> None:
        face = tracking.face
        if face is None or face.alpha <= 0:
            return
        lm = face.landmarks
        fw = g.face_width(lm)
        if fw < 30:
            return
        yaw = g.head_pose(lm, face.matrix).yaw
        illum = illumination(tracking.scene_luma)
        metal = np.array(hex_to_bgr(self.props["metal_color"]), np.float32)
        gem = np.array(hex_to_bgr(self.props["gem_color"]), np.float32)
        k = fw * float(self.props["size"])
        style = self.props["style"]
        for side, lobe in enumerate(lobes(lm)):
            # The ear turning away from the camera goes behind the head.
            away = yaw if side == 1 else -yaw
            vis = float(np.clip(1.0 - (away - 10.0) / 12.0, 0, 1)) * face.alpha
            if vis <= 0:
                continue
            reach = k * (0.2 if style == "drop" else 0.16 if style == "hoop" else 0.05)
            box = roi_box(np.array([lobe - k * 0.1, lobe + [k * 0.1, reach]]), 3, image.shape)
            if box is None:
                continue
            x0, y0, x1, y1 = box
            roi = image[y0:y1, x0:x1]
            cv = Canvas(roi)
            size_hw, o = roi.shape[:2], (x0, y0)
            if style == "hoop":
                r = k * 0.075
                c = lobe + [0.0, r * 0.95]
                ring = np.array([c + [r * math.cos(t), r * math.sin(t)] for t in np.linspace(0, 2 * math.pi, 40)])
                width = max(1.5, k * 0.012)
                m = stroke(size_hw, ring, o, width, closed=True).astype(np.float32) / 255.0
                cv.over(metal * illum * 0.8, m * vis)
                hi = stroke(size_hw, ring[22:34] - [0, 0], o, max(1, width * 0.4)).astype(np.float32) / 255.0
                cv.over(np.minimum(metal * 1.3 + 40, 255) * illum, hi * 0.7 * vis)
                cv.commit()
                continue
            stud_r = k * (0.022 if style == "pearl" else 0.014)
            col, cover = _sphere(size_hw, lobe, stud_r, o, gem if style == "pearl" else metal, illum)
            cv.over(col, cover * vis)
            if style != "drop":
                cv.commit()
                continue
            if style == "drop":
                chain_end = lobe + [0.0, k * 0.07]
                chain = stroke(size_hw, np.vstack([lobe, chain_end]), o, max(1.0, k * 0.006))
                cv.over(metal * illum * 0.9, chain.astype(np.float32) / 255.0 * vis)
                # Teardrop: a ball with a tapered top.
                rr = k * 0.032
                centre = chain_end + [0.0, rr * 1.6]
                col, cover = _sphere(size_hw, centre, rr, o, gem, illum)
                tip = fill(size_hw, [np.array([chain_end, centre + [-rr * 0.8, -rr * 0.55], centre + [rr * 0.8, -rr * 0.55]])], o)
                cover = np.maximum(cover, feather(tip, 0.5) * (cover.max() > 0))
                cv.over(col, cover * vis)
                setting = stroke(size_hw, np.vstack([chain_end, chain_end + [0, rr * 0.4]]), o, max(1.0, k * 0.01))
                cv.over(metal * illum, setting.astype(np.float32) / 255.0 * vis)
                cv.commit()
