"""Wrist items: watch and bracelet, oriented along the forearm (wrist → middle knuckle, landmarks 0 → 9).

A band round the wrist is seen as the front half of an ellipse across the forearm; its ends go
round the back of the wrist and fade out there instead of ending in a hard cut.
"""

from __future__ import annotations

import numpy as np

from .base import HandTrack, Property, Renderer, Tracking, register
from .items_jewel import draw_band, draw_beads, draw_chain, draw_gem, metal_shade, resample
from .items_patch import Patch, hex_to_bgr, light_gain, perp, segment_distance, smoothstep, unit


def wrist_frame(lm: np.ndarray, offset: float) -> tuple[np.ndarray, np.ndarray, float, float]:
    """(centre, unit direction toward the fingers, wrist width px, lean sign) for a band `offset` palm-lengths up the arm."""
    toward_fingers, palm = unit(lm[9, :2] - lm[0, :2])
    span = float(np.hypot(*(lm[5, :2] - lm[17, :2])))
    width = float(np.clip(0.5 * span + 0.5 * 0.62 * palm, 0.45 * palm, 0.9 * palm))
    centre = lm[0, :2] - toward_fingers * palm * offset
    dz = float(lm[9, 2] - lm[0, 2]) if lm.shape[1] > 2 else 0.0
    # fingers leaning away from the camera → the near side of the band dips toward the elbow
    lean = -1.0 if dz >= 0 else 1.0
    return centre.astype(np.float32), toward_fingers, width, lean


def _hands(tracking: Tracking) -> list[HandTrack]:
    return [h for h in tracking.hands if h.alpha > 0.0 and h.landmarks.shape[0] >= 21]


def band_arc(centre, axis, radius, bulge, count) -> np.ndarray:
    """Points on the visible front half of a band, evenly spaced in angle (so they crowd at the sides)."""
    phi = np.linspace(-np.pi / 2, np.pi / 2, count, dtype=np.float32)
    side = perp(axis)
    return (
        centre[None, :]
        + side[None, :] * (radius * np.sin(phi))[:, None]
        + axis[None, :] * (bulge * np.cos(phi))[:, None]
    ).astype(np.float32)


