"""FaceLandmarker results read straight from MediaPipe's C structs into numpy.

`FaceLandmarker.detect_for_video` returns Python objects: its `FaceLandmarkerResult.from_ctypes`
builds one `NormalizedLandmark` dataclass per landmark — 478 of them, ~1.1 ms of pure Python per
frame with the GIL held (measured here, against ~9.6 ms for the native call itself) — and the
face tracker then turns them back into an array. On the pipeline's track thread that is the
critical path, and while it holds the GIL the render thread cannot run Python either. So we make
the same native call MediaPipe's wrapper makes (`MpFaceLandmarkerDetectForVideo`, through ctypes,
which releases the GIL for its duration) and copy x, y, z of the landmarks out of the C array
with one numpy view: ~20 µs.

This reads MediaPipe's ctypes layer (present since the Tasks API moved onto its C library). If a
MediaPipe version lacks it, `available()` is False and the face tracker uses the public
`detect_for_video` — same results, only slower.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class FaceArrays:
    landmarks: np.ndarray | None
    """(N, 3) float32 normalised x, y, z of the first face (None: no face)."""
    matrix: np.ndarray | None
    """4×4 float32 facial transformation matrix of the first face, when asked for and given."""


_layout: tuple[Any, Any, np.dtype] | None = None
_checked = False


def _load() -> tuple[Any, Any, np.dtype] | None:
    global _layout, _checked
    if _checked:
        return _layout
    _checked = True
    try:
        from mediapipe.tasks.python.components.containers import landmark_c
        from mediapipe.tasks.python.vision import face_landmarker

        result_c = face_landmarker.MpFaceLandmarkerResultC
        point_c = landmark_c.MpNormalizedLandmarkC
        names = [f[0] for f in result_c._fields_]
        if names[:2] != ["face_landmarks", "face_landmarks_count"] or "facial_transformation_matrixes" not in names:
            return None
        # x, y, z are the struct's first three floats; the numpy view skips the rest of it.
        dtype = np.dtype({"names": ["x", "y", "z"], "formats": ["<f4"] * 3,
                          "offsets": [point_c.x.offset, point_c.y.offset, point_c.z.offset],
                          "itemsize": ctypes.sizeof(point_c)})
        _layout = (result_c, point_c, dtype)
    except (ImportError, AttributeError):
        _layout = None
    return _layout


def available(task: Any) -> bool:
    """The task is a ctypes-backed FaceLandmarker whose result structs we know."""
    return _load() is not None and hasattr(task, "_lib") and hasattr(task, "_handle") \
        and hasattr(task._lib, "MpFaceLandmarkerDetectForVideo")


_raw: tuple[Any, Any] | None = None
_calls = threading.Condition()
_in_flight = 0
_closing = False


def _raw_lib() -> tuple[Any, Any] | None:
    """MediaPipe's shared library itself (not its per-task SerialDispatcher) and its status check."""
    global _raw
    if _raw is None:
        try:
            from mediapipe.tasks.python.core import mediapipe_c_bindings, mediapipe_c_utils

            lib = mediapipe_c_bindings.load_raw_library()
            fn = lib.MpFaceLandmarkerDetectForVideo
            if len(fn.argtypes or ()) != 6:  # (handle, image, options, ts, result, error) as we call it
                raise AttributeError("unexpected MpFaceLandmarkerDetectForVideo signature")
            _raw = (lib, mediapipe_c_utils.handle_status)
        except (ImportError, AttributeError):
            _raw = (None, None)
    return _raw if _raw[0] is not None else None


def quiesce(timeout: float = 2.0) -> None:
    """Before closing leftover tasks at exit: no new direct calls, and the running ones end."""
    global _closing
    with _calls:
        _closing = True
        _calls.wait_for(lambda: _in_flight == 0, timeout)


def close_task(task: Any, timeout: float = 10.0) -> None:
    """Close `task` once no direct call is running. MediaPipe's own close goes through the task's
    SerialDispatcher, which a direct call bypasses: closing from another thread (a pipeline
    stopping) while the track thread is inside the native call would free what the call is
    using. Under the same lock as the calls start, so none can begin on a half-closed task."""
    with _calls:
        _calls.wait_for(lambda: _in_flight == 0, timeout)
        task.close()


def _call_direct(task: Any, image: Any, timestamp_ms: int, result: Any) -> bool:
    """The native call on this thread. MediaPipe's wrapper sends every call through a one-thread
    executor (a SerialDispatcher, for callers sharing a task across threads): two thread
    hand-offs per call, each needing the GIL, ~0.5 ms of CPU and more wall time when another
    thread holds the GIL. A tracker's task is only ever used by its own (track) thread, so the
    call is made directly; ctypes releases the GIL while it runs. False: not possible (then the
    caller goes through the task's own dispatcher)."""
    global _in_flight
    raw = _raw_lib()
    if raw is None:
        return False
    with _calls:
        if _closing:
            return False
        handle = task._handle
        if not handle:  # closed (close_task): never hand MediaPipe a freed or NULL handle
            raise RuntimeError("the face landmarker was closed")
        _in_flight += 1
    lib, handle_status = raw
    try:
        error = ctypes.c_char_p()
        status = lib.MpFaceLandmarkerDetectForVideo(handle, image._image_ptr, None, int(timestamp_ms),
                                                    ctypes.byref(result), ctypes.byref(error))
        try:
            handle_status(status, error)
        finally:
            if error.value is not None:
                lib.MpErrorFree(error)
    finally:
        with _calls:
            _in_flight -= 1
            _calls.notify_all()
    return True


def detect_for_video(task: Any, image: Any, timestamp_ms: int) -> FaceArrays:
    """`task.detect_for_video(image, timestamp_ms)` as arrays, called from the one thread that
    uses `task` (its owner); the caller checked `available`. Raises like MediaPipe's wrapper."""
    result_c, point_c, dtype = _load()  # type: ignore[misc]
    result = result_c()
    if _call_direct(task, image, timestamp_ms, result):
        lib = _raw_lib()[0]  # type: ignore[index]
    else:
        lib = task._lib
        lib.MpFaceLandmarkerDetectForVideo(task._handle, image._image_ptr, None, int(timestamp_ms), ctypes.byref(result))
    try:
        landmarks = matrix = None
        if result.face_landmarks_count:
            face = result.face_landmarks[0]
            n = int(face.landmarks_count)
            if n:
                raw = (ctypes.c_char * (n * ctypes.sizeof(point_c))).from_address(ctypes.addressof(face.landmarks.contents))
                view = np.frombuffer(raw, dtype=dtype, count=n)
                landmarks = np.empty((n, 3), np.float32)
                landmarks[:, 0], landmarks[:, 1], landmarks[:, 2] = view["x"], view["y"], view["z"]
        if result.facial_transformation_matrixes_count:
            matrix = np.asarray(result.facial_transformation_matrixes[0].to_numpy(), np.float32)
        return FaceArrays(landmarks, matrix)
    finally:
        lib.MpFaceLandmarkerCloseResult(ctypes.byref(result))
