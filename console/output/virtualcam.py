"""The virtual camera output: the program frames as a webcam other apps can pick.

With it the host chooses "Live Console" (OBS Virtual Camera on Windows/macOS, a v4l2loopback
device on Linux) as the camera in 直播伴侣, OBS or TikTok LIVE Studio, and the viewers see the
try-on and overlays exactly as the preview shows them. Sent through `pyvirtualcam` on its own
thread, fed from the program Signal through a latest-frame-wins slot (a slow consumer drops
stale frames, never delays the pipeline). When the output size changes (16:9 ↔ 9:16) the device
is reopened at the new size.

When no backend is installed, `start()` raises `VirtualCameraUnavailable` with what to install
on this system, in the host's words; the OutputManager tells the host and the session goes on.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any, Callable

import numpy as np

from console.core import actions
from console.i18n import pick
from console.video.frames import Frame, LatestSlot

from .registry import OutputContext, OutputStatus, OutputUnavailable, register

log = logging.getLogger(__name__)

DEFAULT_SIZE = (1280, 720)


class VirtualCameraUnavailable(OutputUnavailable):
    """No virtual-camera backend on this machine; the message says what to install."""


def guidance(platform: str | None = None, detail: str = "") -> str:
    """What the host must install for a virtual camera on `platform` (sys.platform)."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        text = pick(
            "No virtual camera is installed. Install OBS Studio (version 28 or newer; it includes "
            "“OBS Virtual Camera”), then turn the virtual camera on again and choose “OBS Virtual Camera” "
            "as the camera in 直播伴侣, OBS or TikTok LIVE Studio.",
            "未安装虚拟摄像头。请安装 OBS Studio（28 或更新版本，自带“OBS Virtual Camera”虚拟摄像头），"
            "然后重新开启虚拟摄像头，并在直播伴侣、OBS 或 TikTok LIVE Studio 中选择“OBS Virtual Camera”作为摄像头。",
        )
    elif platform == "darwin":
        text = pick(
            "No virtual camera is installed. Install OBS Studio (version 30 or newer), start its "
            "Virtual Camera once and allow the system extension (System Settings → Privacy & Security), "
            "then turn the virtual camera on again here.",
            "未安装虚拟摄像头。请安装 OBS Studio（30 或更新版本），在其中启动一次“虚拟摄像头”并允许系统扩展"
            "（系统设置 → 隐私与安全性），然后在这里重新开启虚拟摄像头。",
        )
    else:
        text = pick(
            "No virtual camera device was found. Load the v4l2loopback kernel module: "
            "`sudo apt install v4l2loopback-dkms` and then "
            "`sudo modprobe v4l2loopback exclusive_caps=1 card_label=\"Live Console\"`, "
            "then turn the virtual camera on again.",
            "未找到虚拟摄像头设备。请加载 v4l2loopback 内核模块：先运行 `sudo apt install v4l2loopback-dkms`，"
            "再运行 `sudo modprobe v4l2loopback exclusive_caps=1 card_label=\"Live Console\"`，然后重新开启虚拟摄像头。",
        )
    if detail:
        text += pick(f" (Details: {detail})", f"（详情：{detail}）")
    return text


def _default_factory() -> Callable[..., Any]:
    try:
        import pyvirtualcam
    except ImportError as exc:  # a broken install, not a missing OBS
        raise VirtualCameraUnavailable(pick(
            f"The virtual camera component (pyvirtualcam) is missing from this installation ({exc}); reinstall Live Console.",
            f"此安装缺少虚拟摄像头组件（pyvirtualcam）（{exc}）；请重新安装 Live Console。")) from exc

    def open_camera(width: int, height: int, fps: float, backend: str | None, device: str | None):
        return pyvirtualcam.Camera(width=width, height=height, fps=fps, fmt=pyvirtualcam.PixelFormat.BGR,
                                   backend=backend, device=device)

    return open_camera


