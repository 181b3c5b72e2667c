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

from .models import ModelError, load_model

_live: "weakref.WeakSet[Any]" = weakref.WeakSet()


@atexit.register
def _close_leftovers() -> None:
    """Safety net: a task left open errors (or stalls) when the interpreter tears MediaPipe down.
    Owners close their tasks; this catches the ones a crash or a failed test left behind."""
    from .landmarker_c import quiesce

    quiesce()  # a tracker thread still running must not be mid-call on a task closed here
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


def create(tracker: str, models_dir: Path | None = None, *, model_file: str | None = None) -> Any:
    """A VIDEO-mode task for `tracker` (its registered MediaPipe task and first model file, or
    `model_file`); ModelError (host-readable) if it cannot be had."""
    from .trackers import TRACKERS, load_trackers

    load_trackers()
    spec = TRACKERS[tracker]
    filename = model_file or spec.model_files[0]
    data = load_model(filename, tracker, models_dir)
    try:
        from mediapipe.tasks.python import BaseOptions, vision

        task_cls, options_cls, options = spec.task(vision)
        task = task_cls.create_from_options(options_cls(
            base_options=BaseOptions(model_asset_buffer=data), running_mode=vision.RunningMode.VIDEO, **options))
    except ModelError:
        raise
    except Exception as exc:  # noqa: BLE001 — MediaPipe raises RuntimeError/ValueError on bad bundles
        raise ModelError(
            f"{spec.purpose[0]} is unavailable: the model file {filename} is damaged "
            f"(MediaPipe rejected it: {type(exc).__name__}). Items that need it are off; everything else keeps working."
        ) from exc
    _live.add(task)
    return task
