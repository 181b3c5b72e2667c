"""The virtual camera output: clear guidance without a backend (the session keeps running), the
program frames reach the device unchanged, an aspect switch reopens it, a lost device is said
once and retried; and, where Linux has v4l2loopback loaded, a real round trip through it."""

import glob
import sys
import threading
import time

import numpy as np
import pytest

from console.core.signal import Signal
from console.i18n import set_language
from console.output.registry import OutputContext
from console.output.virtualcam import VirtualCamera, VirtualCameraUnavailable, guidance
from console.video.frames import Frame
from tests.waiting import until, wait_until


def _loopback_reason() -> str | None:
    """None when a real v4l2loopback device can be opened here, else why not."""
    if not sys.platform.startswith("linux"):
        return "v4l2loopback exists only on Linux"
    try:
        import pyvirtualcam

        with pyvirtualcam.Camera(width=320, height=180, fps=30, backend="v4l2loopback"):
            return None
    except Exception as exc:  # noqa: BLE001
        return (f"no v4l2loopback device here ({exc}); loading the module needs a kernel that allows "
                f"`modprobe v4l2loopback`, which this sandbox does not (devices: {glob.glob('/dev/video*') or 'none'})")


LOOPBACK_MISSING = _loopback_reason()


@pytest.fixture
def english():
    set_language("en")
    yield
    set_language("en")


def test_guidance_says_what_to_install_on_each_system_in_both_languages(english):
    assert "OBS Studio" in guidance("win32") and "OBS Virtual Camera" in guidance("win32")
    assert "System Settings" in guidance("darwin")
    assert "modprobe v4l2loopback" in guidance("linux") and "v4l2loopback-dkms" in guidance("linux")
    set_language("zh_CN")
    assert "未安装虚拟摄像头" in guidance("win32") and "OBS Studio" in guidance("win32")
    assert "系统设置" in guidance("darwin")
    assert "内核模块" in guidance("linux") and "modprobe v4l2loopback" in guidance("linux")
    assert "详情" in guidance("linux", detail="x")


@pytest.mark.skipif(LOOPBACK_MISSING is None, reason="a v4l2loopback device is loaded here, so the backend is not absent")
def test_backend_absent_gives_guidance_and_the_session_keeps_running(tmp_path, english):
    import asyncio

    from console.app import AppOptions, ConsoleApp

    app = ConsoleApp(AppOptions(demo=True, camera="demo", db=tmp_path / "s.db", config=tmp_path / "none.toml", lang="en"))

    async def main():
        stop = asyncio.Event()

        async def scenario():
            try:
                await until(lambda: app.pipeline.processed > 0, what="the first processed frame")
                assert app.outputs.start("virtualcam") is None  # real pyvirtualcam, no backend
                before = app.pipeline.processed
                await until(lambda: app.pipeline.processed >= before + 5, what="video going on after the failure")
            finally:
                stop.set()  # a failure ends the run at once and is raised by `await task`

        task = asyncio.create_task(scenario())
        await app.run(quit_after=120.0, stop=stop)
        await task

    try:
        app.start_video()
        asyncio.run(main())
    finally:
        app.shutdown()
    notes = [n for n in app.notices if "Virtual camera could not start" in n]
    assert len(notes) == 1
    assert "modprobe v4l2loopback" in notes[0]  # what to do, on this system
    assert "No v4l2 loopback device" in notes[0]  # and pyvirtualcam's own words as the detail
    assert app.outputs.statuses() == {}


class _Device:
    """Records what a virtual-camera device receives (stands in for the OS device)."""

    def __init__(self, width, height, fps, log, fail_after=None):
        self.width, self.height, self.fps = width, height, fps
        self.device = f"test-device-{width}x{height}"
        self.frames: list[np.ndarray] = []
        self.closed = False
        self._fail_after = fail_after
        log.append(self)

    def send(self, image):
        if self._fail_after is not None and len(self.frames) >= self._fail_after:
            raise OSError("device unplugged")
        assert image.shape == (self.height, self.width, 3)
        self.frames.append(image.copy())

    def close(self):
        self.closed = True


