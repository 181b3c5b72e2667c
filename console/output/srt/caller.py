"""A connected SRT caller in live mode: send payloads, keep them until acknowledged, resend lost ones.

`send()` stamps each payload (≤ 1316 bytes) with the next sequence number and the time since
connecting, encrypts it when a passphrase is set, sends it at once and keeps it in the send
buffer. A thread reads what the listener sends back:

- ACK: everything before its sequence number arrived — forget it; a full ACK is answered with
  ACKACK (the listener measures the round trip with it).
- NAK (loss report, single numbers and ranges): resend those packets with the R flag; a packet
  no longer kept is declared gone with DROPREQ so the listener stops asking.
- SHUTDOWN, or nothing at all for `peer_idle_s` (the listener sends ACKs or keepalives at least
  every second), or the host reporting the port closed: the connection is lost; the next `send()`
  raises SrtConnectionLost.

Too-late drop keeps memory bounded whatever the network does: a packet older than the latency
plus one second can no longer be played by the receiver, so it leaves the buffer (and the
listener is told with DROPREQ). With nothing to send for a second, a keepalive goes out.
"""

from __future__ import annotations

import collections
import logging
import random
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from console.i18n import pick

from . import packets as p
from .crypto import StreamKey
from .handshake import Agreed, SrtConnectionLost, handshake

log = logging.getLogger(__name__)
PAYLOAD = 1316
"""7 MPEG-TS packets: SRT's live payload size."""
DROP_MARGIN_S = 1.0
"""Kept beyond the latency before a packet counts as too late (libsrt's minimum threshold)."""
KEEPALIVE_S = 1.0
MAX_BUFFER = 8192


