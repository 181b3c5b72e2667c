"""Skin tone: the host's complexion measured on the cheeks and forehead, each frame, smoothed.

Runs after face tracking (no model of its own): it samples three small patches the face
landmarks locate, takes their median in CIELAB and reports the Individual Typology Angle
(ITA = atan((L* − 50) / b*), the dermatology scale from very light > 55° to dark < −30°).
Makeup items read it so a sheer shade stays visible on deeper skin tones instead of vanishing
(hosts' viewers complain about shades that only work on light skin).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from . import geometry as g
from .trackers import Frame, TrackerSpec, register

PATCHES = (g.RIGHT_CHEEK, g.LEFT_CHEEK, 151)
"""Cheek centres and mid-forehead (landmark 151): skin, away from brows, lips and hair."""
SMOOTHING = 0.15
"""Share of the new measurement per frame: a light change takes ~½ s at 30 fps, flicker none."""


@dataclass(frozen=True, slots=True)
class SkinTone:
    lab: tuple[float, float, float]
    """Median L* (0..100), a*, b* of the sampled skin."""
    ita: float
    """Individual Typology Angle in degrees (higher = lighter)."""

    @property
    def depth(self) -> float:
        """0 for light skin (ITA ≥ 28°) rising to 1 for dark skin (ITA ≤ −30°)."""
        return min(1.0, max(0.0, (28.0 - self.ita) / 58.0))


def ita_degrees(L: float, b: float) -> float:
    return math.degrees(math.atan2(L - 50.0, max(b, 1e-3)))


class SkinToneTracker:
    name = "skin_tone"

    def __init__(self) -> None:
        self._lab: np.ndarray | None = None

    def update(self, bgr: np.ndarray, face) -> SkinTone | None:
        if face is None or face.alpha <= 0:
            return self._current()
        lm = face.landmarks
        side = max(3, int(g.face_width(lm) * 0.05))
        h, w = bgr.shape[:2]
        samples = []
        for idx in PATCHES:
            x, y = int(lm[idx, 0]), int(lm[idx, 1])
            x0, y0, x1, y1 = max(0, x - side), max(0, y - side), min(w, x + side), min(h, y + side)
            if x1 - x0 >= 2 and y1 - y0 >= 2:
                samples.append(bgr[y0:y1, x0:x1].reshape(-1, 3))
        if not samples:
            return self._current()
        patch = np.concatenate(samples)[None].astype(np.float32) / 255.0
        lab = np.median(cv2.cvtColor(patch, cv2.COLOR_BGR2LAB)[0], axis=0)
        self._lab = lab if self._lab is None else self._lab * (1 - SMOOTHING) + lab * SMOOTHING
        return self._current()

    def _current(self) -> SkinTone | None:
        if self._lab is None:
            return None
        L, a, b = (float(v) for v in self._lab)
        return SkinTone((L, a, b), ita_degrees(L, b))

    def close(self) -> None:
        self._lab = None


def _create(_models_dir: Path | None, _options: dict) -> SkinToneTracker:
    return SkinToneTracker()


def _update(tracker: SkinToneTracker, frame: Frame) -> SkinTone | None:
    return tracker.update(frame.bgr, frame.tracking.face)


register(TrackerSpec("skin_tone", _create, _update, output="skin_tone", rgb=False, after=("face",),
                     purpose=("Skin tone", "肤色识别")))