@register
class WatchRenderer(Renderer):
    kind = "watch"
    needs = frozenset({"hands"})
    properties = (
        Property("case_color", "Case colour", "表壳颜色", "color", "#c9ccd2"),
        Property("dial_color", "Dial colour", "表盘颜色", "color", "#16233f"),
        Property("strap_color", "Strap colour", "表带颜色", "color", "#5a3420"),
        Property("case_shape", "Case shape", "表壳形状", "choice", "round", choices=("round", "square")),
        Property("size", "Size", "大小", "float", 1.0, 0.6, 1.6),
        Property("position", "Distance from wrist", "佩戴位置", "float", 0.2, 0.0, 0.5),
    )

    def render(self, image: np.ndarray, tracking: Tracking) -> None:
        gain = light_gain(tracking.scene_luma)
        case = hex_to_bgr(self.props["case_color"])
        dial = hex_to_bgr(self.props["dial_color"])
        strap = hex_to_bgr(self.props["strap_color"])
        for hand in _hands(tracking):
            lm = np.asarray(hand.landmarks, np.float32)
            centre, fingers, width, lean = wrist_frame(lm, float(self.props["position"]))
            if width < 6:
                continue
            rc = width * 0.31 * float(self.props["size"])
            strap_w = rc * 1.25
            patch = Patch.around(image, [centre], max(width * 0.62, rc * 1.3) + 3)
            if patch.empty:
                continue
            self._strap(patch, centre, fingers, width * 0.52, strap_w, lean * width * 0.1, strap, gain)
            square = self.props["case_shape"] == "square"
            reach = rc * 1.3 + 2
            face = patch.child(centre[0] - reach, centre[1] - reach, centre[0] + reach, centre[1] + reach)
            if face is not None:
                self._case(face, centre, fingers, rc, case, dial, gain, square)
            patch.commit(image, hand.alpha)

    @staticmethod
    def _strap(patch, centre, fingers, half, strap_w, bulge, colour, gain) -> None:
        along, across = patch.local(centre, fingers)
        u = across / np.float32(half)
        off = along - np.float32(bulge) * np.sqrt(np.clip(1 - u * u, 0, 1))
        hw = strap_w * 0.5
        side = np.clip((1 - np.abs(u)) * half + 0.5, 0, 1) * smoothstep(1.0, 0.8, np.abs(u))
        cover = np.clip(hw - np.abs(off) + 0.5, 0, 1) * side
        occl = 0.35 * np.exp(-((np.maximum(np.abs(off) - hw, 0) / 3.0) ** 2)) * side
        patch.work *= (1 - occl * (1 - cover))[..., None]
        round_ = np.sqrt(np.clip(1 - u * u, 0, 1))
        shade = (0.35 + 0.65 * round_) * (0.9 + 0.1 * np.clip(-u, -1, 1))
        edge = smoothstep(hw - 1.5, hw - 0.2, np.abs(off))
        stitch_band = np.exp(-(((np.abs(off) - (hw - max(hw * 0.18, 1.6))) / 0.6) ** 2))
        dashes = (np.sin(across * (2 * np.pi / max(hw * 0.3, 3.0))) > 0).astype(np.float32)
        col = colour * (shade * (1 - 0.35 * edge))[..., None] + (0.16 * stitch_band * dashes)[..., None]
        patch.over(col * np.float32(gain), cover)

    @staticmethod
    def _case(patch, centre, fingers, rc, metal, dial, gain, square) -> None:
        # 3 o'clock (the crown) points to the fingers, 12 across the wrist, as on a worn watch
        along, across = patch.local(centre, fingers)
        x, y = along / rc, across / rc  # x → 3 o'clock, y → 12 o'clock
        if square:
            r = (np.abs(x) ** 6 + np.abs(y) ** 6) ** (1 / 6) * 1.04
        else:
            r = np.hypot(x, y)
        px = 1.0 / rc
        # lugs toward 12 and 6, then the crown at 3
        lug = (np.abs(np.abs(y) - 1.05) < 0.18) & (np.abs(np.abs(x) - 0.55) < 0.14)
        patch.over(metal_shade(metal, np.clip(x * 0.6 - y * 0.4, -1, 1), np.zeros_like(x), gain), lug * 1.0)
        crown = np.clip(1 - np.hypot(np.clip(np.abs(x - 1.08) - 0.06, 0, None), np.abs(y) / 1.4) / 0.12, 0, 1)
        patch.over(metal_shade(metal, np.clip(-y * 3, -1, 1), np.zeros_like(x), gain), smoothstep(0, 0.3, crown))
        shadow = 0.35 * np.exp(-((np.maximum(np.hypot(x - 0.07, y + 0.09) - 1.0, 0) / 0.12) ** 2))
        patch.work *= (1 - shadow * (r > 1.0))[..., None]
        bezel = np.clip((1.0 - r) / px + 0.5, 0, 1)
        patch.over(metal_shade(metal, np.clip(-0.7 * x + 0.7 * y, -1, 1), (r - 0.92) / 0.08, gain), bezel)
        face = np.clip((0.84 - r) / px + 0.5, 0, 1)
        theta = np.arctan2(y, x)
        sunburst = 0.82 + 0.18 * np.cos(2 * (theta - 2.3)) * np.clip(r / 0.84, 0, 1)
        patch.over(dial * sunburst[..., None] * np.float32(gain), face)
        bright = metal * 0.6 + 0.4
        # hour indices in one pass: turn each pixel into the frame of its nearest index
        k = np.round((np.pi / 2 - theta) / (np.pi / 6)) % 12
        a = np.pi / 2 - k * (np.pi / 6)
        radial = x * np.cos(a) + y * np.sin(a)
        tangential = -x * np.sin(a) + y * np.cos(a)
        major = (k % 3) == 0
        inner = np.where(major, 0.56, 0.63)
        dist = np.hypot(radial - np.clip(radial, inner, 0.74), tangential) * rc
        marks = np.clip(np.where(major, 0.05, 0.03) * rc - dist + 0.5, 0, 1)
        patch.over(bright * np.float32(gain), marks * face)
        # 10:10, the catalogue time: hands frame the logo and never cover the indices
        for angle, length, thick in ((np.deg2rad(305), 0.45, 0.065), (np.deg2rad(60), 0.68, 0.045)):
            tip = np.array([np.sin(angle), np.cos(angle)], np.float32) * length
            dist = segment_distance(x, y, -tip * 0.15, tip) * rc
            hand = np.clip(thick * rc - dist + 0.5, 0, 1) * face
            patch.over(bright * np.float32(gain) * 1.05, hand)
        sec = np.array([np.sin(np.deg2rad(200)), np.cos(np.deg2rad(200))], np.float32) * 0.74
        dist = segment_distance(x, y, -sec * 0.2, sec) * rc
        patch.over(np.array([0.1, 0.15, 0.85], np.float32) * gain, np.clip(0.7 - dist, 0, 1) * face)
        cap = np.clip((0.07 - np.hypot(x, y)) / px + 0.5, 0, 1)
        patch.over(bright * np.float32(gain), cap)
        glare = np.exp(-(((np.hypot(x + 0.35, y - 0.35) - 0.45) / 0.12) ** 2)) * smoothstep(0.0, 0.5, y - x)
        patch.work += (glare * face * 0.18 * gain)[..., None]


