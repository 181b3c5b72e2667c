"""Audio/video offset, measured on the stream a viewer receives (`bench output --mic DEVICE`).

A `BeepPlayer` plays a short beep into the microphone at every whole `period` of time.monotonic
— through the output device, its start placed by PortAudio's `outputBufferDacTime` (when the
sample leaves for the speaker / the sound server), so each beep's onset time is known on the
same clock the camera stamps frames with. The bench's player process finds each beep's onset in
the decoded audio (`OnsetFinder`, stream time) and the stream time of the video frame captured
at that instant (frame-stamped; interpolated between the two frames around it). Their difference
is the offset a viewer sees: positive when the sound comes late. Lip sync holds within about
+45 ms (sound early) … −125 ms (sound late) (ITU-R BT.1359).

With `--mic virtual` the beeps go into a private PulseAudio null sink whose monitor is the
microphone (console/cli/virtual_mic.py); with a real device they go to the default output, and
the microphone must hear the speaker (the sound's flight adds ~3 ms a metre).
"""

from __future__ import annotations

import math
import threading
import time

import numpy as np

SAMPLE_RATE = 48_000


class BeepPlayer:
    def __init__(self, device=None, *, period_s: float = 1.0, beep_s: float = 0.06, hz: float = 2000.0,
                 amplitude: float = 0.5) -> None:
        import sounddevice as sd

        self.period_s, self.beep_s, self.hz, self.amplitude = period_s, beep_s, hz, amplitude
        self.onsets: list[float] = []
        """Monotonic times at which a beep's first sample was played."""
        self.underruns = 0
        self._lock = threading.Lock()
        self._stream = sd.OutputStream(device=device, channels=2, samplerate=SAMPLE_RATE, dtype="float32",
                                       blocksize=960, latency=0.06, callback=self._callback)

    def _callback(self, out, frames, when, status) -> None:
        now = time.monotonic()
        if status.output_underflow:
            self.underruns += 1
        ahead = when.outputBufferDacTime - when.currentTime
        if when.outputBufferDacTime <= 0 or not 0 <= ahead < 1.0:  # no stamp from this host API
            ahead = float(self._stream.latency)
        first = now + ahead
        t = first + np.arange(frames) / SAMPLE_RATE
        since = np.mod(t, self.period_s)
        wave = np.where(since < self.beep_s, self.amplitude * np.sin(2 * np.pi * self.hz * since), 0.0)
        out[:] = wave.astype(np.float32)[:, None]
        k = math.ceil(first / self.period_s)
        with self._lock:
            while k * self.period_s < first + frames / SAMPLE_RATE:
                self.onsets.append(k * self.period_s)
                k += 1

    def start(self) -> "BeepPlayer":
        self._stream.start()
        return self

    def stop(self) -> None:
        self._stream.stop()
        self._stream.close()

    def onsets_between(self, t0: float, t1: float) -> list[float]:
        with self._lock:
            return [t for t in self.onsets if t0 <= t < t1]


class OnsetFinder:
    """Beep onsets (stream seconds) in decoded audio, fed frame by frame: the first sample above
    `threshold` after at least `quiet_s` below it."""

    def __init__(self, threshold: float = 0.1, quiet_s: float = 0.3) -> None:
        self.threshold, self.quiet = threshold, int(quiet_s * SAMPLE_RATE)
        self.onsets: list[float] = []
        self._since_loud = self.quiet

    def feed(self, samples: np.ndarray, start_s: float, rate: int = SAMPLE_RATE) -> None:
        loud = np.flatnonzero(np.abs(samples) > self.threshold)
        if not len(loud):
            self._since_loud += len(samples)
            return
        gaps = np.diff(np.concatenate([[-self._since_loud - 1], loud]))
        for i in loud[gaps > self.quiet]:
            self.onsets.append(start_s + i / rate)
        self._since_loud = len(samples) - 1 - loud[-1]


def video_time_at(t: float, frames: list[tuple[float, float]]) -> float | None:
    """Stream time of the picture captured at monotonic `t`, from (capture time, stream time)
    pairs sorted by capture time: interpolated between the frames around it."""
    for (c0, s0), (c1, s1) in zip(frames, frames[1:]):
        if c0 <= t <= c1 and c1 - c0 < 0.5:
            return s0 + (t - c0) * (s1 - s0) / (c1 - c0) if c1 > c0 else s0
    return None


def offsets_ms(beeps: list[float], audio_onsets: list[float], frames: list[tuple[float, float]],
               period_s: float = 1.0) -> list[float]:
    """Per beep: (audio onset − picture at the beep's time) in ms, positive = sound late."""
    out = []
    for t in beeps:
        expected = video_time_at(t, frames)
        if expected is None:
            continue
        near = [a for a in audio_onsets if abs(a - expected) < period_s / 2]
        if near:
            out.append((min(near, key=lambda a: abs(a - expected)) - expected) * 1000)
    return out
