"""The run loop and the camera: work from other threads reaches the loop one way, a failing tick
listener never ends the loop, and switching cameras never waits for the old device to close."""

from __future__ import annotations

import asyncio
import functools
import threading

import numpy as np

from console.core.clock import ManualClock
from console.runloop import RunLoop
from console.video.camera import Camera
from console.video.capture import CaptureThread
from console.video.frames import LatestSlot


class _SlowToClose:
    """A device whose close takes until the test says so (some USB cameras take seconds)."""

    fps = 50.0

    def __init__(self, release: threading.Event, closed: list) -> None:
        self.release, self.closed = release, closed

    def read(self):
        return np.zeros((8, 8, 3), np.uint8)

    def close(self) -> None:
        self.release.wait(20)
        self.closed.append(threading.get_ident())


def test_switching_cameras_returns_before_the_old_device_has_closed():
    release, closed = threading.Event(), []
    make = functools.partial(CaptureThread, opener=lambda *a: _SlowToClose(release, closed))
    notes = []
    cam = Camera("demo", LatestSlot(), notes.append, make_capture=make)
    cam.start()
    old = cam.capture
    try:
        assert cam.switch("demo")  # returns although the old device is still closing
        assert cam.capture is not old and not closed
        assert cam.capture.is_alive()
    finally:
        release.set()
        cam.stop()
    assert len(closed) == 2 and threading.get_ident() not in closed
    assert not old.is_alive()


def test_a_bad_camera_spec_is_a_note_not_a_crash():
    notes = []
    cam = Camera("demo", LatestSlot(), notes.append)
    assert not cam.switch("/nonexistent/video.mp4")
    assert notes and "No camera or video file" in notes[0]


def test_a_failing_tick_listener_is_isolated_and_the_loop_runs_on():
    clock = ManualClock()
    ticks, good = [], []
    loop = RunLoop(lambda: (ticks.append(1), clock.advance(0.3)), clock)
    loop.ticked.connect(lambda: 1 / 0)
    loop.ticked.connect(lambda: good.append(1))
    asyncio.run(loop.run(quit_after=1.0))
    assert len(ticks) >= 4 and len(good) == len(ticks) and loop.ticked.errors == len(ticks)


def test_on_loop_delivers_calls_from_other_threads_on_the_loop_thread():
    clock = ManualClock()
    seen = []
    loop = RunLoop(lambda: None, clock)
    loop.on_loop(lambda: seen.append(("before", threading.get_ident())))  # no loop yet: held

    async def main():
        stop = asyncio.Event()
        t = threading.Thread(target=lambda: loop.on_loop(lambda: (seen.append(("worker", threading.get_ident())),
                                                                  stop.set())))
        runner = asyncio.create_task(loop.run(stop=stop))
        await asyncio.sleep(0)
        t.start()
        await asyncio.wait_for(runner, 20)
        t.join()
        return threading.get_ident()

    loop_thread = asyncio.run(main())
    assert [w for w, _ in seen] == ["before", "worker"]
    assert all(ident == loop_thread for _, ident in seen)
