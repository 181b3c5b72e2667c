"""How a destination's packets leave the machine: the seam between a Sender and the network.

A `Link` is one live connection that takes the encoder's packets (`mux`) until closed. RTMP (and
RTMPS) links are FFmpeg's own protocol through PyAV: FLV muxed straight onto the connection. SRT
links are ours (console/output/srt): PyAV's FFmpeg has no libsrt, so PyAV muxes MPEG-TS into a
writer that cuts it into 1316-byte payloads (7 TS packets) for the SRT caller. The Sender —
queue, keyframe start, reconnects, health — is the same for both.
"""

from __future__ import annotations

import logging
from typing import Protocol

import av

from .push_config import Destination
from .srt import SrtCaller, SrtOptions
from .srt.caller import PAYLOAD

log = logging.getLogger(__name__)
TS_PACKET = 188


class Link(Protocol):
    def mux(self, data: bytes, pts: int, dts: int, time_base, keyframe: bool, video: bool) -> None: ...

    def close(self) -> None: ...


class _Muxing:
    """A PyAV output container with copies of the encoder's two streams."""

    def __init__(self, container, video_template, audio_template) -> None:
        self.container = container
        self.video = container.add_stream_from_template(video_template)
        self.audio = container.add_stream_from_template(audio_template)

    def mux(self, data: bytes, pts: int, dts: int, time_base, keyframe: bool, video: bool) -> None:
        packet = av.Packet(data)
        packet.pts, packet.dts, packet.time_base = pts, dts, time_base
        packet.is_keyframe = keyframe
        packet.stream = self.video if video else self.audio
        self.container.mux(packet)

    def close(self) -> None:
        try:
            self.container.close()
        except Exception:  # noqa: BLE001 — the link is gone already
            pass


class FfmpegLink(_Muxing):
    """RTMP/RTMPS through FFmpeg's protocols."""

    def __init__(self, dest: Destination, video_template, audio_template, timeout_s: float) -> None:
        # flush_packets: each packet leaves at once instead of waiting for FFmpeg's 32 KB I/O
        # buffer to fill (~200 ms of video at streaming bitrates).
        container = av.open(dest.url, "w", format=dest.muxer, options={"flush_packets": "1"},
                            timeout=(timeout_s, timeout_s))
        try:
            super().__init__(container, video_template, audio_template)
            container.start_encoding()  # RTMP handshake + publish: refusals surface here
        except BaseException:
            self.container = container
            _Muxing.close(self)
            raise


class _TsChunks:
    """The file PyAV writes MPEG-TS into: whole 188-byte TS packets go out in SRT payloads of up
    to 1316 bytes as soon as the muxer flushes them (flush_packets: after every packet)."""

    def __init__(self, caller: SrtCaller) -> None:
        self.caller = caller
        self._pending = bytearray()

    def write(self, data) -> int:
        self._pending += data
        whole = len(self._pending) - len(self._pending) % TS_PACKET
        for i in range(0, whole, PAYLOAD):
            self.caller.send(bytes(self._pending[i : min(i + PAYLOAD, whole)]))
        del self._pending[:whole]
        return len(data)


class SrtLink(_Muxing):
    """MPEG-TS over our SRT caller."""

    def __init__(self, dest: Destination, video_template, audio_template, timeout_s: float) -> None:
        self.caller = SrtCaller(SrtOptions.from_url(dest.url))
        self.caller.connect(timeout_s)
        try:
            # omit_video_pes_length=0: video PES packets say their length, so a receiver's demuxer
            # hands a frame on when it is complete instead of when the next one starts (−1 frame
            # of latency: capture→readable p50 310 → 277 ms in bench output --to srt).
            container = av.open(_TsChunks(self.caller), "w", format="mpegts",
                                options={"flush_packets": "1", "omit_video_pes_length": "0"})
            super().__init__(container, video_template, audio_template)
            container.start_encoding()
        except BaseException:
            self.caller.close(linger_s=0)
            raise

    def close(self) -> None:
        super().close()
        self.caller.close()


def open_link(dest: Destination, video_template, audio_template, timeout_s: float) -> Link:
    """Connect to the destination (raises with the cause when it cannot)."""
    kind = SrtLink if dest.url.lower().startswith("srt://") else FfmpegLink
    return kind(dest, video_template, audio_template, timeout_s)
