import threading
import time

import numpy as np
import pytest

from console.video.capture import DEMO, CameraError, CaptureThread, parse_source, webcam_available
from console.video.demo_camera import DemoCamera
from console.video.frames import LatestSlot
from console.video.pipeline import VideoPipeline
from tests.waiting import wait_until


def test_demo_camera_moves_like_a_head_and_is_deterministic():
    cam = DemoCamera(640, 360, seed=1)
    a, b, c = cam.read(0.0), cam.read(0.0), cam.read(5.0)
    assert a.shape == (360, 640, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b)
    assert np.abs(a.astype(int) - c.astype(int)).mean() > 2  # it moves
    rolls = [cam.pose_at(t)[0] for t in np.linspace(0, 60, 200)]
    assert 1.0 < max(abs(r) for r in rolls) < 10.0  # natural head roll, not a spin


def test_parse_source():
    assert parse_source("demo") == DEMO
    assert parse_source("2") == 2
    with pytest.raises(CameraError, match="No camera or video file"):
        parse_source("/no/such/file.mp4")


def test_demo_source_delivers_frames_latest_wins():
    slot = LatestSlot()
    statuses = []
    cap = CaptureThread(DEMO, slot, statuses.append, width=320, height=180, fps=60)
    cap.start()
    try:
        wait_until(lambda: cap.frames >= 10)
    finally:
        cap.stop()
    assert statuses[0].state == "ok" and statuses[-1].state == "stopped"
    frame = slot.poll()
    assert frame is not None and frame.image.shape == (180, 320, 3)
    assert slot.dropped > 0  # nobody took frames: stale ones were dropped, not queued


class _FlakyReader:
    """A device that delivers a few frames then dies, like an unplugged webcam."""

    opens = 0

    def __init__(self, fail_open: bool):
        if fail_open:
            raise CameraError("Camera 7 could not be opened.")
        self.fps = 100.0
        self.left = 5

    def read(self):
        if self.left <= 0:
            return None
        self.left -= 1
        return np.zeros((10, 10, 3), np.uint8)

    def close(self):
        pass


def test_lost_device_is_reported_and_retried_while_app_keeps_running(monkeypatch):
    slot = LatestSlot()
    statuses = []
    opens = []

    def opener(source, w, h, fps):
        opens.append(1)
        return _FlakyReader(fail_open=len(opens) == 2)  # 1st opens, 2nd fails, 3rd opens again

    cap = CaptureThread(7, slot, statuses.append, opener=opener)
    monkeypatch.setattr(CaptureThread, "MAX_FAILED_READS", 3)
    cap.start()
    try:
        wait_until(lambda: len(opens) >= 3)
    finally:
        cap.stop()
    states = [s.state for s in statuses]
    assert "lost" in states and "retrying" in states
    assert states.index("lost") < states.index("retrying")
    assert states.count("ok") >= 2  # came back after the retry
    lost = next(s for s in statuses if s.state == "lost")
    assert "stopped sending pictures" in lost.message


def test_missing_webcam_is_detected_without_hanging():
    # On this CI machine there is no camera; the call must answer (False) promptly either way.
    result = []
    t = threading.Thread(target=lambda: result.append(webcam_available(0)))
    t.start()
    t.join(20)
    assert result and isinstance(result[0], bool)


class _Stamp:
    name = "stamp"

    def __init__(self):
        self.ts = []
        self.closed_on = None

    def process(self, image, ts_ms):
        self.ts.append(ts_ms)
        image = image.copy()
        image[0, 0] = (1, 2, 3)
        return image

    def close(self):
        self.closed_on = threading.current_thread().name


class _Broken:
    name = "broken"

    def process(self, image, ts_ms):
        raise ValueError("model exploded")

    def close(self):
        pass


def test_pipeline_runs_processors_on_worker_and_survives_a_failing_one():
    capture = LatestSlot()
    errors = []
    stamp = _Stamp()
    pipe = VideoPipeline(capture, [stamp, _Broken], on_error=lambda n, m: errors.append((n, m)))
    pipe.start()
    cam = DemoCamera(320, 180)
    from console.video.frames import Frame

    # Keep the camera going until the worker has processed a few frames: a busy machine only
    # makes this take longer (latest-frame-wins drops the rest).
    frames = iter(range(10**6))

    def fed_and_processed() -> bool:
        i = next(frames)
        capture.put(Frame(cam.read(i / 30), i, time.monotonic(), "demo"))
        return pipe.processed >= 5

    wait_until(fed_and_processed, interval=0.005, what="5 frames through the worker")
    out = pipe.output.poll()
    pipe.stop()
    assert out is not None and tuple(out.image[0, 0]) == (1, 2, 3)
    assert stamp.ts == sorted(set(stamp.ts))  # strictly increasing timestamps
    assert errors and errors[0] == ("broken", "model exploded")
    assert stamp.closed_on == "video-pipeline"
    stats = pipe.stats()
    assert stats.processed == pipe.processed and "stamp" in stats.stage_ms
    assert pipe.processed + stats.dropped_capture >= 1


class _TwoStage:
    """Tracks on one thread, renders on another: records where and with what."""

    name = "two"

    def __init__(self):
        self.track_threads, self.render_threads = set(), set()
        self.pairs = []
        self.closed_on = None

    def track(self, image, ts_ms):
        self.track_threads.add(threading.current_thread().name)
        return ("tracked", int(image[0, 0, 0]), ts_ms)

    def render(self, image, ts_ms, tracked):
        self.render_threads.add(threading.current_thread().name)
        self.pairs.append((int(image[0, 0, 0]), ts_ms, tracked))
        return image

    def process(self, image, ts_ms):  # for one-thread use
        return self.render(image, ts_ms, self.track(image, ts_ms))

    def close(self):
        self.closed_on = threading.current_thread().name


class _FailingTrack(_TwoStage):
    name = "failing"

    def track(self, image, ts_ms):
        raise RuntimeError("model gone")


@pytest.mark.parametrize("overlap", [True, False])
def test_overlapped_stages_render_each_frame_with_its_own_tracking(overlap):
    from console.video.frames import Frame

    capture = LatestSlot()
    two, failing = _TwoStage(), _FailingTrack()
    errors = []
    pipe = VideoPipeline(capture, [two, failing], on_error=lambda n, m: errors.append((n, m)), overlap=overlap)
    seen = []
    pipe.program.connect(lambda frame: seen.append(frame.index))
    pipe.start()
    try:
        for i in range(1, 31):
            image = np.zeros((4, 4, 3), np.uint8)
            image[0, 0, 0] = i
            capture.put(Frame(image, i, i / 30))
            assert capture.wait_empty(timeout=20)  # never drop: every frame goes through
        wait_until(lambda: len(seen) == 30)
    finally:
        pipe.stop()
    # Rendered in order, each with the tracking of its own frame (never a neighbour's).
    assert seen == list(range(1, 31))
    assert [p[0] for p in two.pairs] == list(range(1, 31))
    assert all(tracked == ("tracked", value, ts) for value, ts, tracked in two.pairs)
    assert two.track_threads == {"video-pipeline"}
    assert two.render_threads == ({"video-render"} if overlap else {"video-pipeline"})
    assert two.closed_on == "video-pipeline"  # closed where its models live, after rendering ended
    # A failing track stage: reported once, its render skipped, the others carry on.
    assert errors == [("failing.track", "model gone")] and failing.pairs == []