def _frame(i, w, h):
    rng = np.random.default_rng(i)
    return Frame(rng.integers(0, 255, (h, w, 3), dtype=np.uint8), i, float(i))


def test_program_frames_reach_the_device_unchanged_and_an_aspect_switch_reopens_it(english):
    program, notes, opened = Signal("program"), [], []
    out = VirtualCamera(OutputContext(program=program, note=notes.append), size=(64, 36),
                        open_camera=lambda w, h, fps, backend, device: _Device(w, h, fps, opened))
    out.start()
    try:
        sent = []
        for i in range(3):
            frame = _frame(i, 64, 36)
            sent.append(frame.image.copy())
            program.emit(frame)
            wait_until(lambda: out.frames == i + 1)
        vertical = _frame(9, 20, 36)  # 9:16 now
        program.emit(vertical)
        wait_until(lambda: out.frames == 4)
        status = out.status()
    finally:
        out.stop()
    first, second = opened
    assert [f.tobytes() for f in first.frames] == [s.tobytes() for s in sent]
    assert first.closed and (second.width, second.height) == (20, 36)
    assert np.array_equal(second.frames[0], vertical.image)
    assert status.state == "running" and status.frames == 4 and status.detail["size"] == "20x36"
    assert second.closed and len(program) == 0 and notes == []


def test_a_lost_device_is_said_once_and_reopened(english):
    program, notes, opened, logged = Signal("program"), [], [], []

    def open_camera(w, h, fps, backend, device):
        return _Device(w, h, fps, opened, fail_after=2 if not opened else None)

    out = VirtualCamera(OutputContext(program=program, note=notes.append, log_action=lambda n, d: logged.append((n, d))),
                        size=(32, 18), open_camera=open_camera)
    out.start()
    stop = threading.Event()

    def feed():
        i = 0
        while not stop.is_set():
            program.emit(_frame(i, 32, 18))
            i += 1
            time.sleep(0.02)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        wait_until(lambda: len(opened) >= 2 and len(opened[1].frames) >= 3)
        status = out.status()
    finally:
        stop.set()
        feeder.join(5)
        out.stop()
    assert len(notes) == 1 and "device unplugged" in notes[0] and "v4l2loopback" in notes[0]
    assert status.state == "running" and status.message == ""
    # The session log has every change: on, the loss (with the reason), back on, off.
    assert [d["state"] for n, d in logged] == ["running", "failed", "running", "off"]
    assert all(n == "output.status" and d["output"] == "virtualcam" for n, d in logged)
    assert "device unplugged" in logged[1][1]["message"]


def test_start_fails_clearly_when_the_backend_refuses(english):
    def refuse(*args):
        raise RuntimeError("'obs' backend: virtual camera output could not be started")

    out = VirtualCamera(OutputContext(program=Signal()), open_camera=refuse)
    with pytest.raises(VirtualCameraUnavailable, match="could not be started"):
        out.start()


@pytest.mark.skipif(LOOPBACK_MISSING is not None, reason=f"not run: {LOOPBACK_MISSING}")
def test_real_v4l2loopback_round_trip():
    import cv2

    program = Signal("program")
    out = VirtualCamera(OutputContext(program=program), size=(320, 180), backend="v4l2loopback")
    out.start()
    try:
        device = out.status().detail["device"]
        image = np.zeros((180, 320, 3), np.uint8)
        image[:, :160] = (0, 0, 255)  # left half red (BGR)
        reader = cv2.VideoCapture(device)
        got, sent = [], iter(range(10**6))

        def read_back() -> bool:
            i = next(sent)
            program.emit(Frame(image, i, float(i)))
            ok, frame = reader.read()
            if ok and frame is not None:
                got.append(frame)
            return bool(got)

        try:
            wait_until(read_back, interval=0.05, what="a frame read back from the loopback device")
        finally:
            reader.release()
    finally:
        out.stop()
    assert got[0][90, 40, 2] > 180 and got[0][90, 280, 2] < 80
