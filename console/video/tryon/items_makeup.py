"""Makeup: lipstick, blush, eyeshadow — tints that keep the skin's own texture.

Each works in Lab on its feature's bounding box only. Lipstick shifts the lips' mean lightness and
chroma to the shade while keeping every pixel's deviation from the mean (creases, highlights);
the finish then shapes those deviations (matte flattens highlights, gloss sharpens them, shimmer
adds fine sparkle). Teeth and the inner mouth are cut out with the inner-lip contour and a guard
for bright, colourless pixels in case the contour is a pixel off.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import geometry as g
from .base import Property, Renderer, Tracking, register
from .blend import color_lab, feather, fill, from_lab, hex_to_bgr, illumination, roi_box, sheer_tint, to_lab

FINISHES = ("matte", "satin", "gloss", "shimmer")


def _sparkle(h: int, w: int, x0: int, y0: int) -> np.ndarray:
    """Deterministic fine glitter pattern tied to frame coordinates (no frame-to-frame flicker)."""
    ys, xs = np.mgrid[y0 : y0 + h, x0 : x0 + w].astype(np.uint32)
    v = (xs * np.uint32(73856093)) ^ (ys * np.uint32(19349663))
    v = (v ^ (v >> np.uint32(13))) * np.uint32(1274126177)
    return ((v >> np.uint32(24)) > 238).astype(np.float32)


@register
class Lipstick(Renderer):
    kind = "lipstick"
    needs = frozenset({"face"})
    layer = 10
    properties = (
        Property("color", "Shade", "色号", "color", "#b0243a"),
        Property("finish", "Finish", "质地", "choice", "satin", choices=FINISHES),
        Property("intensity", "Intensity", "浓度", "float", 0.8, 0.0, 1.0),
    )

    def render(self, image: np.ndarray, tracking: Tracking) -> None:
        face = tracking.face
        if face is None or face.alpha <= 0:
            return
        lm = face.landmarks
        outer, inner = lm[g.LIPS_OUTER, :2], lm[g.LIPS_INNER, :2]
        mouth_w = float(np.linalg.norm(lm[g.MOUTH_LEFT, :2] - lm[g.MOUTH_RIGHT, :2]))
        if mouth_w < 6:
            return
        sigma = max(0.6, mouth_w * 0.018)
        box = roi_box(outer, 3 * sigma + 2, image.shape)
        if box is None:
            return
        x0, y0, x1, y1 = box
        roi = image[y0:y1, x0:x1]
        size = roi.shape[:2]
        lips = feather(fill(size, [outer], (x0, y0)), sigma)
        # The inner edge stays crisp (a lipstick line stops at the teeth) and a hair wider.
        mouth = fill(size, [inner], (x0, y0))
        mouth = cv2.dilate(mouth, np.ones((2, 2), np.uint8)) if mouth_w > 40 else mouth
        mask = np.clip(lips - feather(mouth, sigma * 0.35), 0.0, 1.0)

        lab = to_lab(roi)
        L, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
        chroma = np.hypot(a, b)
        teeth_like = np.clip((L - 68.0) / 10.0, 0, 1) * np.clip((16.0 - chroma) / 8.0, 0, 1)
        mask *= 1.0 - teeth_like
        w = mask * float(self.props["intensity"]) * face.alpha
        if not np.any(w > 0.003):
            return
        illum = illumination(tracking.scene_luma)
        shade = color_lab(hex_to_bgr(self.props["color"]))
        wsum = float(w.sum()) + 1e-6
        mean_l = float((L * w).sum() / wsum)
        dev = L - mean_l
        finish = self.props["finish"]
        if finish == "matte":
            dev = np.where(dev > 0, dev * 0.45, dev * 0.85)
        elif finish == "gloss":
            dev = dev * 1.1 + np.clip(dev - 6.0, 0, None) * 1.6
        elif finish == "shimmer":
            dev = dev + _sparkle(size[0], size[1], x0, y0) * np.clip(dev + 8, 0, 20) * 1.2
        new_l = shade[0] * illum + dev
        lab[..., 0] = L + (new_l - L) * w
        lab[..., 1] = a + (shade[1] * illum - a) * w
        lab[..., 2] = b + (shade[2] * illum - b) * w
        roi[...] = from_lab(lab)


@register
class Blush(Renderer):
    kind = "blush"
    needs = frozenset({"face", "skin_tone"})
    layer = 12
    properties = (
        Property("color", "Colour", "颜色", "color", "#e2727e"),
        Property("intensity", "Intensity", "浓度", "float", 0.45, 0.0, 1.0),
        Property("size", "Size", "大小", "float", 1.0, 0.6, 1.5),
    )

    def render(self, image: np.ndarray, tracking: Tracking) -> None:
        face = tracking.face
        if face is None or face.alpha <= 0:
            return
        lm = face.landmarks
        fw = g.face_width(lm)
        if fw < 30:
            return
        roll = g.roll_degrees(lm)
        illum = illumination(tracking.scene_luma)
        color = hex_to_bgr(self.props["color"])
        strength = float(self.props["intensity"]) * face.alpha
        tone = tracking.extra.get("skin_tone")
        if tone is not None:  # a sheer tint fades into deeper skin: up to a third stronger there
            strength = min(1.0, strength * (1.0 + 0.35 * tone.depth))
        oval = lm[g.FACE_OVAL, :2]
        for cheek, bone in ((g.RIGHT_CHEEK, g.RIGHT_CHEEKBONE), (g.LEFT_CHEEK, g.LEFT_CHEEKBONE)):
            centre = lm[cheek, :2] * 0.6 + lm[bone, :2] * 0.4
            rx, ry = fw * 0.13 * float(self.props["size"]), fw * 0.085 * float(self.props["size"])
            sigma = rx * 0.45
            box = roi_box(centre[None], rx + 2.5 * sigma, image.shape)
            if box is None:
                continue
            x0, y0, x1, y1 = box
            roi = image[y0:y1, x0:x1]
            m = np.zeros(roi.shape[:2], np.float32)
            cv2.ellipse(m, (int(centre[0] - x0), int(centre[1] - y0)), (int(rx), int(ry)), roll, 0, 360, 1.0, -1, cv2.LINE_AA)
            m = cv2.GaussianBlur(m, (0, 0), sigma)
            m *= feather(fill(roi.shape[:2], [oval], (x0, y0)), fw * 0.02)
            sheer_tint(roi, m * strength, color, illum, lightness=0.25)


@register
class Eyeshadow(Renderer):
    kind = "eyeshadow"
    needs = frozenset({"face"})
    layer = 11
    properties = (
        Property("color", "Colour", "颜色", "color", "#8a5a7a"),
        Property("intensity", "Intensity", "浓度", "float", 0.55, 0.0, 1.0),
        Property("shimmer", "Shimmer", "珠光", "bool", False),
    )

    def render(self, image: np.ndarray, tracking: Tracking) -> None:
        face = tracking.face
        if face is None or face.alpha <= 0:
            return
        lm = face.landmarks
        illum = illumination(tracking.scene_luma)
        color = hex_to_bgr(self.props["color"])
        strength = float(self.props["intensity"]) * face.alpha
        eyes = (
            (g.RIGHT_EYE_UPPER, g.RIGHT_EYE_LOWER, g.RIGHT_BROW_LOWER),
            (g.LEFT_EYE_UPPER, g.LEFT_EYE_LOWER, g.LEFT_BROW_LOWER),
        )
        for upper_i, lower_i, brow_i in eyes:
            upper, lower, brow = lm[upper_i, :2], lm[lower_i, :2], lm[brow_i, :2]
            eye_w = float(np.linalg.norm(upper[0] - upper[-1]))
            if eye_w < 6:
                continue
            # Brow points resampled along the lid so each lid point has a brow partner above it.
            t = np.linspace(0, 1, len(upper))
            bt = np.linspace(0, 1, len(brow))
            brow_rs = np.stack([np.interp(t, bt, brow[:, 0]), np.interp(t, bt, brow[:, 1])], 1)
            lid_top = upper + (brow_rs - upper) * 0.55
            crease = upper + (brow_rs - upper) * 0.28
            sigma = eye_w * 0.09
            box = roi_box(np.vstack([lid_top, lower]), 3 * sigma + 2, image.shape)
            if box is None:
                continue
            x0, y0, x1, y1 = box
            roi = image[y0:y1, x0:x1]
            size = roi.shape[:2]
            wash = feather(fill(size, [np.vstack([upper, lid_top[::-1]])], (x0, y0)), sigma)
            deep = feather(fill(size, [np.vstack([upper, crease[::-1]])], (x0, y0)), sigma * 0.6)
            opening = feather(fill(size, [np.vstack([upper, lower])], (x0, y0)), 0.6)
            m = np.clip(wash * 0.55 + deep * 0.6, 0, 1) * (1.0 - opening) * strength
            if self.props["shimmer"]:
                m = m * (1.0 + 0.6 * _sparkle(size[0], size[1], x0, y0))
            sheer_tint(roi, np.clip(m, 0, 1), color, illum, lightness=0.5)
