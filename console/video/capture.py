"""Camera capture on its own thread.

Sources: a device index, a video file path (looped, paced to its frame rate) or "demo" (the
animated portrait). If the device fails or disappears the thread reports it, keeps retrying with
backoff, and the rest of the app keeps running; the view shows a placeholder meanwhile.
"""

from __future__ import annotations

from console.messages import M, Message

import logging
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from .demo_camera import DemoCamera
from .frames import Frame, LatestSlot

log = logging.getLogger(__name__)

DEMO = "demo"


@dataclass(frozen=True, slots=True)
class CameraStatus:
    state: str
    """"starting" | "ok" | "lost" | "retrying" | "stopped"."""
    source: str
    """The source's name in English (for the log)."""
    msg: Message | None = None

    @property
    def message(self) -> str:
        """What went wrong, in English (the session log keeps this)."""
        return self.msg.text("en") if self.msg is not None else ""

    def text(self) -> str:
        """What went wrong, in the host's interface language."""
        return self.msg.text() if self.msg is not None else ""


class CameraError(RuntimeError):
    """str(error) is in the interface language; `.msg` keeps the key for the log."""

    def __init__(self, msg: Message) -> None:
        super().__init__(msg.key)
        self.msg = msg

    def __str__(self) -> str:
        return self.msg.text()


def parse_source(spec: str | int) -> str | int:
    """"demo" | device index (int) | file path (str). Raises CameraError for a missing file."""
    if isinstance(spec, int):
        return spec
    text = str(spec).strip()
    if text.lower() == DEMO:
        return DEMO
    if text.isdigit():
        return int(text)
    if not Path(text).exists():
        raise CameraError(M("camera.no_source", name=repr(text)))
    return text


def name_of(source: str | int) -> Message | str:
    """The source as the host reads it ("Demo camera" / "演示摄像头", "Camera 0", a file name)."""
    if source == DEMO:
        return M("camera.demo")
    if isinstance(source, int):
        return M("camera.index", index=source)
    return Path(source).name


def describe(source: str | int) -> str:
    name = name_of(source)
    return name.text("en") if isinstance(name, Message) else name


class _DemoReader:
    def __init__(self, width: int, height: int, fps: float) -> None:
        self._camera = DemoCamera(width, height)
        self.fps = fps

    def read(self) -> np.ndarray | None:
        return self._camera.read()

    def close(self) -> None:
        pass


class _OpenCVReader:
    def __init__(self, source: int | str, width: int, height: int) -> None:
        self._is_file = isinstance(source, str)
        self._cap = cv2.VideoCapture(source)
        if not self._cap.isOpened():
            self._cap.release()
            raise CameraError(M("camera.cannot_open", source=name_of(source)))
        if not self._is_file:
            self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        file_fps = self._cap.get(cv2.CAP_PROP_FPS) if self._is_file else 0.0
        # Devices pace themselves; files would be read as fast as the disk allows.
        self.fps = file_fps if file_fps and file_fps > 0 else (30.0 if self._is_file else None)

    def read(self) -> np.ndarray | None:
        ok, image = self._cap.read()
        if not ok and self._is_file:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, image = self._cap.read()
        return image if ok else None

    def close(self) -> None:
        self._cap.release()


def open_reader(source: str | int, width: int = 1280, height: int = 720, fps: float = 30.0):
    if source == DEMO:
        return _DemoReader(width, height, fps)
    return _OpenCVReader(source, width, height)


def webcam_available(index: int = 0) -> bool:
    """Cheap check for a real webcam, used to pick the demo camera when there is none."""
    # On Linux a missing /dev/videoN settles it without OpenCV printing open errors.
    if sys.platform.startswith("linux") and not Path(f"/dev/video{index}").exists():
        return False
    cap = cv2.VideoCapture(index)
    try:
        return bool(cap.isOpened())
    finally:
        cap.release()


def list_devices(max_index: int = 5) -> list[int]:
    """Indices that open. Slow on some systems: call from a worker thread."""
    return [i for i in range(max_index) if webcam_available(i)]


class CaptureThread(threading.Thread):
    MAX_FAILED_READS = 15

    def __init__(
        self,
        source: str | int,
        out: LatestSlot[Frame],
        on_status: Callable[[CameraStatus], None] | None = None,
        *,
        width: int = 1280,
        height: int = 720,
        fps: float = 30.0,
        opener: Callable[..., object] = open_reader,
    ) -> None:
        super().__init__(name="camera-capture", daemon=True)
        self.source = source
        self.out = out
        self._on_status = on_status or (lambda status: None)
        self._size = (width, height)
        self._fps = fps
        self._opener = opener
        self._stop_event = threading.Event()
        self.frames = 0
        self.status = CameraStatus("starting", describe(source))

    def request_stop(self) -> None:
        """Stop reading soon, without waiting (the caller may join later, elsewhere)."""
        self._stop_event.set()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout)

    def _report(self, state: str, msg: Message | None = None) -> None:
        self.status = CameraStatus(state, describe(self.source), msg)
        try:
            self._on_status(self.status)
        except Exception:  # noqa: BLE001 — a broken listener must not kill capture
            log.exception("camera status listener failed")

    def run(self) -> None:
        backoff = 0.5
        while not self._stop_event.is_set():
            try:
                reader = self._opener(self.source, *self._size, self._fps)
            except Exception as exc:  # noqa: BLE001 — any open failure means retry later
                self._report("retrying", M("camera.retrying", seconds=f"{backoff:.0f}",
                                             error=exc.msg if isinstance(exc, CameraError) else str(exc)))
                if self._stop_event.wait(backoff):
                    break
                backoff = min(backoff * 2, 5.0)
                continue
            self._report("ok")
            backoff = 0.5
            try:
                self._pump(reader)
            finally:
                reader.close()
        self._report("stopped")

    def _pump(self, reader) -> None:
        failed = 0
        period = 1.0 / reader.fps if reader.fps else 0.0
        next_due = time.monotonic()
        while not self._stop_event.is_set():
            if period:
                delay = next_due - time.monotonic()
                if delay > 0 and self._stop_event.wait(delay):
                    return
                next_due = max(next_due + period, time.monotonic() - period)
            image = reader.read()
            if image is None:
                failed += 1
                if failed >= self.MAX_FAILED_READS:
                    self._report("lost", M("camera.lost", source=name_of(self.source)))
                    return
                self._stop_event.wait(0.02)
                continue
            failed = 0
            self.frames += 1
            self.out.put(Frame(image, self.frames, time.monotonic(), describe(self.source)))
