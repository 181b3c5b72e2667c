"""Hand try-on items on MediaPipe's 21 hand landmarks: ring and nail colour (watch, bracelet: items_wrist).

Landmarks: 0 wrist; thumb 1–4; index 5–8, middle 9–12, ring 13–16, pinky 17–20, each finger
MCP (knuckle), PIP, DIP, tip. Sizes come from the hand itself (knuckle spacing ≈ finger width),
so items scale with distance to the camera without any calibration.
"""

from __future__ import annotations

import numpy as np

from .base import HandTrack, Property, Renderer, Tracking, register
from .items_jewel import draw_band, draw_gem
from .items_patch import Patch, hash_noise, hex_to_bgr, light_gain, luma, smoothstep, unit

FINGERS: dict[str, tuple[int, int, int, int]] = {
    "thumb": (1, 2, 3, 4),
    "index": (5, 6, 7, 8),
    "middle": (9, 10, 11, 12),
    "ring": (13, 14, 15, 16),
    "pinky": (17, 18, 19, 20),
}
FINGER_WIDTH_SCALE = {"thumb": 1.18, "index": 1.0, "middle": 1.02, "ring": 0.95, "pinky": 0.82}


def palm_length(lm: np.ndarray) -> float:
    return float(np.hypot(*(lm[9, :2] - lm[0, :2])))


def finger_width(lm: np.ndarray) -> float:
    """Typical finger width in pixels: the spacing of neighbouring knuckles, bounded by palm length."""
    knuckles = lm[[5, 9, 13, 17], :2]
    spacing = float(np.median(np.hypot(*np.diff(knuckles, axis=0).T)))
    palm = palm_length(lm)
    return float(np.clip(spacing, 0.14 * palm, 0.28 * palm))


def ring_segment(lm: np.ndarray, finger: str) -> tuple[int, int]:
    """Landmarks the ring sits between: MCP→PIP (thumb: MCP→IP)."""
    joints = FINGERS[finger]
    return (joints[1], joints[2]) if finger == "thumb" else (joints[0], joints[1])


def _live_hands(tracking: Tracking) -> list[HandTrack]:
    return [h for h in tracking.hands if h.alpha > 0.0 and h.landmarks.shape[0] >= 21]


@register
class RingRenderer(Renderer):
    kind = "ring"
    needs = frozenset({"hands"})
    properties = (
        Property("finger", "Finger", "手指", "choice", "ring", choices=tuple(FINGERS)),
        Property("metal", "Metal colour", "金属颜色", "color", "#d4af37"),
        Property("gem", "Stone", "宝石", "choice", "round", choices=("none", "round", "square")),
        Property("gem_color", "Stone colour", "宝石颜色", "color", "#eef4ff"),
        Property("gem_size", "Stone size", "宝石大小", "float", 1.0, 0.5, 2.0),
        Property("size", "Band width", "戒圈宽度", "float", 1.0, 0.5, 2.5),
        Property("position", "Position on finger", "佩戴位置", "float", 0.42, 0.15, 0.85),
    )

    def render(self, image: np.ndarray, tracking: Tracking) -> None:
        gain = light_gain(tracking.scene_luma)
        metal = hex_to_bgr(self.props["metal"])
        gem_colour = hex_to_bgr(self.props["gem_color"])
        finger = str(self.props["finger"])
        if finger not in FINGERS:
            raise ValueError(f"ring finger must be one of {', '.join(FINGERS)}, not {finger!r}")
        for hand in _live_hands(tracking):
            self._draw(image, hand, finger, metal, gem_colour, gain)

    def _draw(self, image, hand: HandTrack, finger, metal, gem_colour, gain) -> None:
        lm = np.asarray(hand.landmarks, np.float32)
        a, b = ring_segment(lm, finger)
        axis, length = unit(lm[b, :2] - lm[a, :2])
        if length < 3.0:
            return
        width = finger_width(lm) * FINGER_WIDTH_SCALE[finger]
        centre = lm[a, :2] + axis * length * float(self.props["position"])
        radius = width * 0.53
        thickness = width * 0.26 * float(self.props["size"])
        # The near half of the band dips toward the knuckle when the fingertip leans away from
        # the camera (z grows away from it), toward the tip when it leans in.
        dz = float(lm[b, 2] - lm[a, 2]) if lm.shape[1] > 2 else 0.0
        tilt = float(np.clip(abs(dz) / max(np.hypot(length, dz), 1e-3), 0.22, 0.7))
        bulge = radius * tilt * (-1.0 if dz >= 0 else 1.0)
        gem = str(self.props["gem"])
        gem_r = width * 0.27 * float(self.props["gem_size"]) if gem != "none" else 0.0
        patch = Patch.around(image, [centre], radius + abs(bulge) + thickness + gem_r * 1.5 + 3)
        if patch.empty:
            return
        draw_band(patch, centre, axis, radius, thickness, bulge, metal, gain)
        if gem != "none":
            apex = centre + axis * np.float32(bulge)
            draw_gem(patch, apex, gem_r, axis, gem_colour, metal, gain, shape=gem)
        patch.commit(image, hand.alpha)


