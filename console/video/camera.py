"""The camera: which source feeds the program video, its status, and switching sources.

Owns the capture thread. Switching starts the new source at once and retires the old capture
thread on a helper thread (joining it can take up to 2 s while a device closes), so the GUI
thread never waits for a camera. On macOS an index source needs the host's permission first; it
is asked on the calling (main) thread, as AVFoundation requires, and a refusal falls back to the
demo camera with a note saying where to allow it.

Status changes are announced on `status_changed` from the capture thread.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

from console.core.signal import Signal
from console.i18n import pick

from .capture import DEMO, CameraError, CameraStatus, CaptureThread, describe, parse_source, webcam_available
from .frames import Frame, LatestSlot

log = logging.getLogger(__name__)


def resolve_camera(spec: str) -> str | int:
    """"auto" means the webcam when there is one, else the demo camera (so a host without a
    camera, a CI machine or a rehearsal laptop still sees a face to try products on)."""
    if spec == "auto":
        return 0 if webcam_available(0) else DEMO
    return parse_source(spec)


def camera_allowed(source: str | int, note: Callable[[str], None]) -> bool:
    """macOS asks the host once for camera access, on the main thread, before OpenCV opens the
    device. Demo and file sources need no permission."""
    if not isinstance(source, int):
        return True
    from console.platform_macos import SETTINGS_HINT_EN, SETTINGS_HINT_ZH, request_camera_access

    if request_camera_access():
        return True
    note(pick(f"Camera access is not allowed. {SETTINGS_HINT_EN} Showing the demo camera meanwhile.",
              f"没有摄像头权限。{SETTINGS_HINT_ZH} 暂时显示演示摄像头。"))
    return False


class Camera:
    def __init__(self, spec: str, slot: LatestSlot[Frame], note: Callable[[str], None], *,
                 width: int = 1280, height: int = 720,
                 make_capture: Callable[..., CaptureThread] = CaptureThread) -> None:
        self.slot = slot
        self._note = note
        self._size = (width, height)
        self._make = make_capture
        self.status_changed = Signal("camera.status")
        """(CameraStatus) from the capture thread."""
        try:
            self.source: str | int = resolve_camera(spec)
        except CameraError as exc:
            note(pick(f"{exc} Showing the demo camera instead.", f"{exc} 改用演示摄像头。"))
            self.source = DEMO
        self.status = CameraStatus("starting", describe(self.source))
        self.capture = self._new_capture(self.source)
        self._retiring: list[threading.Thread] = []

    def _new_capture(self, source: str | int) -> CaptureThread:
        holder: list[CaptureThread] = []
        capture = self._make(source, self.slot, lambda status: self._on_status(holder[0], status),
                             width=self._size[0], height=self._size[1])
        holder.append(capture)
        return capture

    GIVE_UP_AFTER = 3
    """Failed opens/reads of a source that never gave a picture before the demo camera takes over."""

    def _on_status(self, capture: CaptureThread, status: CameraStatus) -> None:
        if capture is not self.capture:  # the retired source saying "stopped" is old news
            return
        self.status = status
        self.status_changed.emit(status)
        # `--camera 99` or a file that is not a video: never a single picture. Say so and show
        # the demo camera instead of retrying on a black program forever. A camera that did
        # give pictures and then went away keeps retrying (it is probably coming back).
        if status.state in ("retrying", "lost") and capture.frames == 0 and capture.source != DEMO:
            self._failures = getattr(self, "_failures", 0) + 1
            if self._failures == self.GIVE_UP_AFTER:
                self._note(pick(
                    f"{describe(capture.source)} gave no picture after {self.GIVE_UP_AFTER} tries "
                    f"({status.message}). Showing the demo camera instead; pick another camera in the Camera menu.",
                    f"{describe(capture.source)} 尝试 {self.GIVE_UP_AFTER} 次仍没有画面（{status.message}）。"
                    "已改用演示摄像头；可在“摄像头”菜单中选择其他摄像头。"))
                threading.Thread(target=self.switch, args=(DEMO,), name="camera-fallback", daemon=True).start()

    def start(self) -> None:
        if not camera_allowed(self.source, self._note):
            self.source = DEMO
            self.capture = self._new_capture(DEMO)
        self.capture.start()

    def switch(self, spec: str | int) -> bool:
        """Change the source; the pipeline keeps running and picks up the new frames. Returns
        at once: the old capture thread is joined on a helper thread."""
        try:
            source = parse_source(spec)
        except CameraError as exc:
            self._note(str(exc))
            return False
        if not camera_allowed(source, self._note):
            return False
        old = self.capture
        self._failures = 0
        old.request_stop()  # stop reading now; the join (device close) happens off this thread
        self.source = source
        self.capture = self._new_capture(source)
        self.capture.start()
        retire = threading.Thread(target=old.stop, name="camera-retire", daemon=True)
        retire.start()
        self._retiring = [t for t in self._retiring if t.is_alive()] + [retire]
        return True

    def stop(self, timeout: float = 2.0) -> None:
        self.capture.stop(timeout)
        for t in self._retiring:
            t.join(timeout)
