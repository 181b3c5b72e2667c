"""One H.264 + AAC encode per output format, on its own thread, fanned out to its destinations.

Program frames arrive through `offer()` (called on the video worker thread, returns at once) into
a small bounded queue; when the encoder falls behind, the oldest frame is dropped and counted —
the preview never waits for the push. Each frame is fitted to the preset size (scaled, padded
when the aspect differs) and stamped with its capture time in milliseconds, so video and audio
(read up to the same clock) stay in sync and the stream's timing is the camera's.

The encoder is the hardware one where the machine has it — VideoToolbox on macOS, NVENC / QSV /
AMF on Windows (and NVENC on Linux) — found by actually opening each candidate, since a codec
compiled into FFmpeg says nothing about the GPU or driver present. x264 otherwise.
"""

from __future__ import annotations

import collections
import functools
import io
import logging
import sys
import threading
import time
from fractions import Fraction
from typing import Callable

import av
import cv2
import numpy as np

from console.i18n import pick
from console.video.frames import Frame

from .push_audio import CHANNELS, SAMPLE_RATE, SilenceSource
from .push_config import Preset

log = logging.getLogger(__name__)
MS = Fraction(1, 1000)
AAC_FRAME = 1024

if sys.platform == "darwin":
    HARDWARE = ("h264_videotoolbox",)
elif sys.platform == "win32":
    HARDWARE = ("h264_nvenc", "h264_qsv", "h264_amf")
else:
    HARDWARE = ("h264_nvenc",)

_OPTIONS: dict[str, dict[str, str]] = {
    # zerolatency: no lookahead, no B-frames, sliced threads — a frame out per frame in.
    # superfast: ~10 ms a 720p frame here, leaving the other core to try-on ([push] x264_preset).
    "libx264": {"preset": "superfast", "tune": "zerolatency", "sc_threshold": "0"},
    "h264_nvenc": {"preset": "p4", "tune": "ll", "rc": "cbr", "zerolatency": "1"},
    "h264_qsv": {"preset": "veryfast", "look_ahead": "0"},
    "h264_amf": {"usage": "lowlatency", "rc": "cbr"},
    "h264_videotoolbox": {"realtime": "1", "allow_sw": "0"},
}


def _configure(ctx, name: str, preset: Preset, x264_preset: str | None = None) -> None:
    ctx.width, ctx.height = preset.width, preset.height
    ctx.pix_fmt = "nv12" if name == "h264_qsv" else "yuv420p"
    ctx.time_base = MS
    ctx.framerate = Fraction(preset.fps, 1)
    ctx.bit_rate = preset.bitrate_kbps * 1000
    ctx.gop_size = preset.keyint
    ctx.max_b_frames = 0
    options = dict(_OPTIONS.get(name, {}))
    if name == "libx264" and x264_preset:
        options["preset"] = x264_preset
    # Constant bitrate with a one-second buffer: what every ingest asks for.
    options.update({"maxrate": str(preset.bitrate_kbps * 1000), "bufsize": str(preset.bitrate_kbps * 1000),
                    "keyint_min": str(preset.keyint), "g": str(preset.keyint)})
    ctx.options = options


@functools.lru_cache(maxsize=8)
def choose_encoder(preference: str = "auto") -> str:
    """The H.264 encoder to use: `preference` when it opens, else the first hardware one that
    opens, else libx264."""
    candidates = ([preference] if preference not in ("", "auto") else []) + list(HARDWARE) + ["libx264"]
    probe = Preset(640, 360, 30, 1000, 2.0)
    for name in dict.fromkeys(candidates):
        try:
            ctx = av.CodecContext.create(name, "w")
            _configure(ctx, name, probe)
            ctx.open()
            ctx.close() if hasattr(ctx, "close") else None
            return name
        except Exception as exc:  # noqa: BLE001 — unknown codec, no device, no driver
            log.info("encoder %s not usable: %s", name, exc)
    raise RuntimeError("no H.264 encoder could be opened (not even libx264)")


