"""The HSv5 caller handshake: induction, conclusion, and a rejection put in words.

1. INDUCTION (version 4, type UDT_DGRAM, cookie 0) to socket id 0; an HSv5 listener answers with
   version 5, the SRT magic 0x4A17 and a cookie.
2. CONCLUSION (version 5, extension flags) with the cookie and the extensions: HSREQ (our SRT
   version, flags, latency), KMREQ (the wrapped stream key) when a passphrase is set, SID (the
   stream id). The listener answers CONCLUSION with HSRSP (the agreed latency) and KMRSP, or
   rejects: request type 1000 + reason — e.g. a wrong passphrase, or its access control turning
   the stream id down (codes ≥ 1000 of SRT's access-control list, 1403 "forbidden" …).

Each message is re-sent every 250 ms until answered or the connect timeout passes (UDP loses
packets; the listener answers duplicates the same way).
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass

from . import packets as p
from .crypto import StreamKey

SRT_VERSION = 0x0001_0500  # what we speak: HSv5 live mode as in SRT 1.5
MSS = 1500
FLOW_WINDOW = 8192
RESEND_S = 0.25
FLAGS = p.TSBPDSND | p.TSBPDRCV | p.HAICRYPT | p.TLPKTDROP | p.NAKREPORT | p.REXMITFLG

# SRT_REJECT_REASON codes (srt.h) that say something to the host.
REJ_PEER, REJ_RESOURCE, REJ_ROGUE, REJ_BACKLOG, REJ_CLOSE, REJ_VERSION = 2, 3, 4, 5, 7, 8
REJ_BADSECRET, REJ_UNSECURE, REJ_CONGESTION, REJ_FILTER = 10, 11, 13, 14
KM_NOSECRET, KM_BADSECRET = 3, 4
_REASONS = {1: "system error", REJ_PEER: "rejected by the server", REJ_RESOURCE: "server out of resources",
            REJ_ROGUE: "handshake not understood", REJ_BACKLOG: "server busy", 6: "server internal error",
            REJ_CLOSE: "server closing", REJ_VERSION: "SRT version not accepted", 9: "cookie collision",
            REJ_BADSECRET: "wrong passphrase", REJ_UNSECURE: "passphrase required or not expected",
            12: "message/stream mode mismatch", REJ_CONGESTION: "congestion control mismatch",
            REJ_FILTER: "packet filter mismatch", 15: "group mismatch", 16: "timeout",
            1000: "refused", 1001: "stream id key not supported", 1002: "file path wrong", 1003: "host not found",
            1400: "bad request", 1401: "unauthorized", 1402: "overloaded", 1403: "forbidden", 1404: "not found",
            1405: "mode not supported", 1406: "not acceptable", 1409: "conflict", 1415: "media not supported",
            1423: "locked", 1424: "failed dependency", 1500: "server error", 1501: "not implemented",
            1502: "gateway rejected", 1503: "service down", 1505: "version not supported", 1507: "no room"}


class SrtError(ConnectionError):
    """Anything that ends an SRT connection attempt or session."""


class SrtNoAnswer(SrtError, TimeoutError):
    """No SRT listener answered the handshake in time."""


class SrtConnectionLost(SrtError):
    """The peer shut the connection down or went silent."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.strerror = why  # what explain() quotes, like an OS error's reason


class SrtRejected(SrtError):
    """The listener turned the connection down; `code` is SRT's reason (1000+ from access control)."""

    def __init__(self, code: int) -> None:
        self.code = code
        self.reason = _REASONS.get(code, f"code {code}")
        super().__init__(f"SRT connection rejected: {self.reason} ({code})")

    @property
    def bad_passphrase(self) -> bool:
        return self.code in (REJ_BADSECRET, REJ_UNSECURE)

    @property
    def stream_id_refused(self) -> bool:
        """The listener's access control (or its application) refused this stream id."""
        return self.code >= 1000 or self.code in (REJ_PEER, REJ_RESOURCE)


@dataclass(frozen=True, slots=True)
class Agreed:
    """What the handshake settled."""

    peer_id: int
    isn: int
    latency_ms: int
    """The latency the receiver applies to what we send (the larger of both sides' wishes)."""
    flow_window: int
    peer_flags: int


