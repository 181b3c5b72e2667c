"""Face tracking: FaceLandmarker in VIDEO mode on a window around the face.

BlazeFace (the detector inside face_landmarker.task) sees the image letterboxed to 128×128, so a
face under about a quarter of a 1280-wide frame is not found at all (the demo camera's face is
~150 px). So we search a few windows of the frame, one per frame (full frame, then squares, then
half-size squares), and once the face is found keep feeding a window ~2.4× the face around it.
The window moves only when the face drifts near its edge (hysteresis): to the landmarker a window
move looks like head motion, which its own tracking absorbs. Smaller input is also cheaper.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from . import landmarker_c
from .base import FaceTrack
from .smoothing import OneEuro, Presence
from .tasks import Timestamps, create, mp_image
from .trackers import TrackerSpec, register

Window = tuple[int, int, int, int]  # x, y, w, h in frame pixels

STILL_MOTION = 0.003
"""Median landmark motion per frame, as a fraction of face width, below which the head counts as still."""

MAX_INPUT_SIDE = 512
"""Windows larger than this are downscaled before inference (placement is unaffected)."""


def search_windows(width: int, height: int) -> list[Window]:
    wins: list[Window] = [(0, 0, width, height)]
    side = min(width, height)
    if width != height:
        span = max(width, height) - side
        for f in (0.5, 0.0, 1.0):
            off = int(span * f)
            wins.append((off, 0, side, side) if width > height else (0, off, side, side))
    half = side // 2
    if half >= 96:
        step = half // 2
        for y in range(0, max(height - half, 0) + 1, step):
            for x in range(0, max(width - half, 0) + 1, half):
                wins.append((x, y, half, half))
    return wins


def face_window(pts: np.ndarray, width: int, height: int, scale: float = 2.4) -> Window:
    x0, y0 = pts[:, 0].min(), pts[:, 1].min()
    x1, y1 = pts[:, 0].max(), pts[:, 1].max()
    side = max(x1 - x0, y1 - y0) * scale
    w, h = int(min(max(side, 96), width)), int(min(max(side, 96), height))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    x = int(np.clip(cx - w / 2, 0, width - w))
    y = int(np.clip(cy - h / 2, 0, height - h))
    return x, y, w, h


def _keeps(current: Window, wanted: Window, pts: np.ndarray, width: int, height: int) -> bool:
    """Keep the window while the face is well inside it (or against the frame edge) and sized right."""
    x, y, w, h = current
    m = 0.12 * min(w, h)
    (bx0, by0), (bx1, by1) = pts[:, :2].min(0), pts[:, :2].max(0)
    inside = (
        (bx0 >= x + m or x == 0)
        and (bx1 <= x + w - m or x + w >= width)
        and (by0 >= y + m or y == 0)
        and (by1 <= y + h - m or y + h >= height)
    )
    ratio = max(w, h) / max(wanted[2], wanted[3], 1)
    return bool(inside and 0.75 <= ratio <= 1.35)


class FaceTracker:
    name = "face"

    def __init__(self, models_dir: Path | None = None, smooth: bool = True, skip_still: bool = True) -> None:
        self._models_dir = models_dir
        self.smooth = smooth
        self.skip_still = skip_still
        """While the head is all but still (< STILL_MOTION of face width per frame), infer only
        every other frame and hold the last landmarks: the error stays under half a pixel, the
        worker gets ~40% of its time back. Any real motion brings back every-frame inference."""
        self._raw_prev: np.ndarray | None = None
        self._still = False
        self._skipped_last = False
        self._gap = 0
        self.inferred = 0
        self.skipped = 0
        self._task = None
        self._arrays = False
        """Results read straight into numpy (landmarker_c), not through 478 Python objects."""
        self._ts = Timestamps()
        self._window: Window | None = None
        self._search_i = 0
        self._filter = OneEuro(min_cutoff=1.2, beta=0.04)
        self._matrix_filter = OneEuro(min_cutoff=1.0, beta=0.5)
        self.presence = Presence()
        self._last: FaceTrack | None = None
        self.found_last_frame = False

    def _ensure(self) -> None:
        if self._task is None:
            self._task = create("face", self._models_dir)  # ModelError propagates to the processor
            self._arrays = landmarker_c.available(self._task)

    def _detect(self, bgr: np.ndarray, rgb: np.ndarray | None, win: Window, ts_ms: int) -> landmarker_c.FaceArrays:
        x, y, w, h = win
        side = max(w, h)
        if rgb is not None:
            crop = rgb[y : y + h, x : x + w]
        else:
            crop = bgr[y : y + h, x : x + w]
        if side > MAX_INPUT_SIDE:  # downscale first, so the colour conversion touches fewer pixels
            k = MAX_INPUT_SIDE / side
            crop = cv2.resize(crop, (max(1, round(w * k)), max(1, round(h * k))), interpolation=cv2.INTER_AREA)
        if rgb is None:
            crop = cv2.cvtColor(crop, cv2.COLOR_BGR2RGB)
        image, ts = mp_image(crop), self._ts.next(ts_ms)
        if self._arrays:
            return landmarker_c.detect_for_video(self._task, image, ts)
        result = self._task.detect_for_video(image, ts)
        landmarks = None
        if result.face_landmarks:
            landmarks = np.array([(p.x, p.y, p.z) for p in result.face_landmarks[0]], dtype=np.float32)
        matrix = None
        if result.facial_transformation_matrixes:
            matrix = np.asarray(result.facial_transformation_matrixes[0], np.float32)
        return landmarker_c.FaceArrays(landmarks, matrix)

    def update(self, bgr: np.ndarray, rgb: np.ndarray | None, ts_ms: int) -> FaceTrack | None:
        """Track the face in this frame; `rgb` is the shared full-frame RGB copy if one was made."""
        self._ensure()
        height, width = bgr.shape[:2]
        t = ts_ms / 1000.0
        if self.skip_still and self._still and not self._skipped_last and self._last is not None and self.presence.alpha >= 1.0:
            self._skipped_last = True
            self._gap += 1
            self.skipped += 1
            self.presence.update(True, t)
            return self._last
        self._skipped_last = False
        gap, self._gap = self._gap + 1, 0
        self.inferred += 1
        lost_long = self.presence.lost_for(t) > self.presence.hold_s
        if self._window is None or lost_long:
            wins = search_windows(width, height)
            win = wins[self._search_i % len(wins)]
            self._search_i += 1
        else:
            win = self._window
        result = self._detect(bgr, rgb, win, ts_ms)
        raw = result.landmarks
        self.found_last_frame = raw is not None
        if raw is not None:
            x, y, w, h = win
            pts = np.empty_like(raw)
            pts[:, 0] = x + raw[:, 0] * w
            pts[:, 1] = y + raw[:, 1] * h
            pts[:, 2] = raw[:, 2] * w
            if self.presence.gone:
                self._filter.reset()
                self._matrix_filter.reset()
                self._raw_prev = None
            fw = float(np.ptp(pts[:, 0])) or 1.0
            if self._raw_prev is not None:
                motion = float(np.median(np.abs(pts[:, :2] - self._raw_prev))) / gap
                self._still = motion < STILL_MOTION * fw
            self._raw_prev = pts[:, :2].copy()
            smooth = self._filter(pts, t) if self.smooth else pts
            matrix = None
            if result.matrix is not None:
                matrix = self._matrix_filter(result.matrix, t)
            wanted = face_window(smooth, width, height)
            if self._window is None or not _keeps(self._window, wanted, smooth, width, height):
                self._window = wanted
            self._search_i = 0
            alpha = self.presence.update(True, t)
            self._last = FaceTrack(landmarks=smooth, matrix=matrix, alpha=alpha)
            return self._last
        self._still = False
        alpha = self.presence.update(False, t)
        if self._last is None or self.presence.gone:
            self._last = None
            return None
        return FaceTrack(landmarks=self._last.landmarks, matrix=self._last.matrix, alpha=alpha)

    def close(self) -> None:
        if self._task is not None:
            # Waits for a direct native call in flight on the track thread (landmarker_c).
            landmarker_c.close_task(self._task)
            self._task = None


register(TrackerSpec(
    "face", lambda models_dir, opts: FaceTracker(models_dir, skip_still=opts.get("skip_still", True)),
    lambda t, f: t.update(f.bgr, f.rgb_if_made(), f.ts_ms), rgb=False,
    output="face", purpose=("Face tracking", "面部追踪"), model_files=("face_landmarker.task",),
    task=lambda vision: (vision.FaceLandmarker, vision.FaceLandmarkerOptions, {
        "num_faces": 1, "output_facial_transformation_matrixes": True,
        "min_face_detection_confidence": 0.5, "min_tracking_confidence": 0.5})))