@dataclass(frozen=True, slots=True)
class SrtOptions:
    host: str
    port: int
    stream_id: str | None = None
    passphrase: str | None = None
    latency_ms: int = 120
    key_len: int = 16
    peer_idle_s: float = 5.0

    @classmethod
    def from_url(cls, url: str) -> "SrtOptions":
        """`srt://host:port?streamid=…&passphrase=…&latency=…&pbkeylen=…`; ValueError naming
        what is wrong (never echoing a secret)."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "srt" or not parts.hostname:
            raise ValueError(pick("an SRT address looks like srt://host:port?streamid=…", "SRT 地址格式为 srt://主机:端口?streamid=…"))
        try:
            port = parts.port
        except ValueError:
            port = None
        if not port:
            raise ValueError(pick("the SRT address needs a port (srt://host:port)", "SRT 地址缺少端口（srt://主机:端口）"))
        query = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        mode = query.get("mode", "caller").lower()
        if mode not in ("caller", "client"):
            raise ValueError(pick(f"mode={mode} is not supported: the console calls the server (mode=caller)",
                                    f"不支持 mode={mode}：控制台只能主动连接服务器（mode=caller）"))
        latency = 120
        if "latency" in query:
            try:
                latency = int(query["latency"])
            except ValueError:
                raise ValueError(pick("latency must be a whole number of milliseconds", "latency 须为整数毫秒")) from None
            if latency > 60_000:  # FFmpeg-style URLs give it in microseconds
                latency //= 1000
            if not 20 <= latency <= 8000:
                raise ValueError(pick("latency must be between 20 and 8000 ms", "latency 须在 20 到 8000 毫秒之间"))
        passphrase = query.get("passphrase") or None
        if passphrase is not None and not 10 <= len(passphrase) <= 79:
            raise ValueError(pick("an SRT passphrase has 10 to 79 characters", "SRT 密码（passphrase）须为 10 到 79 个字符"))
        key_len = int(query.get("pbkeylen") or 16) if (query.get("pbkeylen") or "16").isdigit() else 0
        if key_len not in (16, 24, 32):
            raise ValueError(pick("pbkeylen must be 16, 24 or 32", "pbkeylen 只能是 16、24 或 32"))
        sid = query.get("streamid")
        if sid is not None and len(sid) > 512:
            raise ValueError(pick("an SRT stream id has at most 512 characters", "SRT streamid 最多 512 个字符"))
        return cls(parts.hostname, port, unquote(sid) if sid else None, passphrase, latency, key_len)


class SrtCaller:
    def __init__(self, options: SrtOptions, *, clock=time.monotonic, epoch_us: int = 0) -> None:
        self.options = options
        self.clock = clock
        self.epoch_us = epoch_us
        """Where timestamps start (µs). They are 32-bit and wrap every 71.6 minutes; a test starts
        near the wrap to see a long show's stream cross it."""
        self.socket_id = random.randrange(1, 1 << 30)
        self.agreed: Agreed | None = None
        self._key: StreamKey | None = None
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._buffer: collections.OrderedDict[int, tuple[int, int, bytes, float]] = collections.OrderedDict()
        self._next_seq = 0
        self._msgno = 1
        self._start = 0.0
        self._last_sent = self._last_heard = self._last_data = 0.0
        self._error: Exception | None = None
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None
        self.sent = self.retransmitted = self.dropped = self.naks = self.acks = 0
        self.sent_bytes = 0

    # -- connecting ---------------------------------------------------------------------------
    def connect(self, timeout_s: float = 5.0) -> Agreed:
        """Handshake with the listener; raises SrtRejected, SrtNoAnswer, ConnectionRefusedError
        or OSError (e.g. an unknown host name)."""
        opts = self.options
        family, kind, proto, _, address = socket.getaddrinfo(opts.host, opts.port, type=socket.SOCK_DGRAM)[0]
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
            sock.connect(address)
            self._start = self.clock() - self.epoch_us / 1e6
            isn = random.randrange(0, 1 << 30)
            self.agreed, self._key = handshake(
                sock, host=address[0], socket_id=self.socket_id, isn=isn, start=self._start, timeout_s=timeout_s,
                latency_ms=opts.latency_ms, stream_id=opts.stream_id, passphrase=opts.passphrase, key_len=opts.key_len)
        except BaseException:
            sock.close()
            raise
        self._sock = sock
        self._next_seq = isn
        self._last_sent = self._last_heard = self.clock()
        self._thread = threading.Thread(target=self._run, name="srt-caller", daemon=True)
        self._thread.start()
        return self.agreed

    # -- sending ------------------------------------------------------------------------------
    def _now_us(self) -> int:
        return int((self.clock() - self._start) * 1e6)

    def send(self, payload: bytes) -> None:
        """Send one payload (≤ PAYLOAD bytes); raises SrtConnectionLost once the link is gone."""
        if self._error is not None:
            raise self._error
        if len(payload) > PAYLOAD:
            raise ValueError(f"SRT live payloads are at most {PAYLOAD} bytes")
        with self._lock:
            seq, msgno, ts = self._next_seq, self._msgno, self._now_us()
            self._next_seq = p.seq_add(seq, 1)
            self._msgno = self._msgno % p.MSGNO_MASK + 1
            body = self._key.encrypt(seq, payload) if self._key else payload
            self._buffer[seq] = (msgno, ts, body, self.clock())
            while len(self._buffer) > MAX_BUFFER:
                self._buffer.popitem(last=False)
                self.dropped += 1
        self._transmit(seq, msgno, ts, body, rexmit=False)
        self._last_data = self.clock()
        self.sent += 1
        self.sent_bytes += len(payload)

    def _transmit(self, seq: int, msgno: int, ts: int, body: bytes, *, rexmit: bool) -> None:
        header = p.data_header(seq, msgno, ts, self.agreed.peer_id, key=1 if self._key else 0, rexmit=rexmit)
        self._raw(header + body)

    def _raw(self, datagram: bytes) -> None:
        try:
            self._sock.send(datagram)
        except OSError as exc:  # port closed (ICMP), network down
            self._lose(f"send failed: {exc.strerror or type(exc).__name__}")
            raise self._error from exc
        self._last_sent = self.clock()

    def _control(self, kind: int, info: int = 0, body: bytes = bytes(4)) -> None:
        self._raw(p.ControlPacket(kind, info, self._now_us(), self.agreed.peer_id, body).encode())

    def _lose(self, why: str) -> None:
        if self._error is None:
            self._error = SrtConnectionLost(why)
            log.info("srt connection lost: %s", why)

    @property
    def alive(self) -> bool:
        return self._error is None

    @property
    def unacknowledged(self) -> int:
        return len(self._buffer)

    # -- closing ------------------------------------------------------------------------------
    def close(self, linger_s: float = 1.0) -> None:
        """Wait up to `linger_s` for the last packets to be acknowledged and played out, say
        SHUTDOWN, stop. (The listener holds each packet for the latency before handing it on, and
        drops what it still holds when SHUTDOWN arrives: the stream's last moments would be lost.)"""
        if self._sock is None:
            return
        deadline = self.clock() + linger_s
        while self._error is None and self._buffer and self.clock() < deadline:
            time.sleep(0.01)
        if self._error is None and not self._buffer and linger_s > 0:
            played = self._last_data + self.agreed.latency_ms / 1000 + 0.05
            time.sleep(max(0.0, min(played, deadline + self.agreed.latency_ms / 1000) - self.clock()))
        if self._error is None:
            try:
                self._control(p.SHUTDOWN)
            except SrtConnectionLost:
                pass
        self._closing.set()
        if self._thread is not None:
            self._thread.join(2.0)
        self._sock.close()
        self._lose("closed")

    # -- the thread: what the listener says -----------------------------------------------------
    def _run(self) -> None:
        sock = self._sock
        sock.settimeout(0.05)
        while not self._closing.is_set() and self._error is None:
            try:
                data = sock.recv(65536)
            except socket.timeout:
                data = None
            except OSError as exc:
                if not self._closing.is_set():
                    self._lose(f"receive failed: {exc.strerror or type(exc).__name__}")
                break
            try:
                if data is not None:
                    self._handle(data)
                self._housekeeping()
            except SrtConnectionLost:
                break

    def _handle(self, data: bytes) -> None:
        try:
            packet = p.decode(data)
        except ValueError:
            return
        if packet.dest != self.socket_id or not isinstance(packet, p.ControlPacket):
            return  # another socket's, or data (we only send)
        self._last_heard = self.clock()
        if packet.type == p.ACK:
            self._on_ack(packet)
        elif packet.type == p.NAK:
            self._on_nak(packet.body)
        elif packet.type == p.SHUTDOWN:
            self._lose("the server closed the connection")
        elif packet.type == p.KEEPALIVE:
            pass

    def _on_ack(self, packet: p.ControlPacket) -> None:
        try:
            upto = p.ack_seq(packet.body)
        except ValueError:
            return
        self.acks += 1
        with self._lock:
            while self._buffer:
                seq = next(iter(self._buffer))
                if p.seq_diff(upto, seq) <= 0:
                    break
                del self._buffer[seq]
        if not p.is_light_ack(packet.body):
            self._control(p.ACKACK, packet.info)

    def _on_nak(self, body: bytes) -> None:
        try:
            ranges = p.decode_loss_list(body)
        except ValueError:
            return
        self.naks += 1
        for first, last in ranges:
            span = p.seq_diff(last, first)
            if not 0 <= span < MAX_BUFFER:
                continue  # nonsense range: ignore rather than loop
            gone: list[int] = []
            for i in range(span + 1):
                seq = p.seq_add(first, i)
                with self._lock:
                    kept = self._buffer.get(seq)
                if kept is None:
                    gone.append(seq)
                    continue
                msgno, ts, body_, _t = kept
                self._transmit(seq, msgno, ts, body_, rexmit=True)
                self.retransmitted += 1
            if gone:
                self._control(p.DROPREQ, 0, p.dropreq_body(gone[0], gone[-1]))

    def _housekeeping(self) -> None:
        now = self.clock()
        if now - self._last_heard > self.options.peer_idle_s:
            self._lose(f"no answer from the server for {self.options.peer_idle_s:g} s")
            return
        too_old = now - (self.agreed.latency_ms / 1000 + DROP_MARGIN_S)
        dropped: list[int] = []
        with self._lock:
            while self._buffer:
                seq, (_m, _ts, _b, t_sent) = next(iter(self._buffer.items()))
                if t_sent > too_old:
                    break
                del self._buffer[seq]
                dropped.append(seq)
        if dropped:
            self.dropped += len(dropped)
            self._control(p.DROPREQ, 0, p.dropreq_body(dropped[0], dropped[-1]))
        if now - self._last_sent >= KEEPALIVE_S:
            self._control(p.KEEPALIVE)
