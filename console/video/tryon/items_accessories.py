"""Earrings and headwear, drawn as shaded vector shapes placed by the face landmarks.

Earrings hang from the lobes straight down (gravity, not head roll) and the one on the far side
fades as the head turns away from the camera. Headwear lives in a head frame: origin at the top
of the forehead, x along the eye line, y down, one unit = face width, so it rolls with the head.
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


def head_frame(lm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(origin, x unit, y unit, face width) of the head frame described in the module docstring."""
    eye_l, eye_r = g.eye_centers(lm)
    u = (eye_r - eye_l) / max(float(np.linalg.norm(eye_r - eye_l)), 1e-6)
    v = np.array([-u[1], u[0]])
    return lm[g.FOREHEAD, :2].astype(np.float64), u, v, g.face_width(lm)


def _to_image(local: np.ndarray, frame) -> np.ndarray:
    o, u, v, fw = frame
    return o + np.outer(local[:, 0] * fw, u) + np.outer(local[:, 1] * fw, v)


def _local_y(size_hw, origin, frame) -> np.ndarray:
    o, u, v, fw = frame
    ys, xs = np.mgrid[0 : size_hw[0], 0 : size_hw[1]].astype(np.float32)
    return ((xs + origin[0] - o[0]) * v[0] + (ys + origin[1] - o[1]) * v[1]) / fw


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
        if frame[3] < 30:
            return
        s = float(self.props["size"])
        beanie = self.props["style"] == "beanie"
        base_y = 0.02 if beanie else -0.06
        crown = _arc(0.0, base_y, 0.62 * s, (0.68 if beanie else 0.6) * s, 180, 360)
        brim = _arc(0.0, base_y, (0.66 if beanie else 1.05) * s, (0.13 if beanie else 0.2) * s, 0, 360)
        pts = np.vstack([_to_image(crown, frame), _to_image(brim, frame)])
        box = roi_box(pts, 4, image.shape)
        if box is None:
            return
        x0, y0, x1, y1 = box
        roi = image[y0:y1, x0:x1]
        cv = Canvas(roi)
        size_hw, o = roi.shape[:2], (x0, y0)
        illum = illumination(tracking.scene_luma)
        col = np.array(hex_to_bgr(self.props["color"]), np.float32) * illum
        band_col = np.array(hex_to_bgr(self.props["band_color"]), np.float32) * illum
        a = face.alpha
        ly = _local_y(size_hw, o, frame)
        # Lit from above: the crown darkens towards its base, the brim's underside is darker.
        shade = np.clip(1.08 - 0.5 * (ly - (base_y - 0.6 * s)) / (0.6 * s), 0.72, 1.08)[..., None]
        crown_img = _to_image(np.vstack([crown, crown[:1]]), frame)
        if beanie:
            rib = 0.93 + 0.07 * np.cos(np.arange(size_hw[1], dtype=np.float32)[None, :] * (2 * math.pi / max(frame[3] * 0.035, 2)))
            shade = shade * rib[..., None]
        brim_img = _to_image(brim, frame)
        back = feather(fill(size_hw, [brim_img], o), 0.6) * (ly < base_y)
        cv.over(col * 0.78, back * a)
        cv.over(np.clip(col * shade, 0, 255), feather(fill(size_hw, [crown_img], o), 0.6) * a)
        band_local = np.vstack([_arc(0.0, base_y, 0.62 * s, 0.6 * s, 180, 360)[[0, -1]], [[0.62 * s, base_y - 0.09 * s], [-0.62 * s, base_y - 0.09 * s]]])
        if not beanie:
            band = fill(size_hw, [_to_image(band_local, frame)], o)
            cv.over(band_col, feather(band, 0.6) * (ly < base_y) * a)
        front = feather(fill(size_hw, [brim_img], o), 0.6) * (ly >= base_y - 0.005)
        cv.over(np.clip(col * (0.92 if beanie else 0.86), 0, 255), front * a)
        rim_line = stroke(size_hw, brim_img[:21], o, max(1.0, frame[3] * 0.006))
        cv.over(col * 0.6, rim_line.astype(np.float32) / 255.0 * 0.6 * a)
        cv.commit()
