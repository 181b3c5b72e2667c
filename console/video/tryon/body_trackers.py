"""Hand, pose and person-segmentation trackers (full frame, VIDEO mode, created lazily).

Same conventions as the face tracker: pixel landmarks, One Euro smoothing, hold-then-fade.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from .base import HandTrack, PoseTrack
from .smoothing import OneEuro, Presence
from .tasks import Timestamps, create, mp_image


class HandTracker:
    name = "hands"

    def __init__(self, models_dir: Path | None = None) -> None:
        self._models_dir = models_dir
        self._task = None
        self._ts = Timestamps()
        self._filters: dict[str, OneEuro] = {}
        self._presence: dict[str, Presence] = {}
        self._last: dict[str, HandTrack] = {}

    def update(self, rgb: np.ndarray, ts_ms: int) -> list[HandTrack]:
        if self._task is None:
            self._task = create("hands", self._models_dir)
        h, w = rgb.shape[:2]
        t = ts_ms / 1000.0
        result = self._task.detect_for_video(mp_image(rgb), self._ts.next(ts_ms))
        seen: set[str] = set()
        for lms, handed in zip(result.hand_landmarks, result.handedness):
            label = handed[0].category_name if handed else f"hand{len(seen)}"
            if label in seen:
                continue
            seen.add(label)
            pts = np.array([(p.x * w, p.y * h, p.z * w) for p in lms], np.float32)
            presence = self._presence.setdefault(label, Presence())
            filt = self._filters.setdefault(label, OneEuro(min_cutoff=1.5, beta=0.05))
            if presence.gone:
                filt.reset()
            alpha = presence.update(True, t)
            self._last[label] = HandTrack(landmarks=filt(pts, t), handedness=label, alpha=alpha)
        out = []
        for label, track in list(self._last.items()):
            if label not in seen:
                alpha = self._presence[label].update(False, t)
                if alpha <= 0:
                    del self._last[label]
                    continue
                track = HandTrack(landmarks=track.landmarks, handedness=label, alpha=alpha)
            out.append(track)
        return out

    def close(self) -> None:
        if self._task is not None:
            self._task.close()
            self._task = None


class PoseTracker:
    name = "pose"

    def __init__(self, models_dir: Path | None = None) -> None:
        self._models_dir = models_dir
        self._task = None
        self._ts = Timestamps()
        self._filter = OneEuro(min_cutoff=1.0, beta=0.05)
        self.presence = Presence()
        self._last: PoseTrack | None = None

    def update(self, rgb: np.ndarray, ts_ms: int) -> PoseTrack | None:
        if self._task is None:
            self._task = create("pose", self._models_dir)
        h, w = rgb.shape[:2]
        t = ts_ms / 1000.0
        result = self._task.detect_for_video(mp_image(rgb), self._ts.next(ts_ms))
        if result.pose_landmarks:
            lms = result.pose_landmarks[0]
            pts = np.array([(p.x * w, p.y * h, p.z * w, p.visibility or 0.0) for p in lms], np.float32)
            if self.presence.gone:
                self._filter.reset()
            pts[:, :3] = self._filter(pts[:, :3], t)
            self._last = PoseTrack(landmarks=pts, alpha=self.presence.update(True, t))
            return self._last
        alpha = self.presence.update(False, t)
        if self._last is None or alpha <= 0:
            self._last = None
            return None
        return PoseTrack(landmarks=self._last.landmarks, alpha=alpha)

    def close(self) -> None:
        if self._task is not None:
            self._task.close()
            self._task = None


class PersonSegmenter:
    """Person probability mask at frame size; a light temporal blend keeps edges from crawling."""

    name = "segmentation"

    def __init__(self, models_dir: Path | None = None) -> None:
        self._models_dir = models_dir
        self._task = None
        self._ts = Timestamps()
        self._prev: np.ndarray | None = None

    def update(self, rgb: np.ndarray, ts_ms: int) -> np.ndarray:
        h, w = rgb.shape[:2]
        if self._task is None:
            variant = "segmentation_landscape" if w > h * 1.2 else "segmentation"
            self._task = create("segmentation", self._models_dir, variant=variant)
        result = self._task.segment_for_video(mp_image(rgb), self._ts.next(ts_ms))
        mask = np.asarray(result.confidence_masks[0].numpy_view(), np.float32)
        if mask.ndim == 3:
            mask = mask[..., 0]
        if self._prev is not None and self._prev.shape == mask.shape:
            mask = mask * 0.7 + self._prev * 0.3
        self._prev = mask
        if mask.shape != (h, w):
            mask = cv2.resize(mask, (w, h), interpolation=cv2.INTER_LINEAR)
        return mask

    def close(self) -> None:
        if self._task is not None:
            self._task.close()
            self._task = None
