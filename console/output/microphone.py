"""The microphone for the push output, through `sounddevice` (PortAudio), on the encoder's clock.

The encoder reads sound with `read_until(t)`: every sample up to monotonic time `t`, so audio and
video share one clock. The sample count is the audio clock — nothing is dropped or invented while
the device delivers — and what has to be fixed once is where sample 0 sits on time.monotonic:

- Each block's arrival bounds it: the last sample of block k was captured no later than its
  callback, so sample 0 sits at most at `callback_k − samples_through_k / rate`; the least of
  these bounds over the first blocks is later than the truth only by the smallest transport
  delay (a few ms: sound slightly late, the benign side of lip sync).
- PortAudio also stamps each block with `inputBufferAdcTime`. On some host APIs that stamp is 0,
  and on ALSA → PulseAudio it is wrong for the first seconds (measured here: 60–660 ms too old
  while the block was 20 ms old) — used as is, it put the sound up to 0.6 s ahead of the picture.
  So the stamps only refine the bound, by at most one block, when they agree with it.
The estimate is taken from the first `SETTLE_S` of sound, then fixed; `sync_error_ms()` keeps
measuring the same bound later (drift of the device's clock against the computer's shows there).

A device that disappears mid-stream (unplugged, its sound server gone) ends PortAudio's stream or
stops delivering: the source then says so once (`lost`, in the host's words) and carries on with
silence at the same clock, so the push continues. A named device that does not exist raises
`MicrophoneError` listing the inputs there are.
"""

from __future__ import annotations

import collections
import logging
import statistics
import threading
import time
from typing import Callable

import numpy as np

from console.core.signal import Signal
from console.i18n import pick

from . import mic_devices
from .mic_devices import MicrophoneError, find_input

log = logging.getLogger(__name__)
SAMPLE_RATE = 48_000
CHANNELS = 2
BLOCK = 1024


