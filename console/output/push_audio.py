"""The push output's sound: the microphone (microphone.py), or silence when there is none.

Both sources are read by the encoder thread with `read_until(t)`: every sample up to monotonic
time `t`, so audio and video share one clock (A/V sync). Silence simply produces as many zero
samples as time has passed, so a machine without an input device (a CI box, a server) still
sends the audio track platforms require, and the host is told it is silent and why.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from console.i18n import pick

from .mic_reopen import ReopeningMicrophone
from .microphone import CHANNELS, SAMPLE_RATE, MicrophoneError

log = logging.getLogger(__name__)


class SilenceSource:
    kind = "silence"

    def __init__(self, reason: str = "") -> None:
        self.reason = reason
        self._t0: float | None = None
        self._sent = 0

    def start(self, t0: float) -> None:
        self._t0, self._sent = t0, 0

    def read_until(self, t: float) -> np.ndarray:
        assert self._t0 is not None, "start() first"
        due = int((t - self._t0) * SAMPLE_RATE)
        n = min(max(0, due - self._sent), SAMPLE_RATE)  # at most 1 s a call: catches up, never balloons
        self._sent += n
        return np.zeros((n, CHANNELS), np.float32)

    def stop(self) -> None:
        pass


def open_audio(device: int | str | None = None, *, enabled: bool = True):
    """The microphone when one is there, else silence with the reason (for the host)."""
    if not enabled:
        return SilenceSource(pick("Microphone off in the settings: the stream carries silence.",
                                  "设置中关闭了麦克风：推流为静音。"))
    try:
        return ReopeningMicrophone(device)
    except MicrophoneError as exc:  # no device, or not the one named: said with what there is
        log.info("no microphone: %s", exc)
        return SilenceSource(str(exc))
    except Exception as exc:  # noqa: BLE001 — no PortAudio, device busy, refused format: all mean silence
        log.info("microphone %r could not open (%s): pushing silence", device, exc)
        return SilenceSource(pick(f"The microphone could not be opened ({exc}): the stream carries silence.",
                                  f"无法打开麦克风（{exc}）：推流为静音。"))


class AudioTee:
    """One capture, several encoders (one per output format): each reader gets every sample."""

    def __init__(self, source) -> None:
        self.source = source
        self._lock = threading.Lock()
        self._pending: list[list[np.ndarray]] = []
        self._started = False
        self._live = 0

    @property
    def kind(self) -> str:
        return self.source.kind  # "microphone" turns "silence" when the device goes

    @property
    def reason(self) -> str:
        return getattr(self.source, "reason", "")

    def reader(self) -> "_TeeReader":
        with self._lock:
            self._pending.append([])
            return _TeeReader(self, len(self._pending) - 1)

    def _start(self, t0: float) -> None:
        with self._lock:
            self._live += 1
            if not self._started:
                self._started = True
                self.source.start(t0)

    def _read(self, index: int, t: float) -> np.ndarray:
        with self._lock:
            data = self.source.read_until(t)
            for i, pending in enumerate(self._pending):
                if i != index and len(data):
                    pending.append(data)
                    if len(pending) > 400:  # a reader that stopped reading: keep ~8 s at most
                        del pending[0]
            own, self._pending[index] = self._pending[index], []
        return np.concatenate([*own, data]) if own else data

    def _stop(self) -> None:
        with self._lock:
            self._live -= 1
            last = self._live == 0 and self._started
        if last:
            self.source.stop()


class _TeeReader:
    def __init__(self, tee: AudioTee, index: int) -> None:
        self._tee, self._index = tee, index

    @property
    def kind(self) -> str:
        return self._tee.kind

    def start(self, t0: float) -> None:
        self._tee._start(t0)

    def read_until(self, t: float) -> np.ndarray:
        return self._tee._read(self._index, t)

    def stop(self) -> None:
        self._tee._stop()
