"""macOS camera permission, asked for on the main thread before OpenCV opens the device.

macOS shows its camera prompt only for the app's own request (the text comes from
NSCameraUsageDescription in Info.plist). If OpenCV opens the camera first, the open simply fails
while the prompt is still up, and the host sees a black picture. So the app asks here, waits for
the answer, and only then starts capture.

Uses AVFoundation through PyObjC (`pyobjc-framework-AVFoundation`, a macOS-only dependency). On
other systems, or if PyObjC is missing, it returns True and leaves the camera to OpenCV.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

# AVAuthorizationStatus values
NOT_DETERMINED, RESTRICTED, DENIED, AUTHORIZED = 0, 1, 2, 3
STATUS_NAMES = {NOT_DETERMINED: "not asked yet", RESTRICTED: "restricted", DENIED: "denied", AUTHORIZED: "allowed"}
SETTINGS_HINT_EN = "Allow Live Console in System Settings > Privacy & Security > Camera, then restart it."
SETTINGS_HINT_ZH = "请在“系统设置 > 隐私与安全性 > 摄像头”中允许 Live Console，然后重新打开。"


def _avfoundation() -> Any | None:
    if sys.platform != "darwin":
        return None
    try:
        import AVFoundation  # type: ignore[import-not-found]
    except ImportError:
        log.warning("PyObjC AVFoundation is not installed; the camera prompt is left to OpenCV")
        return None
    return AVFoundation


def camera_access_status(av: Any | None = None) -> str:
    """'allowed', 'denied', 'restricted', 'not asked yet', or 'not applicable' off macOS."""
    av = av if av is not None else _avfoundation()
    if av is None:
        return "not applicable"
    status = int(av.AVCaptureDevice.authorizationStatusForMediaType_(av.AVMediaTypeVideo))
    return STATUS_NAMES.get(status, f"unknown ({status})")


def _pump_main_run_loop(seconds: float) -> None:
    """Let the main thread's run loop turn while waiting, so the system prompt can be drawn."""
    try:
        from Foundation import NSDate, NSRunLoop  # type: ignore[import-not-found]
    except ImportError:
        time.sleep(seconds)
        return
    NSRunLoop.currentRunLoop().runUntilDate_(NSDate.dateWithTimeIntervalSinceNow_(seconds))


def request_camera_access(timeout: float = 120.0, av: Any | None = None, pump=None) -> bool:
    """True when the app may use the camera. Call on the main thread before opening it.

    Shows the system prompt the first time (and waits up to `timeout` seconds for the host to
    answer); afterwards answers at once from the stored decision. `av` and `pump` are for tests.
    """
    av = av if av is not None else _avfoundation()
    if av is None:
        return True
    media = av.AVMediaTypeVideo
    status = int(av.AVCaptureDevice.authorizationStatusForMediaType_(media))
    if status == AUTHORIZED:
        return True
    if status in (DENIED, RESTRICTED):
        log.warning("camera access %s. %s", STATUS_NAMES[status], SETTINGS_HINT_EN)
        return False

    answered = threading.Event()
    granted: list[bool] = []

    def on_answer(ok: bool) -> None:  # called by AVFoundation on one of its own queues
        granted.append(bool(ok))
        answered.set()

    av.AVCaptureDevice.requestAccessForMediaType_completionHandler_(media, on_answer)
    pump = pump or _pump_main_run_loop
    deadline = time.monotonic() + timeout
    while not answered.is_set() and time.monotonic() < deadline:
        pump(0.05)
    if not answered.is_set():
        log.warning("no answer to the camera prompt within %.0f s", timeout)
        return False
    if not granted[0]:
        log.warning("camera access refused. %s", SETTINGS_HINT_EN)
    return granted[0]