def fit(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale to fit inside width×height, padding with black (letter/pillar box) if the aspect
    differs; returns the image itself when it already has the size."""
    h, w = image.shape[:2]
    if (w, h) == (width, height):
        return image
    scale = min(width / w, height / h)
    nw, nh = max(2, round(w * scale)), max(2, round(h * scale))
    resized = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    if (nw, nh) == (width, height):
        return resized
    out = np.zeros((height, width, 3), np.uint8)
    y, x = (height - nh) // 2, (width - nw) // 2
    out[y : y + nh, x : x + nw] = resized
    return out


class FormatEncoder:
    """Encodes the program once for one preset and hands every packet to each sink."""

    QUEUE = 8
    """Frames waiting for the encoder (~0.27 s at 30 fps); older ones are dropped and counted."""

    def __init__(self, preset: Preset, *, encoder: str = "auto", audio=None,
                 clock: Callable[[], float] = time.monotonic, t0: float | None = None,
                 x264_preset: str | None = None, on_note: Callable[[str], None] | None = None) -> None:
        self.preset = preset
        self.on_note = on_note or (lambda text: None)
        self.x264_preset = x264_preset
        self.encoder_name = choose_encoder(encoder)
        self.audio = audio or SilenceSource()
        self.clock = clock
        self._sinks: list[Callable[[object], None]] = []
        self._frames: collections.deque[Frame] = collections.deque()
        self._cond = threading.Condition()
        self._stop = False
        self._keyframe = False
        self.ready = threading.Event()
        """Set once the streams exist (`video_stream`, `audio_stream`): sinks copy them."""
        self.error: str | None = None
        self.video_stream = self.audio_stream = None
        self.t0 = t0 or 0.0
        self._given_t0 = t0 is not None
        self.frames_in = self.encoded = self.dropped = self.skipped = 0
        self.bytes_out = 0
        self.cpu_s = 0.0
        self.last_capture_t = 0.0
        self._recent: collections.deque[tuple[float, int]] = collections.deque(maxlen=90)
        self._thread = threading.Thread(target=self._run, name=f"push-encode-{preset.width}x{preset.height}", daemon=True)

    # -- wiring ----------------------------------------------------------------------------
    def add_sink(self, sink: Callable[[object], None]) -> None:
        self._sinks = [*self._sinks, sink]

    def remove_sink(self, sink: Callable[[object], None]) -> None:
        self._sinks = [s for s in self._sinks if s is not sink]

    def request_keyframe(self) -> None:
        """The next encoded frame is a keyframe (a destination just (re)connected)."""
        self._keyframe = True

    def offer(self, frame: Frame) -> None:
        """Called with each program frame on the video thread; never blocks."""
        with self._cond:
            if len(self._frames) >= self.QUEUE:
                self._frames.popleft()
                self.dropped += 1
            self._frames.append(frame)
            self.frames_in += 1
            self._cond.notify()

    @property
    def queued(self) -> int:
        return len(self._frames)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    # -- figures -----------------------------------------------------------------------------
    def rates(self) -> tuple[float, float]:
        """(fps, kbit/s) over the recent window."""
        recent = list(self._recent)
        if len(recent) < 2 or recent[-1][0] <= recent[0][0]:
            return 0.0, 0.0
        span = recent[-1][0] - recent[0][0]
        return (len(recent) - 1) / span, sum(b for _, b in recent[1:]) * 8 / span / 1000

    # -- the thread --------------------------------------------------------------------------
    def _open(self):
        # The streams live in a container that is never sent anywhere: destinations copy their
        # codec parameters (SPS/PPS, AudioSpecificConfig) from it, so one encode feeds them all.
        template = av.open(io.BytesIO(), "w", format="flv")
        video = template.add_stream(self.encoder_name, rate=self.preset.fps)
        _configure(video.codec_context, self.encoder_name, self.preset, self.x264_preset)
        audio = template.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
        audio.bit_rate = self.preset.audio_kbps * 1000
        video.codec_context.open()
        audio.codec_context.open()
        template.start_encoding()
        return template, video, audio

    def _open_or_fall_back(self):
        """A hardware encoder that opened for the probe can still refuse this format (a portrait
        size QSV does not take, NVENC's limit on sessions at once): the show goes on with x264."""
        try:
            return self._open()
        except Exception as exc:  # noqa: BLE001 — any refusal of the device or driver
            if self.encoder_name == "libx264":
                raise
            failed, self.encoder_name = self.encoder_name, "libx264"
            size = f"{self.preset.width}x{self.preset.height}"
            log.warning("push encoder %s refused %s (%s): using libx264", failed, size, exc)
            self.on_note(pick(f"The graphics card's encoder ({failed}) could not start for {size}: "
                              f"this stream is encoded by the processor (x264) instead.",
                              f"显卡编码器（{failed}）无法以 {size} 启动：此路推流改用处理器编码（x264）。"))
            return self._open()

    def _run(self) -> None:
        cpu0 = time.thread_time()
        try:
            template, self.video_stream, self.audio_stream = self._open_or_fall_back()
        except Exception as exc:  # noqa: BLE001
            self.error = f"{self.encoder_name}: {exc}"
            log.error("push encoder could not open: %s", self.error)
            self.ready.set()
            return
        if not self._given_t0:
            self.t0 = self.clock()
        self.audio.start(self.t0)
        self.ready.set()
        pending = np.zeros((0, CHANNELS), np.float32)
        audio_pts = 0
        last_pts = -1
        offered: collections.deque[int] = collections.deque()
        interval_ms = 1000.0 / self.preset.fps
        try:
            while True:
                with self._cond:
                    if not self._frames and not self._stop:
                        self._cond.wait(0.02)
                    if self._stop:
                        break
                    frame = self._frames.popleft() if self._frames else None
                if frame is not None:
                    pts = round((frame.t_capture - self.t0) * 1000)
                    offered.append(pts)
                    while offered[0] <= pts - 1000:
                        offered.popleft()
                    # Thin out only a program faster than the preset (a 60 fps camera into a
                    # 30 fps stream); capture jitter at the preset's own rate never skips a frame.
                    too_fast = len(offered) > self.preset.fps * 1.15 and pts - last_pts < interval_ms * 0.75
                    if pts <= last_pts or too_fast:
                        self.skipped += 1
                    else:
                        last_pts = pts
                        self.last_capture_t = frame.t_capture
                        self._encode_video(frame, pts)
                # Audio up to the newest video time, or the clock when video stalls.
                now = self.clock()
                upto = self.last_capture_t if now - self.last_capture_t < 0.25 else now - 0.25
                pending = np.concatenate([pending, self.audio.read_until(upto)])
                while len(pending) >= AAC_FRAME:
                    chunk, pending = pending[:AAC_FRAME], pending[AAC_FRAME:]
                    self._encode_audio(chunk, audio_pts)
                    audio_pts += AAC_FRAME
        except Exception as exc:  # noqa: BLE001 — report, the session goes on
            self.error = f"{self.encoder_name}: {exc}"
            log.exception("push encoder stopped")
        finally:
            self.cpu_s = time.thread_time() - cpu0
            self.audio.stop()
            try:
                for packet in self.video_stream.encode(None):
                    self._emit(packet)
            except Exception:  # noqa: BLE001
                pass
            template.close()

    def _encode_video(self, frame: Frame, pts: int) -> None:
        image = fit(frame.image, self.preset.width, self.preset.height)
        # OpenCV's BGR→I420 is ~6× faster than swscale's here; QSV wants NV12 (swscale does that).
        if self.video_stream.codec_context.pix_fmt == "yuv420p":
            vf = av.VideoFrame.from_ndarray(cv2.cvtColor(image, cv2.COLOR_BGR2YUV_I420), format="yuv420p")
        else:
            vf = av.VideoFrame.from_ndarray(image, format="bgr24")
        vf.pts, vf.time_base = pts, MS
        if self._keyframe:
            self._keyframe = False
            vf.pict_type = av.video.frame.PictureType.I
        size = 0
        for packet in self.video_stream.encode(vf):
            size += packet.size
            self._emit(packet)
        self.encoded += 1
        self.bytes_out += size
        self._recent.append((self.clock(), size))

    def _encode_audio(self, chunk: np.ndarray, pts: int) -> None:
        af = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk.T), format="fltp", layout="stereo")
        af.sample_rate, af.pts, af.time_base = SAMPLE_RATE, pts, Fraction(1, SAMPLE_RATE)
        for packet in self.audio_stream.encode(af):
            self.bytes_out += packet.size
            self._emit(packet)

    def _emit(self, packet) -> None:
        for sink in self._sinks:
            sink(packet)