def _send(sock: socket.socket, hs: p.Handshake, start: float) -> None:
    ts = int((time.monotonic() - start) * 1e6)
    sock.send(p.ControlPacket(p.HANDSHAKE, 0, ts, 0, hs.encode()).encode())


def _answer(sock: socket.socket, deadline: float, resend, want: tuple[int, ...]) -> p.Handshake:
    """The next handshake answering ours (re-sending ours every RESEND_S); SrtNoAnswer at the
    deadline, ConnectionRefusedError when the host says nothing listens on the port."""
    next_send = 0.0
    while True:
        now = time.monotonic()
        if now >= deadline:
            raise SrtNoAnswer("no SRT listener answered the handshake")
        if now >= next_send:
            resend()
            next_send = now + RESEND_S
        sock.settimeout(max(0.01, min(next_send, deadline) - now))
        try:
            data = sock.recv(65536)
        except socket.timeout:
            continue
        try:
            packet = p.decode(data)
            if not isinstance(packet, p.ControlPacket) or packet.type != p.HANDSHAKE:
                continue
            hs = p.Handshake.decode(packet.body)
        except ValueError:
            continue  # not for us / garbled: keep waiting for the real answer
        if hs.rejection is not None:
            raise SrtRejected(hs.rejection)
        if hs.req_type in want:
            return hs


def handshake(sock: socket.socket, *, host: str, socket_id: int, isn: int, start: float, timeout_s: float,
              latency_ms: int, stream_id: str | None = None, passphrase: str | None = None,
              key_len: int = 16) -> tuple[Agreed, StreamKey | None]:
    """Connect `sock` (a UDP socket already `connect()`ed to the listener) as an SRT caller."""
    deadline = time.monotonic() + timeout_s
    peer_ip = p.peer_ip_field(host)
    induction = p.Handshake(4, p.UDT_DGRAM, isn, MSS, FLOW_WINDOW, p.URQ_INDUCTION, socket_id, 0, peer_ip)
    reply = _answer(sock, deadline, lambda: _send(sock, induction, start), (p.URQ_INDUCTION,))
    if reply.version < 5 or reply.type & 0xFFFF != p.SRT_MAGIC:
        raise SrtRejected(REJ_VERSION)  # an HSv4 (pre-1.3) listener: no stream id, no HSv5
    key = None
    ext_flags = p.HS_EXT_HSREQ
    extensions = [(p.CMD_HSREQ, p.hsreq(SRT_VERSION, FLAGS, latency_ms, latency_ms))]
    if passphrase:
        advertised = (reply.type >> 16) & 0x7  # the listener's PBKEYLEN/8 wins when it sets one
        key = StreamKey.random(advertised * 8 if advertised in (2, 3, 4) else key_len)
        ext_flags |= p.HS_EXT_KMREQ
        extensions.append((p.CMD_KMREQ, key.km_message(passphrase)))
    if stream_id:
        ext_flags |= p.HS_EXT_CONFIG
        extensions.append((p.CMD_SID, p.encode_string(stream_id)))
    enc_flags = (len(key.sek) // 8) if key else 0
    conclusion = p.Handshake(5, enc_flags << 16 | ext_flags, isn, MSS, FLOW_WINDOW, p.URQ_CONCLUSION, socket_id,
                             reply.cookie, peer_ip, extensions)
    answer = _answer(sock, deadline, lambda: _send(sock, conclusion, start), (p.URQ_CONCLUSION,))
    latency, flags = latency_ms, 0
    hsrsp = answer.extension(p.CMD_HSRSP)
    if hsrsp is not None and len(hsrsp) >= 12:
        _version, flags, _rcv, snd = p.parse_hsreq(hsrsp)
        latency = max(latency_ms, snd)
    kmrsp = answer.extension(p.CMD_KMRSP)
    if key is not None and kmrsp is not None and len(kmrsp) == 4:
        # libsrt writes this one status word in host order: read it whichever way gives a state.
        state = min(int.from_bytes(kmrsp, "big"), int.from_bytes(kmrsp, "little"))
        if state in (KM_BADSECRET, KM_NOSECRET):  # connected, but the listener cannot decrypt: useless
            raise SrtRejected(REJ_BADSECRET if state == KM_BADSECRET else REJ_UNSECURE)
    return Agreed(answer.socket_id, isn, latency, answer.flow_window, flags), key