@register
class VirtualCamera:
    key = "virtualcam"
    label_en, label_zh = "Virtual camera", "虚拟摄像头"

    def __init__(self, context: OutputContext, *, backend: str | None = None, device: str | None = None,
                 size: tuple[int, int] | None = None, fps: float | None = None,
                 open_camera: Callable[..., Any] | None = None) -> None:
        self.context = context
        self.backend, self.device = backend, device
        self.fps = fps or context.fps
        self._size = size or DEFAULT_SIZE
        self._open_camera = open_camera
        self._slot: LatestSlot[Frame] = LatestSlot()
        self._camera: Any = None
        self._thread = threading.Thread(target=self._run, name="output-virtualcam", daemon=True)
        self._state, self._message = "off", ""
        self.frames = 0
        self._times: list[float] = []

    # -- Output ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Open the device now, so a missing backend is said at once (VirtualCameraUnavailable)."""
        opener = self._open_camera or _default_factory()
        self._open_camera = opener
        self._camera = self._open(*self._size)
        self._set_state("running", "")
        self.context.program.connect(self._slot.put)
        self._thread.start()

    def stop(self) -> None:
        self.context.program.disconnect(self._slot.put)
        self._slot.close()
        if self._thread.is_alive():
            self._thread.join(5)
        self._close_camera()
        self._set_state("off", "")

    def _set_state(self, state: str, message: str) -> None:
        """Every change goes to the session log (like the push output's), problems to the host."""
        if (state, message) == (self._state, self._message):
            return
        self._state, self._message = state, message
        self.context.log_action(actions.OUTPUT_STATUS, {
            "output": self.key, "state": state, "message": message,
            "device": getattr(self._camera, "device", "") if self._camera is not None else "",
            "size": f"{self._size[0]}x{self._size[1]}", "frames": self.frames})
        if message:
            self.context.note(message)

    def status(self) -> OutputStatus:
        times = self._times[-60:]
        fps = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0
        device = getattr(self._camera, "device", "") if self._camera is not None else ""
        return OutputStatus(self._state, self._message, fps=fps, frames=self.frames, dropped=self._slot.dropped,
                            detail={"device": device, "size": f"{self._size[0]}x{self._size[1]}"})

    # -- the sending thread ---------------------------------------------------------------------
    def _open(self, width: int, height: int) -> Any:
        try:
            camera = self._open_camera(width, height, self.fps, self.backend, self.device)
        except VirtualCameraUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 — every backend says "not found" in its own way
            raise VirtualCameraUnavailable(guidance(detail=str(exc))) from exc
        self._size = (width, height)
        log.info("virtual camera on %s at %dx%d", getattr(camera, "device", "?"), width, height)
        return camera

    def _close_camera(self) -> None:
        camera, self._camera = self._camera, None
        if camera is not None:
            try:
                camera.close()
            except Exception:  # noqa: BLE001
                log.exception("closing the virtual camera failed")

    def _run(self) -> None:
        while not self._slot.closed:
            frame = self._slot.take(timeout=0.2)
            if frame is None:
                continue
            image = frame.image
            height, width = image.shape[:2]
            try:
                if (width, height) != self._size or self._camera is None:
                    self._close_camera()  # output aspect switched: the device takes the new size
                    self._camera = self._open(width, height)
                self._camera.send(np.ascontiguousarray(image))
            except Exception as exc:  # noqa: BLE001 — the device went away; the show goes on
                self._close_camera()
                message = str(exc) if isinstance(exc, VirtualCameraUnavailable) else guidance(detail=str(exc))
                self._set_state("failed", message)  # said once, not 30 times a second
                time.sleep(1.0)  # retry on a later frame
                continue
            if self._state != "running":
                self._set_state("running", "")
            self.frames += 1
            self._times.append(time.monotonic())
            if len(self._times) > 120:
                del self._times[:60]
