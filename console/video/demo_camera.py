"""The demo camera: the public-domain portrait with slow, natural head motion.

Used when there is no webcam (and by tests and benchmarks) so face tracking has a real face to
follow. Motion is a sum of slow incommensurate sines — roll, sway, nod, a slight yaw-like
perspective and breathing zoom — so it never visibly loops and is deterministic for a given t.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import cv2
import numpy as np

from console.resources import resource

PORTRAIT = resource("media", "astronaut.png")


TALKING = 6.0
"""`tempo` of a talking host: nods and tilts of a few degrees at 0.2–0.9 Hz (roll up to ~15°/s);
face landmarks move a median ~1.3 px per frame at 720p, 30 fps (`bench video` prints the measured
figure) — about 1% of the face width, three times the tracker's still-head threshold."""


class DemoCameraError(RuntimeError):
    pass


def _studio_scene(portrait: np.ndarray, width: int, height: int) -> np.ndarray:
    """Portrait fitted to the frame height on a soft backdrop made from its own colours."""
    side = min(width, height)
    face = cv2.resize(portrait, (side, side), interpolation=cv2.INTER_AREA)
    backdrop = cv2.resize(portrait, (width, height), interpolation=cv2.INTER_AREA)
    backdrop = cv2.GaussianBlur(backdrop, (0, 0), sigmaX=max(width, height) / 40)
    backdrop = (backdrop.astype(np.float32) * 0.55).astype(np.uint8)
    x0, y0 = (width - side) // 2, (height - side) // 2
    scene = backdrop.copy()
    # Feather the portrait's left/right edges into the backdrop instead of a hard seam.
    ramp = np.clip(np.minimum(np.arange(side), np.arange(side)[::-1]) / (side * 0.08), 0, 1)
    alpha = np.broadcast_to(ramp[None, :, None], (side, side, 1)).astype(np.float32)
    region = scene[y0 : y0 + side, x0 : x0 + side].astype(np.float32)
    scene[y0 : y0 + side, x0 : x0 + side] = (face * alpha + region * (1 - alpha)).astype(np.uint8)
    return scene


class DemoCamera:
    def __init__(
        self,
        width: int = 1280,
        height: int = 720,
        seed: int = 0,
        portrait: Path | None = None,
        motion: float = 1.0,
        tempo: float = 1.0,
    ) -> None:
        path = portrait or PORTRAIT
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            raise DemoCameraError(f"The demo camera's portrait is missing or unreadable: {path}")
        self.width, self.height = width, height
        self.motion = motion
        self.tempo = tempo
        """Speed of the head motion: 1 is a host listening (slow drift); TALKING is a host
        talking — nods and turns several times faster, so face tracking runs on every frame."""
        self._scene = _studio_scene(image, width, height)
        rng = np.random.default_rng(seed)
        self._phases = rng.uniform(0, 2 * math.pi, size=8)
        self._t0 = time.monotonic()

    def pose_at(self, t: float) -> tuple[float, float, float, float, float]:
        """(roll degrees, dx px, dy px, scale, yaw fraction) at time t seconds."""
        p, m = self._phases, self.motion
        t = t * self.tempo
        roll = m * (4.0 * math.sin(0.31 * t + p[0]) + 1.5 * math.sin(0.87 * t + p[1]))
        dx = m * self.width * (0.012 * math.sin(0.23 * t + p[2]) + 0.005 * math.sin(0.71 * t + p[3]))
        dy = m * self.height * (0.010 * math.sin(0.41 * t + p[4]))
        scale = 1.0 + m * 0.025 * math.sin(0.19 * t + p[5])
        yaw = m * 0.025 * math.sin(0.27 * t + p[6]) + m * 0.01 * math.sin(0.93 * t + p[7])
        return roll, dx, dy, scale, yaw

    def read(self, t: float | None = None) -> np.ndarray:
        if t is None:
            t = time.monotonic() - self._t0
        roll, dx, dy, scale, yaw = self.pose_at(t)
        w, h = self.width, self.height
        cx, cy = w / 2, h * 0.42
        rot = cv2.getRotationMatrix2D((cx, cy), roll, scale)
        rot[:, 2] += (dx, dy)
        # A horizontal keystone reads as a small head turn; combined with the rotation into one warp.
        k = yaw * h
        src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        dst = np.float32([[0, k], [w, -k], [w, h + k], [0, h - k]])
        persp = cv2.getPerspectiveTransform(src, dst)
        m = persp @ np.vstack([rot, [0, 0, 1]])
        return cv2.warpPerspective(
            self._scene, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
