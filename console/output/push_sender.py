"""One destination of the push: its own connection, thread, queue, health and reconnects.

The encoder hands each packet to `put()` (a copy goes into this destination's bounded queue, so a
stalled destination never holds up the encoder or the others). The thread connects and muxes
packets through a link (console/output/push_transport.py: FLV over RTMP through FFmpeg, MPEG-TS
over our own SRT caller), and when the link drops it reconnects with the shared
backoff policy (console/providers/reconnect.py) while the queue keeps only the newest
`queue_seconds`. A fresh connection starts on a keyframe (it asks the encoder for one), so the
platform can decode from the first packet. Failures are put in words for the host: nothing
listening, refused stream key (or SRT stream id), wrong SRT passphrase, connection lost.
"""

from __future__ import annotations

import collections
import errno
import logging
import socket
import threading
import time
from dataclasses import dataclass
from typing import Callable

import av

from console.i18n import pick
from console.providers.reconnect import ReconnectPolicy

from .push_config import Destination
from .push_transport import Link, open_link
from .srt import SrtNoAnswer, SrtRejected

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Item:
    data: bytes
    pts: int
    dts: int
    time_base: object
    keyframe: bool
    video: bool


def explain(exc: BaseException, dest: Destination, was_live: bool) -> str:
    """Why the connection failed, in words the host understands."""
    where = dest.safe_url
    code = getattr(exc, "errno", None)
    # FFmpeg's errors carry the URL — stream key included — in str(exc): use only the reason.
    reason = getattr(exc, "strerror", None) or type(exc).__name__
    if isinstance(exc, SrtRejected):
        if exc.bad_passphrase:
            return pick(f"{dest.name}: the SRT server refused the passphrase — check the passphrase ({exc.reason}).",
                        f"{dest.name}：SRT 服务器不接受该密码，请检查 passphrase（{exc.reason}）。")
        if exc.stream_id_refused:
            return pick(f"{dest.name}: the server refused the stream — check the stream key (stream id) ({exc.reason}).",
                        f"{dest.name}：服务器拒绝了推流，请检查推流码（streamid）（{exc.reason}）。")
        return pick(f"{dest.name}: the SRT server refused the connection ({exc.reason}).",
                    f"{dest.name}：SRT 服务器拒绝了连接（{exc.reason}）。")
    if isinstance(exc, socket.gaierror):
        return pick(f"{dest.name}: cannot find the server of {where} (host name unknown, or no network).",
                    f"{dest.name}：找不到 {where} 的服务器（主机名不存在或网络未连接）。")
    if isinstance(exc, SrtNoAnswer):
        return pick(f"{dest.name}: nothing accepts streams at {where} (no SRT listener answered; server down or wrong address).",
                    f"{dest.name}：{where} 无法连接（没有 SRT 服务应答；服务器未运行或地址有误）。")
    if isinstance(exc, ValueError) and where.startswith("srt://"):
        return pick(f"{dest.name}: the SRT address cannot be used: {exc}.", f"{dest.name}：SRT 地址无法使用：{exc}。")
    if isinstance(exc, av.error.ProtocolNotFoundError) or "Protocol not found" in str(exc):
        return pick(f"{dest.name}: this build cannot send to {where.split(':', 1)[0].upper()} addresses.",
                    f"{dest.name}：当前版本不支持 {where.split(':', 1)[0].upper()} 推流地址。")
    if isinstance(exc, ConnectionRefusedError) or code == errno.ECONNREFUSED:
        return pick(f"{dest.name}: nothing accepts streams at {where} (server down or wrong address).",
                    f"{dest.name}：{where} 无法连接（服务器未运行或地址有误）。")
    if isinstance(exc, (TimeoutError, av.error.ExitError)) or code in (errno.ETIMEDOUT, errno.EHOSTUNREACH, errno.ENETUNREACH):
        return pick(f"{dest.name}: no answer from {where} (network down or address wrong).",
                    f"{dest.name}：{where} 无响应（网络断开或地址有误）。")
    if was_live:
        return pick(f"{dest.name}: connection lost ({reason}).", f"{dest.name}：连接中断（{reason}）。")
    return pick(f"{dest.name}: the server refused the stream — check the stream key ({reason}).",
                f"{dest.name}：服务器拒绝了推流，请检查推流码（{reason}）。")


