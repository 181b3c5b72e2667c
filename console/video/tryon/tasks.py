"""Creating MediaPipe Tasks objects in VIDEO mode from verified model bytes.

Imported lazily (on the processing worker, when an item first needs a tracker) so the app and
`--help` start without loading MediaPipe's native core.
"""

from __future__ import annotations

import atexit
import weakref
from pathlib import Path
from typing import Any

import numpy as np

from .models import PURPOSE, ModelError, load_model

MODEL_FILES = {
    "face": "face_landmarker.task",
    "hands": "hand_landmarker.task",
    "pose": "pose_landmarker.task",
    "segmentation": "selfie_segmenter.tflite",
    "segmentation_landscape": "selfie_segmenter_landscape.tflite",
}


_live: "weakref.WeakSet[Any]" = weakref.WeakSet()


@atexit.register
def _close_leftovers() -> None:
    """Safety net: a task left open errors (or stalls) when the interpreter tears MediaPipe down.
    Owners close their tasks; this catches the ones a crash or a failed test left behind."""
    for task in list(_live):
        try:
            task.close()
        except Exception:  # noqa: BLE001 — best effort at exit
            pass


class Timestamps:
    """VIDEO mode demands strictly increasing timestamps: a repeat or step back becomes last+1."""

    def __init__(self) -> None:
        self.last = -1

    def next(self, ts_ms: int) -> int:
        ts = int(ts_ms)
        if ts <= self.last:
            ts = self.last + 1
        self.last = ts
        return ts


def mp_image(rgb: np.ndarray) -> Any:
    import mediapipe as mp

    return mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))


def create(tracker: str, models_dir: Path | None = None, *, variant: str | None = None) -> Any:
    """A VIDEO-mode task for `tracker`; ModelError (host-readable) if it cannot be had."""
    filename = MODEL_FILES[variant or tracker]
    data = load_model(filename, tracker, models_dir)
    try:
        from mediapipe.tasks.python import BaseOptions, vision

        base = BaseOptions(model_asset_buffer=data)
        video = vision.RunningMode.VIDEO
        task = _make(vision, tracker, base, video)
    except ModelError:
        raise
    except Exception as exc:  # noqa: BLE001 — MediaPipe raises RuntimeError/ValueError on bad bundles
        raise ModelError(
            f"{PURPOSE[tracker]} is unavailable: the model file {filename} is damaged "
            f"(MediaPipe rejected it: {type(exc).__name__}). Try-on is off; everything else keeps working."
        ) from exc
    _live.add(task)
    return task


def _make(vision: Any, tracker: str, base: Any, video: Any) -> Any:
    """The MediaPipe task for one tracker, in VIDEO mode."""
    if tracker == "face":
        return vision.FaceLandmarker.create_from_options(
            vision.FaceLandmarkerOptions(
                base_options=base,
                running_mode=video,
                num_faces=1,
                output_facial_transformation_matrixes=True,
                min_face_detection_confidence=0.5,
                min_tracking_confidence=0.5,
            )
        )
    if tracker == "hands":
        return vision.HandLandmarker.create_from_options(
            vision.HandLandmarkerOptions(base_options=base, running_mode=video, num_hands=2)
        )
    if tracker == "pose":
        return vision.PoseLandmarker.create_from_options(
            vision.PoseLandmarkerOptions(base_options=base, running_mode=video, num_poses=1)
        )
    if tracker == "segmentation":
        return vision.ImageSegmenter.create_from_options(
            vision.ImageSegmenterOptions(
                base_options=base,
                running_mode=video,
                output_confidence_masks=True,
                output_category_mask=False,
            )
        )
    raise KeyError(tracker)
