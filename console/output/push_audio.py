"""The push output's sound: the microphone through `sounddevice`, or silence when there is none.

Both sources are read by the encoder thread with `read_until(t)`: every sample up to monotonic
time `t`, so audio and video share one clock (A/V sync). The microphone's PortAudio callback
stamps each block with its capture time (`inputBufferAdcTime` mapped onto time.monotonic); the
first block fixes where sample 0 sits on that clock, and from then on the sample count is the
audio clock — dropping nothing and inventing nothing keeps it continuous. Silence simply produces
as many zero samples as time has passed, so a machine without an input device (a CI box, a
server) still sends the audio track platforms require, and the host is told it is silent.
"""

from __future__ import annotations

import collections
import logging
import threading
import time

import numpy as np

from console.i18n import pick

log = logging.getLogger(__name__)
SAMPLE_RATE = 48_000
CHANNELS = 2


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


class MicrophoneSource:
    kind = "microphone"
    MAX_BACKLOG_S = 2.0

    def __init__(self, device: int | str | None = None) -> None:
        import sounddevice as sd  # lazy: PortAudio is loaded on import

        self._sd = sd
        info = sd.query_devices(device, "input")
        self.name = str(info["name"])
        self._channels = min(CHANNELS, int(info["max_input_channels"]))
        self._blocks: collections.deque[np.ndarray] = collections.deque()
        self._lock = threading.Lock()
        self._first_adc: float | None = None
        self._t0 = 0.0
        self._started = False
        self.overflows = 0
        self._stream = sd.InputStream(device=device, channels=self._channels, samplerate=SAMPLE_RATE,
                                      dtype="float32", blocksize=1024, callback=self._callback)

    def _callback(self, data, frames, when, status) -> None:  # PortAudio thread
        if status.input_overflow:
            self.overflows += 1
        block = data if self._channels == CHANNELS else np.repeat(data, CHANNELS, axis=1)
        with self._lock:
            if self._first_adc is None:
                # Stream time → monotonic: both tick in seconds; the offset is fixed once. Some
                # host APIs report no ADC time (0): then the block ended about now.
                adc = when.inputBufferAdcTime
                ago = self._stream.time - adc if adc > 0 else frames / SAMPLE_RATE
                self._first_adc = time.monotonic() - max(0.0, ago)
            self._blocks.append(block.copy())
            while len(self._blocks) * 1024 > self.MAX_BACKLOG_S * SAMPLE_RATE:
                self._blocks.popleft()  # the encoder stalled; never grow without bound

    def start(self, t0: float) -> None:
        self._t0 = t0
        self._stream.start()
        self._started = True

    def read_until(self, t: float) -> np.ndarray:
        with self._lock:
            blocks, self._blocks = list(self._blocks), collections.deque()
            first = self._first_adc
        out = np.concatenate(blocks) if blocks else np.zeros((0, CHANNELS), np.float32)
        if first is not None and not getattr(self, "_lead_done", False):
            # Silence from the encoder's start to the first microphone sample keeps sync.
            self._lead_done = True
            lead = max(0, int((first - self._t0) * SAMPLE_RATE))
            out = np.concatenate([np.zeros((lead, CHANNELS), np.float32), out])
        return out

    def stop(self) -> None:
        if self._started:
            self._stream.stop()
        self._stream.close()


def open_audio(device: int | str | None = None, *, enabled: bool = True):
    """The microphone when one is there, else silence with the reason (for the host)."""
    if not enabled:
        return SilenceSource(pick("Microphone off in the settings: the stream carries silence.",
                                  "设置中关闭了麦克风：推流为静音。"))
    try:
        return MicrophoneSource(device)
    except Exception as exc:  # noqa: BLE001 — no PortAudio, no device, device busy: all mean silence
        log.info("no microphone (%s): pushing silence", exc)
        return SilenceSource(pick("No microphone found: the stream carries silence.",
                                  "未找到麦克风：推流为静音。"))


class AudioTee:
    """One capture, several encoders (one per output format): each reader gets every sample."""

    def __init__(self, source) -> None:
        self.source = source
        self.kind = source.kind
        self.reason = getattr(source, "reason", "")
        self._lock = threading.Lock()
        self._pending: list[list[np.ndarray]] = []
        self._started = False
        self._live = 0

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
        self.kind = tee.kind

    def start(self, t0: float) -> None:
        self._tee._start(t0)

    def read_until(self, t: float) -> np.ndarray:
        return self._tee._read(self._index, t)

    def stop(self) -> None:
        self._tee._stop()