class Sender:
    def __init__(self, dest: Destination, encoder, *, queue_seconds: float = 3.0,
                 policy: ReconnectPolicy | None = None, on_change: Callable[["Sender"], None] | None = None,
                 connect_timeout_s: float = 10.0) -> None:
        self.dest = dest
        self.encoder = encoder
        self.policy = policy or ReconnectPolicy(base_s=1.0, cap_s=30.0, healthy_after_s=20.0)
        self.on_change = on_change or (lambda s: None)
        self.connect_timeout_s = connect_timeout_s
        # Video frames plus ~47 AAC packets a second.
        self._limit = max(16, int(queue_seconds * (dest.preset.fps + 48)))
        self._queue: collections.deque[_Item] = collections.deque()
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self.state = "starting"
        self.message = ""
        self.last_error = ""
        """The latest failure in words (kept after the state moves on)."""
        self.reconnects = 0
        self.connects = 0
        self.sent_video = 0
        self.dropped = 0
        self.bytes_sent = 0
        self.next_try_s: float | None = None
        self._resync = False
        self.link: Link | None = None
        """The current connection (None between connections): its transport's own figures."""
        self._recent: collections.deque[tuple[float, int, bool]] = collections.deque(maxlen=200)
        self._thread = threading.Thread(target=self._run, name=f"push-send-{dest.name}", daemon=True)

    # -- from the encoder thread -------------------------------------------------------------
    def put(self, packet) -> None:
        item = _Item(bytes(packet), packet.pts, packet.dts, packet.time_base, packet.is_keyframe,
                     packet.stream.type == "video")
        with self._cond:
            self._queue.append(item)
            while len(self._queue) > self._limit:
                dropped = self._queue.popleft()
                self.dropped += dropped.video
                self._resync = True  # what follows refers to a dropped frame: restart on a keyframe
            self._cond.notify()

    @property
    def queued(self) -> int:
        return len(self._queue)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def rates(self) -> tuple[float, float]:
        """(fps, kbit/s) actually written to the connection over the recent window."""
        recent = [r for r in self._recent if time.monotonic() - r[0] < 5.0]
        if len(recent) < 2 or recent[-1][0] <= recent[0][0]:
            return 0.0, 0.0
        span = recent[-1][0] - recent[0][0]
        return sum(1 for r in recent[1:] if r[2]) / span, sum(r[1] for r in recent[1:]) * 8 / span / 1000

    # -- the thread --------------------------------------------------------------------------
    def _set(self, state: str, message: str = "") -> None:
        if (state, message) != (self.state, self.message):
            self.state, self.message = state, message
            self.on_change(self)

    def _run(self) -> None:
        self.encoder.ready.wait()
        if self.encoder.error:
            self._set("failed", pick(f"{self.dest.name}: the encoder could not start ({self.encoder.error}).",
                                     f"{self.dest.name}：编码器无法启动（{self.encoder.error}）。"))
            return
        while not self._stop.is_set():
            was_live = False
            link = None
            try:
                link = open_link(self.dest, self.encoder.video_stream, self.encoder.audio_stream, self.connect_timeout_s)
                self.connects += 1
                self.policy.connected()
                self.next_try_s = None
                self.link = link
                self._set("live")
                was_live = True
                self._pump(link)
            except Exception as exc:  # noqa: BLE001 — every failure means: tell, wait, retry
                if self._stop.is_set():
                    break
                message = self.last_error = explain(exc, self.dest, was_live)
                log.warning("push %s (%s): %s", self.dest.name, self.dest.safe_url, type(exc).__name__)
                self.policy.disconnected()
                delay = self.policy.next_delay()
                if delay is None:
                    self._set("failed", message)
                    break
                self.next_try_s = delay
                self.reconnects += 1
                self._set("reconnecting", message)
                self._stop.wait(delay)
            finally:
                if link is not None:
                    link.close()
                    self.link = None
        if self.state != "failed":
            self._set("off")

    def _pump(self, link: Link) -> None:
        # Start on a keyframe: skip to the newest queued one, or wait for the one just asked for.
        self.encoder.request_keyframe()
        with self._cond:
            keys = [i for i, item in enumerate(self._queue) if item.video and item.keyframe]
            for _ in range(keys[-1] if keys else len(self._queue)):
                self.dropped += self._queue.popleft().video  # stale by now: the viewer gets the present
        started = bool(keys)
        while not self._stop.is_set():
            with self._cond:
                if not self._queue:
                    self._cond.wait(0.1)
                    continue
                item = self._queue.popleft()
                if self._resync:
                    self._resync, started = False, False
                    self.encoder.request_keyframe()
            if not started:
                if not (item.video and item.keyframe):
                    self.dropped += item.video
                    continue
                started = True
            link.mux(item.data, item.pts, item.dts, item.time_base, item.keyframe, item.video)
            self.bytes_sent += len(item.data)
            self.sent_video += item.video
            self._recent.append((time.monotonic(), len(item.data), item.video))
