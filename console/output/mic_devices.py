"""Which microphones this computer has, and which one `[push] microphone` means.

The setting is a device name (or part of one, as the system lists it: "USB Audio", "MacBook Pro
Microphone", "Microphone Array (Realtek…)") or an index; empty means the system's default input.
A name that matches nothing is an error in the host's words that lists the inputs there are.
PortAudio reads the device list once when it starts; `list_inputs(rescan=True)` reads it again
(a microphone plugged in after the console started) — but only while no stream is open, since
restarting PortAudio would end it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from console.i18n import pick

log = logging.getLogger(__name__)
_open_streams = 0
_lock = threading.Lock()


class MicrophoneError(RuntimeError):
    """No usable microphone, said in the host's words (with what there is instead)."""


@dataclass(frozen=True)
class Input:
    index: int
    name: str
    hostapi: str
    channels: int
    default: bool


def _sd():
    import sounddevice as sd  # lazy: PortAudio is loaded on import (and may be missing)

    return sd


def list_inputs(*, rescan: bool = False) -> list[Input]:
    """The input devices, the system default first. Raises MicrophoneError when PortAudio is
    missing."""
    try:
        sd = _sd()
    except OSError as exc:  # the PortAudio library itself is not installed
        raise MicrophoneError(pick(f"Sound input is unavailable: PortAudio is missing ({exc}).",
                                   f"无法使用声音输入：缺少 PortAudio（{exc}）。")) from exc
    if rescan:
        with _lock:
            if _open_streams == 0:
                sd._terminate()
                sd._initialize()
    apis = [a["name"] for a in sd.query_hostapis()]
    default = sd.default.device[0] if isinstance(sd.default.device[0], int) else -1
    if default is None or default < 0:
        try:
            default = int(sd.query_devices(kind="input")["index"])
        except Exception:  # noqa: BLE001 — no default input at all
            default = -1
    found = [Input(int(d["index"]), str(d["name"]), apis[d["hostapi"]], int(d["max_input_channels"]), int(d["index"]) == default)
             for d in sd.query_devices() if int(d["max_input_channels"]) > 0]
    return sorted(found, key=lambda d: not d.default)


def _names(inputs: list[Input]) -> str:
    return ", ".join(f"“{d.name}”" for d in inputs) or pick("none", "无")


def find_input(device: int | str | None) -> tuple[int, dict]:
    """(PortAudio index, device info) for the setting's value; MicrophoneError saying what is
    there instead when it names nothing usable."""
    inputs = list_inputs()
    sd = _sd()
    if device is None or (isinstance(device, str) and not device.strip()):
        default = next((d for d in inputs if d.default), None)
        if default is None:
            raise MicrophoneError(pick("No microphone found on this computer: the stream carries silence. "
                                       "Plug one in, then pick it under Microphone.",
                                       "这台电脑上没有找到麦克风：推流为静音。请插入麦克风，然后在“麦克风”中选择。"))
        return default.index, sd.query_devices(default.index)
    if isinstance(device, bool):
        device = str(device)
    wanted = device.strip() if isinstance(device, str) else device
    if isinstance(wanted, str) and wanted.isdigit():
        wanted = int(wanted)
    if isinstance(wanted, int):
        match = [d for d in inputs if d.index == wanted]
    else:
        low = wanted.lower()
        match = [d for d in inputs if d.name.lower() == low] or [d for d in inputs if low in d.name.lower()]
    if not match:
        raise MicrophoneError(pick(
            f"The microphone “{device}” (settings: [push] microphone) is not on this computer. "
            f"Inputs here: {_names(inputs)}. Pick one under Microphone, or clear the setting for the "
            "system's default.",
            f"找不到麦克风“{device}”（设置：[push] microphone）。这台电脑上的输入设备：{_names(inputs)}。"
            "请在“麦克风”中选择一个，或清空该设置以使用系统默认输入。"))
    return match[0].index, sd.query_devices(match[0].index)


def opened() -> None:
    global _open_streams
    with _lock:
        _open_streams += 1


def closed() -> None:
    global _open_streams
    with _lock:
        _open_streams = max(0, _open_streams - 1)
