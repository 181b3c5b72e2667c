"""The demo camera: the public-domain portrait with slow, natural head motion.

Used when there is no webcam (and by tests and benchmarks) so face tracking has a real face to
follow. Motion is a sum of slow incommensurate sines — roll, sway, nod, a slight yaw-like
perspective and breathing zoom — so it never visibly loops and is deterministic for a given t.

Only the head moves, as a host's does in front of a fixed camera: each frame resamples just the
head region of the cached studio scene (a fifth of a 720p frame); the rest of the frame is the
cached scene. Inside the region the motion is exactly the whole-frame warp's, so the face moves
as before; towards the region's edge the displacement eases to zero (the neck and collar bend a
little, nothing is doubled or torn). Warping the whole frame cost ~10.7 ms of CPU per frame here
(OpenCV's two threads: 0.3 of a core at 30 fps, taken from the face tracker on a 2-core
machine); the head region costs about a fifth of that.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import cv2
import numpy as np

from console.resources import resource

PORTRAIT = resource("media", "astronaut.png")


HEAD_BOX = (0.18, 0.0, 0.80, 0.64)
"""The default portrait's head, hair and collar as fractions (x0, y0, x1, y1) of the portrait
square; the face itself sits well inside, clear of the feathered edge."""
MAP_STEP = 8
"""Spacing in pixels of the grid the head's displacement is computed on."""
FEATHER = 0.2
"""Width of the edge where the head's motion eases to none, as a fraction of the box."""

TALKING = 6.0
"""`tempo` of a talking host: nods and tilts of a few degrees at 0.2–0.9 Hz (roll up to ~15°/s);
face landmarks move a median ~1.3 px per frame at 720p, 30 fps (`bench video` prints the measured
figure) — about 1% of the face width, three times the tracker's still-head threshold."""


class DemoCameraError(RuntimeError):
    pass


def _head_region(width: int, height: int, box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    """The head box in frame pixels (x, y, w, h), from fractions of the centred portrait square."""
    side = min(width, height)
    x0, y0 = (width - side) // 2, (height - side) // 2
    bx0, by0 = x0 + int(box[0] * side), y0 + int(box[1] * side)
    bx1, by1 = x0 + int(np.ceil(box[2] * side)), y0 + int(np.ceil(box[3] * side))
    bx0, by0, bx1, by1 = max(bx0, 0), max(by0, 0), min(bx1, width), min(by1, height)
    return bx0, by0, max(bx1 - bx0, 1), max(by1 - by0, 1)


def _ease(pos: np.ndarray, n: int, open_start: bool = False) -> np.ndarray:
    """How much of the head's motion a pixel at `pos` (0..n−1 across the box) follows: 1 inside,
    easing to 0 at the box edges (not at the start when `open_start`: the box touches the frame's
    top edge, nothing is above it to stay still)."""
    edge = max(1.0, n * FEATHER)
    centre = pos.astype(np.float32) + 0.5
    dist = n - centre if open_start else np.minimum(centre, n - centre)
    r = np.clip(dist / edge, 0.0, 1.0)
    return r * r * (3 - 2 * r)  # smoothstep: no visible crease where the ramp ends


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
        head_box: tuple[float, float, float, float] | None = None,
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
        # Another portrait: its head could be anywhere, so the whole portrait square moves.
        box = head_box or (HEAD_BOX if portrait is None else (0.0, 0.0, 1.0, 1.0))
        self._head = _head_region(width, height, box)
        bx, by, bw, bh = self._head
        # The displacement is smooth, so it is computed on a coarse grid (every MAP_STEP px)
        # and interpolated up to the box: 1/64 of the arithmetic, within 0.4 px of the exact
        # field. Node j sits at pixel (j + 0.5)·MAP_STEP − 0.5, exactly where cv2.resize by
        # MAP_STEP samples it, so the up-sampled field does not drift between the nodes.
        gw, gh = -(-bw // MAP_STEP), -(-bh // MAP_STEP)
        nodes_x = (np.arange(gw, dtype=np.float32) + 0.5) * MAP_STEP - 0.5
        nodes_y = (np.arange(gh, dtype=np.float32) + 0.5) * MAP_STEP - 0.5
        ys, xs = np.meshgrid(nodes_y + by, nodes_x + bx, indexing="ij")
        self._nodes = np.stack([xs, ys], -1)
        """(gh, gw, 2) frame coordinates of the grid nodes."""
        self._node_weight = np.outer(_ease(nodes_y, bh, open_start=by == 0), _ease(nodes_x, bw))[..., None]
        self._box_x, self._box_y = np.meshgrid(np.arange(bx, bx + bw, dtype=np.float32),
                                               np.arange(by, by + bh, dtype=np.float32))
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
        bx, by, bw, bh = self._head
        # Where each head-box pixel comes from under the whole-frame warp, eased towards "from
        # itself" at the box edge; then one resampling of just that box.
        nodes = self._nodes
        src = cv2.perspectiveTransform(nodes.reshape(-1, 1, 2), np.linalg.inv(m)).reshape(nodes.shape)
        shift = ((src - nodes) * self._node_weight).astype(np.float32)
        full = cv2.resize(shift, (nodes.shape[1] * MAP_STEP, nodes.shape[0] * MAP_STEP), interpolation=cv2.INTER_LINEAR)
        map_x = full[:bh, :bw, 0] + self._box_x
        map_y = full[:bh, :bw, 1] + self._box_y
        frame = self._scene.copy()  # a fresh buffer per frame, as a camera hands out
        cv2.remap(self._scene, map_x, map_y, cv2.INTER_LINEAR, dst=frame[by : by + bh, bx : bx + bw],
                  borderMode=cv2.BORDER_REFLECT)
        return frame
