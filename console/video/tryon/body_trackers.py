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
from .trackers import TrackerSpec, register


SEGMENTER_FILES = {False: "selfie_segmenter.tflite", True: "selfie_segmenter_landscape.tflite"}


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
            landscape = w > h * 1.2
            self._task = create("segmentation", self._models_dir, model_file=SEGMENTER_FILES[landscape])
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


register(TrackerSpec(
    "hands", lambda models_dir, _opts: HandTracker(models_dir), lambda t, f: t.update(f.rgb(), f.ts_ms),
    output="hands", purpose=("Hand tracking", "手部追踪"), model_files=("hand_landmarker.task",),
    task=lambda vision: (vision.HandLandmarker, vision.HandLandmarkerOptions, {"num_hands": 2})))
register(TrackerSpec(
    "pose", lambda models_dir, _opts: PoseTracker(models_dir), lambda t, f: t.update(f.rgb(), f.ts_ms),
    output="pose", purpose=("Body tracking", "身体追踪"), model_files=("pose_landmarker.task",),
    task=lambda vision: (vision.PoseLandmarker, vision.PoseLandmarkerOptions, {"num_poses": 1})))
register(TrackerSpec(
    "segmentation", lambda models_dir, _opts: PersonSegmenter(models_dir), lambda t, f: t.update(f.rgb(), f.ts_ms),
    output="person_mask", purpose=("Person cut-out", "人像分割"), model_files=tuple(SEGMENTER_FILES.values()),
    task=lambda vision: (vision.ImageSegmenter, vision.ImageSegmenterOptions,
                         {"output_confidence_masks": True, "output_category_mask": False})))