@register
class BraceletRenderer(Renderer):
    kind = "bracelet"
    needs = frozenset({"hands"})
    properties = (
        Property("style", "Style", "款式", "choice", "chain", choices=("chain", "bangle", "beads", "tennis")),
        Property("metal", "Metal colour", "金属颜色", "color", "#d4af37"),
        Property("bead_color", "Bead / stone colour", "珠子/宝石颜色", "color", "#f2ede4"),
        Property("size", "Size", "粗细", "float", 1.0, 0.5, 2.0),
        Property("position", "Distance from wrist", "佩戴位置", "float", 0.06, -0.05, 0.4),
    )

    def render(self, image: np.ndarray, tracking: Tracking) -> None:
        gain = light_gain(tracking.scene_luma)
        metal = hex_to_bgr(self.props["metal"])
        bead = hex_to_bgr(self.props["bead_color"])
        style = str(self.props["style"])
        size = float(self.props["size"])
        for hand in _hands(tracking):
            lm = np.asarray(hand.landmarks, np.float32)
            centre, fingers, width, lean = wrist_frame(lm, float(self.props["position"]))
            if width < 6:
                continue
            radius = width * 0.54
            bulge = lean * radius * 0.28
            patch = Patch.around(image, [centre], radius + width * 0.12 * size + 4)
            if patch.empty:
                continue
            if style == "bangle":
                draw_band(patch, centre, -fingers, radius, width * 0.085 * size, -bulge, metal, gain)
            else:
                self._strand(patch, centre, fingers, radius, bulge, width * size, style, metal, bead, gain)
            patch.commit(image, hand.alpha)

    @staticmethod
    def _strand(patch, centre, fingers, radius, bulge, scale, style, metal, bead, gain) -> None:
        piece = {"chain": 0.1, "beads": 0.11, "tennis": 0.1}.get(style, 0.1) * scale
        if style == "chain":
            # links keep their length along the curve; they do not crowd at the sides
            pts, tang, s = resample(band_arc(centre, fingers, radius, bulge, 64), piece * 0.8)
            opacity = smoothstep(0.0, 0.1, s) * smoothstep(0.0, 0.1, 1.0 - s)
            draw_chain(patch, pts, tang, piece, metal, gain, opacity)
            return
        count = max(int(np.pi * radius / max(piece, 1.0)), 6)
        pts = band_arc(centre, fingers, radius, bulge, count)
        edge = np.abs(np.linspace(-1, 1, count, dtype=np.float32))
        opacity = smoothstep(1.0, 0.82, edge)
        # draw from the sides in to the middle so the nearer pieces overlap the farther ones
        order = np.argsort(-edge, kind="stable")
        if style == "beads":
            draw_beads(patch, pts[order], piece * 0.5, bead, gain, opacity[order], lustre=1.0)
        else:
            for i in order:
                if opacity[i] > 0.05:
                    # prongs would be under a pixel at this size: leave them out
                    draw_gem(patch, pts[i], piece * 0.42, fingers, bead, metal, gain * float(opacity[i]), prongs=False)


__all__ = ["BraceletRenderer", "WatchRenderer", "band_arc", "wrist_frame"]