class MicrophoneSource:
    kind = "microphone"
    SETTLE_S = 0.25
    """Sound gathered before sample 0 is placed on the clock."""
    NO_SOUND_S = 10.0
    """A device that has sent nothing this long after starting counts as gone."""
    STALL_S = 5.0
    """A device that stops sending for this long counts as gone."""
    MAX_BACKLOG_S = 2.0
    DRIFT_WINDOW_S = 10.0
    """The sound's place is re-measured over this long (the least arrival bound in it)…"""
    DRIFT_STEP_S = 0.06
    """…and corrected when it has moved this far: a device's clock runs a little fast or slow
    against the computer's (±100 ppm is 0.36 s an hour), which would slowly pull sound and picture
    apart. Inserting or dropping this much at once is a barely audible click every few minutes."""

    def __init__(self, device: int | str | None = None, *, clock: Callable[[], float] = time.monotonic) -> None:
        import sounddevice as sd  # lazy: PortAudio is loaded on import

        self._clock = clock
        self._stream = None
        mic_devices.opened()  # from here on, nobody restarts PortAudio under this stream
        self._closed = False
        try:
            self.index, info = find_input(device)
            self._open(sd, info)
        except BaseException:
            self.stop()
            raise

    def _open(self, sd, info) -> None:
        self.name = str(info["name"])
        self._channels = min(CHANNELS, int(info["max_input_channels"]))
        self._lock = threading.Lock()
        self._blocks: collections.deque[np.ndarray] = collections.deque()
        self._estimates: list[tuple[str, float]] = []  # ("adc" | "bound", sample-0 time) per block
        self._recent_bounds: collections.deque[tuple[float, float]] = collections.deque()  # (arrival, bound)
        self._window_from = 0.0  # arrivals since then count for the drift window
        self._drop_pending = 0
        self.corrections = 0
        self.corrected_samples = 0
        """Net samples inserted (+) or dropped (−) to follow the device's clock drift."""
        self._bounds: list[float] = []  # arrival bounds while settling
        self._captured = 0  # samples PortAudio gave us
        self._backlog_lost = 0  # samples dropped while the encoder stalled (sent as silence instead)
        self._last_block_t: float | None = None
        self._ended: str | None = None  # PortAudio ended the stream (device gone)
        self._t0 = 0.0
        self._sample0: float | None = None
        self._held: list[np.ndarray] = []
        self._started_at: float | None = None
        self.lead = 0
        self.pre_silence = 0
        """Silence sent while the device was starting, before its first sound had a place."""
        self._skip = 0
        self.delivered = 0
        """Samples handed to the encoder (sound, lead and fill-in silence)."""
        self.silence_filled = 0
        self.overflows = 0
        self.reason = ""
        """Set (in the host's words) once the microphone is gone and silence is sent instead."""
        self.lost = Signal("microphone.lost")
        """Emitted once with `reason` when the device disappears mid-stream."""
        self._stream = sd.InputStream(device=self.index, channels=self._channels, samplerate=SAMPLE_RATE,
                                      dtype="float32", blocksize=BLOCK, callback=self._callback,
                                      finished_callback=self._finished)
        self._slack = float(self._stream.latency) + 2 * BLOCK / SAMPLE_RATE

    # -- the PortAudio thread --------------------------------------------------------------------
    def _callback(self, data, frames, when, status) -> None:
        now = self._clock()
        if status.input_overflow:
            self.overflows += 1
        block = data.copy() if self._channels == CHANNELS else np.repeat(data, CHANNELS, axis=1)
        with self._lock:
            start = self._captured
            self._captured += frames
            bound = now - self._captured / SAMPLE_RATE
            self._recent_bounds.append((now, bound))
            while self._recent_bounds and self._recent_bounds[0][0] < now - self.DRIFT_WINDOW_S:
                self._recent_bounds.popleft()
            if self._sample0 is None:
                self._bounds.append(bound)
                adc, current = when.inputBufferAdcTime, when.currentTime
                estimate = now - (current - adc) - start / SAMPLE_RATE if adc > 0 and current > 0 else None
                if estimate is not None and bound - self._slack <= estimate <= bound + 0.005:
                    self._estimates.append(("adc", estimate))
                else:
                    self._estimates.append(("bound", bound))
            self._last_block_t = now
            self._blocks.append(block)
            while len(self._blocks) * BLOCK > self.MAX_BACKLOG_S * SAMPLE_RATE:
                self._backlog_lost += len(self._blocks.popleft())  # never grow without bound

    def _finished(self) -> None:
        with self._lock:
            if self._ended is None and not self._closed:  # not when we stopped it ourselves
                self._ended = pick("the device stopped", "设备已停止")

    # -- the encoder thread ----------------------------------------------------------------------
    def start(self, t0: float, *, from_sample: int = 0) -> None:
        """Start capturing for a stream whose sample 0 is at `t0`; with `from_sample` (a device
        reopened mid-show) the output begins at that position instead of 0."""
        self._t0 = t0
        self.delivered = from_sample
        self._started_at = self._window_from = self._clock()
        self._stream.start()

    def _place_sample0(self) -> float:
        # The arrival bound is physical (never earlier than the truth; later by the smallest
        # transport delay, a few ms). A stamp may refine it by at most a block: ALSA→PulseAudio's
        # stamps were 60–660 ms too old in the first seconds, putting the sound ahead of the picture.
        bound = min(self._bounds)
        adc = [t for kind, t in self._estimates if kind == "adc"]
        if len(adc) * 2 > len(self._estimates):
            stamped = statistics.median(adc)
            if bound - BLOCK / SAMPLE_RATE <= stamped <= bound:
                return stamped
        return bound

    def read_until(self, t: float) -> np.ndarray:
        with self._lock:
            blocks, self._blocks = list(self._blocks), collections.deque()
            backlog_lost, self._backlog_lost = self._backlog_lost, 0
            captured, ended, last = self._captured, self._ended, self._last_block_t
            settled = self._sample0 is not None or captured >= self.SETTLE_S * SAMPLE_RATE
            if self._sample0 is None and settled:
                self._sample0 = self._place_sample0()
        parts: list[np.ndarray] = []
        if backlog_lost:
            parts.append(np.zeros((backlog_lost, CHANNELS), np.float32))
        if not self.reason:  # once gone, sound that trickles in late has no place: silence holds the clock
            parts.extend(blocks)
        now = self._clock()
        if not self.reason and not self._closed:
            why = ended
            if why is None and last is None and self._started_at is not None and now - self._started_at > self.NO_SOUND_S:
                why = pick("it sends no sound", "没有声音输入")
            elif why is None and last is not None and now - last > self.STALL_S:
                why = pick("it stopped sending sound", "声音输入中断")
            if why is not None:
                self._lose(why)
        if self._sample0 is None:
            if not self.reason:
                # Settling: the first sound waits until it has a place on the clock, and silence
                # keeps the track flowing meanwhile (a device can take seconds to start — audio
                # arriving seconds behind the video made a player joining then find no picture).
                self._held.extend(parts)
                due = min(int((t - self.SETTLE_S - 0.1 - self._t0) * SAMPLE_RATE) - self.delivered, SAMPLE_RATE)
                if due <= 0:
                    return np.zeros((0, CHANNELS), np.float32)
                self.pre_silence += due
                self.delivered += due
                return np.zeros((due, CHANNELS), np.float32)
            self._sample0 = self._t0 + self.delivered / SAMPLE_RATE  # gone before it settled: silence from here
        if self._held:
            parts, self._held = self._held + parts, []
            lead = round((self._sample0 - self._t0) * SAMPLE_RATE) - self.delivered
            self.lead = lead  # positions of silence before the first sound (< 0: sound dropped)
            if lead > 0:  # the encoder started before the first sound: silence up to it
                parts.insert(0, np.zeros((lead, CHANNELS), np.float32))
            elif lead < 0:  # sound for positions already sent (as silence) has no place left
                self._skip = -lead
        out = np.concatenate(parts) if parts else np.zeros((0, CHANNELS), np.float32)
        if self._skip and len(out):
            k = min(self._skip, len(out))
            out, self._skip = out[k:], self._skip - k
        if not self.reason:
            out = self._follow_drift(out, now)
        if self.reason:  # gone: silence at the same clock from the last sample up to `t`
            due = int((t - self._t0) * SAMPLE_RATE) - self.delivered - len(out)
            fill = min(max(0, due), SAMPLE_RATE)
            if fill:
                self.silence_filled += fill
                out = np.concatenate([out, np.zeros((fill, CHANNELS), np.float32)])
        self.delivered += len(out)
        return out

    def _follow_drift(self, out: np.ndarray, now: float) -> np.ndarray:
        with self._lock:
            full = self._recent_bounds and self._recent_bounds[0][0] >= self._window_from and \
                now - self._window_from >= self.DRIFT_WINDOW_S
            error = min(b for _, b in self._recent_bounds) - self._sample0 if full else 0.0
            if abs(error) > self.DRIFT_STEP_S:
                self._recent_bounds.clear()  # measure afresh from the corrected place
                self._window_from = now
        if abs(error) > self.DRIFT_STEP_S:
            n = round(abs(error) * SAMPLE_RATE)
            self.corrections += 1
            self._sample0 += error  # where the device's sound sits now
            if error > 0:  # the device runs slow: its sound would come early — pause it
                out = np.concatenate([np.zeros((n, CHANNELS), np.float32), out])
                self.corrected_samples += n
            else:  # it runs fast: skip ahead
                self._drop_pending += n
            log.info("microphone %s: clock drift %+.0f ms corrected", self.name, error * 1000)
        if self._drop_pending and len(out):
            k = min(self._drop_pending, len(out))
            out, self._drop_pending = out[k:], self._drop_pending - k
            self.corrected_samples -= k
        return out

    def _lose(self, why: str) -> None:
        self.reason = pick(f"The microphone “{self.name}” is gone ({why}): the stream continues with silence, "
                           "and its sound comes back by itself once the microphone is there again (check the cable).",
                           f"麦克风“{self.name}”已断开（{why}）：推流继续，但为静音；"
                           "麦克风恢复后声音会自动接上（请检查连接线）。")
        self.kind = "silence"
        log.warning("microphone %s lost: %s", self.name, why)
        self.lost.emit(self.reason)

    # -- figures ---------------------------------------------------------------------------------
    def sync_error_ms(self) -> float | None:
        """Where the recent sound says sample 0 is, minus where it was placed (ms; > 0: the
        sound now arrives later than placed). A few ms on a healthy device; it grows with drift."""
        with self._lock:
            if self._sample0 is None or not self._recent_bounds:
                return None
            return (min(b for _, b in self._recent_bounds) - self._sample0) * 1000

    @property
    def settled(self) -> bool:
        """Its sound has a place on the clock (it delivers)."""
        return self._sample0 is not None

    @property
    def captured(self) -> int:
        return self._captured

    def stop(self) -> None:
        if self._closed:
            return
        self._closed = True
        mic_devices.closed()
        if getattr(self, "_stream", None) is None:
            return
        try:
            if self._stream.active:
                self._stream.stop()
            self._stream.close()
        except Exception as exc:  # noqa: BLE001 — a device already gone cannot be stopped twice
            log.info("closing microphone %s: %s", self.name, exc)


__all__ = ["MicrophoneSource", "MicrophoneError", "SAMPLE_RATE", "CHANNELS"]
