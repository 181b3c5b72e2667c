"""The video path's cheaper ways of doing the same thing give the same results.

- landmarks read straight from MediaPipe's C result (landmarker_c) equal the Python API's;
- the face tracker tracks the same with and without that reader;
- the demo camera moves only the head, which moves as the whole-frame warp moved it;
- scene_luma from a nearest-neighbour grid equals the strided sample it replaced.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from console.video.demo_camera import TALKING, DemoCamera
from console.video.tryon import landmarker_c
from console.video.tryon.face_tracker import FaceTracker
from console.video.tryon.processor import scene_luma
from console.video.tryon.tasks import create, mp_image


@pytest.fixture(scope="module")
def frames() -> list[np.ndarray]:
    cam = DemoCamera(1280, 720, seed=0, tempo=TALKING)
    return [cam.read(i / 30) for i in range(24)]


def test_native_reader_equals_mediapipe_python_api(frames):
    public, native = create("face"), create("face")
    try:
        assert landmarker_c.available(native)
        found = 0
        for i, frame in enumerate(frames):
            rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
            a = public.detect_for_video(mp_image(rgb), i * 33 + 1)
            b = landmarker_c.detect_for_video(native, mp_image(rgb), i * 33 + 1)
            if not a.face_landmarks:
                assert b.landmarks is None
                continue
            found += 1
            expected = np.array([(p.x, p.y, p.z) for p in a.face_landmarks[0]], np.float32)
            assert b.landmarks.shape == expected.shape == (478, 3)
            assert np.array_equal(b.landmarks, expected)
            assert np.array_equal(b.matrix, np.asarray(a.facial_transformation_matrixes[0], np.float32))
        assert found >= len(frames) - 3  # the face is there: the comparison compared something
    finally:
        public.close()
        native.close()


def test_native_reader_goes_through_mediapipes_dispatcher_while_closing(frames, monkeypatch):
    """After quiesce() (exit is closing leftover tasks) no direct call is made; results still come."""
    task = create("face")
    through_dispatcher = []
    dispatch = task._lib.MpFaceLandmarkerDetectForVideo

    def counted(*args):
        through_dispatcher.append(1)
        return dispatch(*args)

    try:
        monkeypatch.setattr(task._lib, "MpFaceLandmarkerDetectForVideo", counted)
        portrait = cv2.cvtColor(frames[0][:, 280:1000], cv2.COLOR_BGR2RGB)
        direct = landmarker_c.detect_for_video(task, mp_image(portrait), 1)
        assert direct.landmarks is not None and not through_dispatcher
        monkeypatch.setattr(landmarker_c, "_closing", True)
        out = [landmarker_c.detect_for_video(task, mp_image(portrait), 34 + 33 * i) for i in range(3)]
        assert len(through_dispatcher) == 3
        assert all(o.landmarks is not None for o in out)
        assert landmarker_c._in_flight == 0
    finally:
        task.close()


def _track(frames, arrays: bool, monkeypatch) -> list[np.ndarray | None]:
    if not arrays:
        monkeypatch.setattr(landmarker_c, "available", lambda task: False)
    tracker = FaceTracker(skip_still=False)
    out = []
    try:
        for i, frame in enumerate(frames):
            track = tracker.update(frame, None, i * 33)
            out.append(None if track is None else track.landmarks.copy())
        assert tracker._arrays is arrays
    finally:
        tracker.close()
        monkeypatch.undo()
    return out


def test_face_tracker_tracks_the_same_with_the_native_reader_or_without(frames, monkeypatch):
    with_reader = _track(frames, True, monkeypatch)
    without = _track(frames, False, monkeypatch)
    assert sum(t is not None for t in with_reader) >= len(frames) - 8
    for a, b in zip(with_reader, without):
        assert (a is None) == (b is None)
        if a is not None:
            assert np.allclose(a, b, atol=1e-3)


def _whole_frame_warp(cam: DemoCamera, t: float) -> np.ndarray:
    """The demo camera before: the whole scene warped each frame."""
    roll, dx, dy, scale, yaw = cam.pose_at(t)
    w, h = cam.width, cam.height
    rot = cv2.getRotationMatrix2D((w / 2, h * 0.42), roll, scale)
    rot[:, 2] += (dx, dy)
    k = yaw * h
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[0, k], [w, -k], [w, h + k], [0, h - k]])
    m = cv2.getPerspectiveTransform(src, dst) @ np.vstack([rot, [0, 0, 1]])
    return cv2.warpPerspective(cam._scene, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def test_demo_camera_moves_only_the_head_and_the_face_as_before():
    cam = DemoCamera(1280, 720, seed=0, tempo=TALKING)
    bx, by, bw, bh = cam._head
    assert bw * bh < 0.25 * 1280 * 720  # the per-frame work is a fraction of the frame
    outside = np.ones((720, 1280), bool)
    outside[by : by + bh, bx : bx + bw] = False
    face = (slice(110, 270), slice(540, 660))  # the portrait's face, well inside the head box
    moved = 0.0
    for t in (0.0, 2.7, 15.6):  # 15.6 s: the largest roll (~5.5°) of the first 20 s
        frame = cam.read(t)
        assert np.array_equal(frame[outside], cam._scene[outside])  # body and backdrop stay still
        before = _whole_frame_warp(cam, t)
        diff = np.abs(frame[face].astype(int) - before[face].astype(int))
        assert diff.mean() < 0.5 and np.percentile(diff, 99) <= 4, (t, diff.mean())
        moved = max(moved, float(np.abs(frame[face].astype(int) - cam._scene[face].astype(int)).mean()))
    assert moved > 5  # and the face does move


def test_scene_luma_from_a_grid_matches_the_strided_sample():
    rng = np.random.default_rng(3)
    flat = np.full((720, 1280, 3), (40, 120, 200), np.uint8)
    assert scene_luma(flat) == pytest.approx((0.114 * 40 + 0.587 * 120 + 0.299 * 200) / 255, abs=1e-6)
    for image in (DemoCamera(1280, 720).read(1.0), rng.integers(0, 256, (360, 640, 3), dtype=np.uint8)):
        h, w = image.shape[:2]
        step = max(1, min(h, w) // 45)
        sample = image[step // 2 :: step, step // 2 :: step].reshape(-1, 3).mean(axis=0)
        strided = float(sample @ np.array([0.114, 0.587, 0.299])) / 255.0
        assert scene_luma(image) == pytest.approx(strided, abs=0.01)


def test_closing_a_task_waits_for_a_direct_call_in_flight_and_refuses_new_ones(monkeypatch):
    # A pipeline stopping closes its tracker from another thread while the track thread may be
    # inside the native call: the close must wait for that call (MediaPipe's own close would
    # have queued behind it on the dispatcher the direct call bypasses), and a call on a
    # closed task must be refused, never given a freed or NULL handle.
    import threading

    entered, release = threading.Event(), threading.Event()
    calls: list[str] = []

    class Lib:
        def MpFaceLandmarkerDetectForVideo(self, handle, *args):  # noqa: N802 — MediaPipe's name
            calls.append(f"detect {handle}")
            entered.set()
            assert release.wait(60)
            return 0

    class Task:
        _handle = 1234

        def close(self):
            calls.append("close")
            self._handle = None

    monkeypatch.setattr(landmarker_c, "_raw", (Lib(), lambda status, error: None))
    task, image = Task(), type("Image", (), {"_image_ptr": None})()
    result = __import__("ctypes").c_int()  # any ctypes object: the fake lib never reads it
    caller = threading.Thread(target=landmarker_c._call_direct, args=(task, image, 1, result))
    caller.start()
    assert entered.wait(60)
    closer = threading.Thread(target=landmarker_c.close_task, args=(task,))
    closer.start()
    closer.join(0.3)
    assert closer.is_alive() and calls == ["detect 1234"]  # still waiting for the call
    release.set()
    caller.join(60)
    closer.join(60)
    assert calls == ["detect 1234", "close"]
    with pytest.raises(RuntimeError, match="closed"):
        landmarker_c._call_direct(task, image, 2, result)
