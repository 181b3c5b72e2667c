"""Necklace on the pose landmarks (the garment lives in items_garment).

Pose indices used: 9/10 mouth corners, 11/12 shoulders. The neck base is the shoulders' midpoint
raised toward the mouth by a fraction of the shoulder width; the strand hangs from the two sides
of the neck in a catenary, pulled into a soft V when a pendant weighs it down. Everything scales
with the shoulder width, so it follows the host toward and away from the camera.
"""

from __future__ import annotations

import numpy as np

from .base import PoseTrack, Property, Renderer, Tracking, register
from .items_jewel import draw_beads, draw_chain, draw_gem, draw_heart, resample
from .items_patch import Patch, hex_to_bgr, light_gain, smoothstep, unit

MIN_VISIBILITY = 0.3


def torso_frame(pose: PoseTrack) -> tuple[np.ndarray, np.ndarray, np.ndarray, float] | None:
    """(shoulder midpoint, unit 'up' toward the mouth, unit 'across' to the image-right shoulder, shoulder width)."""
    lm = np.asarray(pose.landmarks, np.float32)
    if lm.shape[0] < 13:
        return None
    if lm.shape[1] > 3 and min(lm[11, 3], lm[12, 3]) < MIN_VISIBILITY:
        return None
    left, right = lm[11, :2], lm[12, :2]
    mid = (left + right) * 0.5
    across, width = unit(left - right)
    if width < 8:
        return None
    mouth = (lm[9, :2] + lm[10, :2]) * 0.5
    up, _ = unit(mouth - mid)
    if float(np.hypot(*(mouth - mid))) < 1e-3:
        up = np.array([across[1], -across[0]], np.float32)
    across = across - up * float(across @ up)
    across, _ = unit(across)
    return mid, up, across, width


def necklace_curve(
    neck: np.ndarray, up: np.ndarray, across: np.ndarray, neck_half: float, drop: float, v_shape: float, n: int = 96
) -> np.ndarray:
    """Points from one side of the neck to the other: a catenary of depth `drop`, blended toward a V."""
    x = np.linspace(-1.0, 1.0, n, dtype=np.float32)
    k = 1.6
    cat = (np.cosh(k) - np.cosh(k * x)) / (np.cosh(k) - 1.0)
    depth = drop * ((1.0 - v_shape) * cat + v_shape * (1.0 - np.abs(x)) ** 1.15)
    # the strand drapes over the collarbones, so it spreads wider than the neck as it falls
    spread = neck_half * x * (1.0 + 0.9 * (drop / max(neck_half, 1e-3)) * 0.35 * (1.0 - x * x))
    front = neck[None, :] + across[None, :] * spread[:, None] - up[None, :] * depth[:, None]
    # past the sides of the neck it climbs and turns in toward the nape, where it fades out
    t = np.linspace(0.0, 1.0, max(n // 6, 4), dtype=np.float32)[1:, None]
    climb = up[None, :] * (neck_half * 0.55 * t) - across[None, :] * (neck_half * 0.22 * t * t)
    left_end, right_end = front[0], front[-1]
    left = left_end[None, :] + (up[None, :] * (neck_half * 0.55 * t) + across[None, :] * (neck_half * 0.22 * t * t))
    right = right_end[None, :] + climb
    return np.concatenate([left[::-1], front, right]).astype(np.float32)


@register
class NecklaceRenderer(Renderer):
    kind = "necklace"
    needs = frozenset({"pose"})
    properties = (
        Property("style", "Strand", "链型", "choice", "chain", choices=("chain", "pearls")),
        Property("metal", "Metal colour", "金属颜色", "color", "#d4af37"),
        Property("pearl_color", "Pearl colour", "珍珠颜色", "color", "#f3eee6"),
        Property("pendant", "Pendant", "吊坠", "choice", "drop", choices=("none", "drop", "round", "heart")),
        Property("stone_color", "Stone colour", "宝石颜色", "color", "#1c7c54"),
        Property("length", "Length", "长度", "float", 0.22, 0.08, 0.5),
        Property("size", "Size", "粗细", "float", 1.0, 0.5, 2.0),
        Property("neck_height", "Neck height", "颈部高度", "float", 0.14, 0.0, 0.35),
    )

    def render(self, image: np.ndarray, tracking: Tracking) -> None:
        pose = tracking.pose
        if pose is None or pose.alpha <= 0.0:
            return
        frame = torso_frame(pose)
        if frame is None:
            return
        mid, up, across, width = frame
        gain = light_gain(tracking.scene_luma)
        size = float(self.props["size"])
        neck = mid + up * width * float(self.props["neck_height"])
        neck_half = width * 0.15
        pendant = str(self.props["pendant"])
        drop = width * float(self.props["length"])
        curve = necklace_curve(neck, up, across, neck_half, drop, 0.35 if pendant != "none" else 0.0)
        stone_r = width * 0.035 * size
        margin = width * 0.04 * size + (stone_r * 4.0 if pendant != "none" else 0) + 4
        patch = Patch.around(image, curve, margin)
        if patch.empty:
            return
        pearls = self.props["style"] == "pearls"
        piece = width * (0.032 if pearls else 0.026) * size
        pts, tang, s = resample(curve, piece * (1.0 if pearls else 0.8))
        # the ends go round the back of the neck: fade them rather than cut them
        opacity = smoothstep(0.0, 0.13, s) * smoothstep(0.0, 0.13, 1.0 - s)
        if pearls:
            draw_beads(patch, pts, piece * 0.5, hex_to_bgr(self.props["pearl_color"]), gain, opacity, lustre=1.0)
        else:
            draw_chain(patch, pts, tang, piece, hex_to_bgr(self.props["metal"]), gain, opacity)
        if pendant != "none":
            self._pendant(patch, curve, up, stone_r, pendant, gain)
        patch.commit(image, pose.alpha)

    def _pendant(self, patch: Patch, curve: np.ndarray, up: np.ndarray, radius: float, kind: str, gain: float) -> None:
        metal = hex_to_bgr(self.props["metal"])
        stone = hex_to_bgr(self.props["stone_color"])
        low = curve[len(curve) // 2]
        bail = low - up * radius * 0.25
        draw_beads(patch, bail[None, :], radius * 0.28, metal, gain, np.ones(1, np.float32))
        if kind == "heart":
            centre = low - up * radius * 1.5
            draw_heart(patch, centre, radius * 1.5, up, metal, gain)
        elif kind == "drop":
            centre = low - up * radius * 1.55
            draw_gem(patch, centre, radius, up, stone, metal, gain, shape="drop")
        else:
            centre = low - up * radius * 1.2
            draw_gem(patch, centre, radius * 0.95, up, stone, metal, gain, shape="round")


__all__ = ["NecklaceRenderer", "necklace_curve", "torso_frame"]