@register
class NailRenderer(Renderer):
    kind = "nails"
    needs = frozenset({"hands"})
    properties = (
        Property("color", "Polish colour", "甲油颜色", "color", "#b3123a"),
        Property("finish", "Finish", "质感", "choice", "gloss", choices=("gloss", "matte", "shimmer")),
        Property("shape", "Nail shape", "甲型", "choice", "oval", choices=("oval", "square", "almond")),
        Property("length", "Nail length", "甲长", "float", 1.0, 0.8, 1.8),
        Property("intensity", "Intensity", "浓度", "float", 0.92, 0.0, 1.0),
    )

    def render(self, image: np.ndarray, tracking: Tracking) -> None:
        gain = light_gain(tracking.scene_luma)
        colour = hex_to_bgr(self.props["color"])
        for hand in _live_hands(tracking):
            lm = np.asarray(hand.landmarks, np.float32)
            width = finger_width(lm)
            for name, joints in FINGERS.items():
                self._nail(image, lm, joints, width * FINGER_WIDTH_SCALE[name], colour, gain, hand.alpha)

    def _nail(self, image, lm, joints, width, colour, gain, fade) -> None:
        dip, tip = lm[joints[2], :2], lm[joints[3], :2]
        axis, length = unit(tip - dip)
        if length < 2.0:
            return
        cuticle, edge = 0.36, 0.96 + (float(self.props["length"]) - 1.0) * 0.45
        centre = dip + axis * length * (cuticle + edge) * 0.5
        half_len = max(length * (edge - cuticle) * 0.5, 1.0)
        half_w = max(width * 0.36, 1.0)
        patch = Patch.around(image, [centre], max(half_len, half_w) + 2)
        if patch.empty:
            return
        along, across = patch.local(centre, axis)
        v = along / half_len
        u = across / half_w
        r = self._outline(u, v)
        feather = 1.4 / min(half_len, half_w)
        cover = smoothstep(1.0, 1.0 - feather, r) * float(self.props["intensity"])
        if not cover.any():
            return
        # Tint, don't paint: keep the nail's own light and shadow, at the room's brightness.
        lum = luma(patch.base)
        ref = float((lum * cover).sum() / max(cover.sum(), 1e-6)) or 0.5
        finish = str(self.props["finish"])
        shade = np.clip(lum / ref, 0.5, 1.5) ** (0.45 if finish == "matte" else 0.65)
        curve = 0.8 + 0.2 * np.sqrt(np.clip(1.0 - u * u, 0.0, 1.0))
        col = colour * (shade * curve)[..., None] * np.float32(gain)
        stripe = np.exp(-(((u + 0.42) / 0.14) ** 2)) * smoothstep(-0.85, -0.3, v) * smoothstep(0.85, 0.3, v)
        if finish == "gloss":
            spec = 0.55 * stripe + 0.35 * np.exp(-((u + 0.38) ** 2 + (v + 0.25) ** 2) / 0.03)
        elif finish == "shimmer":
            grain = hash_noise(u, v, max(half_w / 1.2, 2.0))
            spec = 0.3 * stripe + 0.6 * (grain > 0.9) * (0.6 + 0.4 * grain)
        else:
            spec = 0.08 * stripe
        col = col + (spec * gain)[..., None]
        patch.over(col, cover)
        patch.commit(image, fade)

    def _outline(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """≤ 1 inside the nail; `v` −1 at the cuticle, +1 at the free edge."""
        shape = str(self.props["shape"])
        au, av = np.abs(u), np.abs(v)
        if shape == "square":
            p = np.where(v > 0, 6.0, 2.6)
            return (au**p + av**p) ** (1.0 / p)
        if shape == "almond":
            taper = 1.0 - 0.55 * np.clip(v, 0.0, 1.0) ** 1.5
            return ((au / taper) ** 2.2 + av**2.2) ** (1 / 2.2)
        return (au**2.4 + av**2.4) ** (1 / 2.4)


__all__ = ["FINGERS", "NailRenderer", "RingRenderer", "finger_width", "palm_length", "ring_segment"]
