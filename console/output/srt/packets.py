"""SRT packets on the wire: encode and decode, nothing else (pure, no sockets, no clock).

Every SRT packet starts with four 32-bit big-endian words. Data packets: sequence number (top bit
0), message number word (PP position, O in-order, KK key, R retransmitted, 26-bit message
number), timestamp in µs since the sender's start, destination socket id. Control packets: top
bit 1, 15-bit type, 16-bit subtype, a type-specific word, timestamp, destination socket id, then
the control body. Sequence numbers are 31-bit and wrap, hence `seq_add` / `seq_diff`.

The handshake body is the legacy UDT structure followed by HSv5 extension blocks (16-bit command,
16-bit length in words). One quirk of the reference implementation is part of the protocol:
string extensions (stream id, congestion controller) are NUL-padded to whole words and each
4-byte word is byte-reversed, because libsrt copies the string into host-order words before
converting every control word to network order.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass, field

SEQ_MASK = 0x7FFF_FFFF
MSGNO_MASK = 0x03FF_FFFF
HEADER = struct.Struct(">IIII")

# Control packet types.
HANDSHAKE, KEEPALIVE, ACK, NAK, CGWARNING, SHUTDOWN, ACKACK, DROPREQ, PEERERROR = range(9)
EXT = 0x7FFF

# Handshake request types (signed 32-bit on the wire) and rejections (1000 + reason).
URQ_INDUCTION, URQ_WAVEAHAND, URQ_CONCLUSION, URQ_AGREEMENT = 1, 0, -1, -2
URQ_FAILURE_TYPES = 1000
UDT_DGRAM = 2
SRT_MAGIC = 0x4A17
HS_EXT_HSREQ, HS_EXT_KMREQ, HS_EXT_CONFIG = 1, 2, 4

# Handshake extension commands.
CMD_HSREQ, CMD_HSRSP, CMD_KMREQ, CMD_KMRSP, CMD_SID, CMD_CONGESTION, CMD_FILTER, CMD_GROUP = range(1, 9)

# HSREQ flags.
TSBPDSND, TSBPDRCV, HAICRYPT, TLPKTDROP, NAKREPORT, REXMITFLG, STREAM, FILTERCAP = (1 << i for i in range(8))

# Data packet position in message (PP).
PB_SOLO = 3


def seq_add(seq: int, n: int) -> int:
    return (seq + n) & SEQ_MASK


def seq_diff(a: int, b: int) -> int:
    """a − b on the 31-bit circle, as a signed number (what `a` is ahead of `b`)."""
    d = (a - b) & SEQ_MASK
    return d - (SEQ_MASK + 1) if d > SEQ_MASK // 2 else d


# -- data ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DataPacket:
    seq: int
    msgno: int
    timestamp: int
    dest: int
    payload: bytes
    boundary: int = PB_SOLO
    in_order: bool = False
    key: int = 0
    """KK: 0 clear, 1 even key, 2 odd key."""
    rexmit: bool = False

    def encode(self) -> bytes:
        word = ((self.boundary & 3) << 30 | int(self.in_order) << 29 | (self.key & 3) << 27
                | int(self.rexmit) << 26 | (self.msgno & MSGNO_MASK))
        return HEADER.pack(self.seq & SEQ_MASK, word, self.timestamp & 0xFFFF_FFFF, self.dest) + self.payload


def data_header(seq: int, msgno: int, timestamp: int, dest: int, *, key: int = 0, rexmit: bool = False) -> bytes:
    """The 16 header bytes of a live-mode data packet (one packet per message, PP=11)."""
    return DataPacket(seq, msgno, timestamp, dest, b"", key=key, rexmit=rexmit).encode()


# -- control ---------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ControlPacket:
    type: int
    info: int
    """The type-specific word: ACK number in ACK/ACKACK, message number in DROPREQ."""
    timestamp: int
    dest: int
    body: bytes = b""
    subtype: int = 0

    def encode(self) -> bytes:
        first = 0x8000_0000 | (self.type & 0x7FFF) << 16 | (self.subtype & 0xFFFF)
        return HEADER.pack(first, self.info & 0xFFFF_FFFF, self.timestamp & 0xFFFF_FFFF, self.dest) + self.body


def decode(datagram: bytes) -> DataPacket | ControlPacket:
    """A received datagram; ValueError when it cannot be an SRT packet."""
    if len(datagram) < HEADER.size:
        raise ValueError(f"SRT packet too short ({len(datagram)} bytes)")
    first, second, ts, dest = HEADER.unpack_from(datagram)
    body = bytes(datagram[HEADER.size:])
    if first & 0x8000_0000:
        return ControlPacket((first >> 16) & 0x7FFF, second, ts, dest, body, first & 0xFFFF)
    return DataPacket(first, second & MSGNO_MASK, ts, dest, body, boundary=second >> 30, in_order=bool(second >> 29 & 1),
                      key=second >> 27 & 3, rexmit=bool(second >> 26 & 1))


def words(body: bytes) -> list[int]:
    n = len(body) // 4
    return list(struct.unpack(f">{n}I", body[: n * 4]))


# -- handshake -------------------------------------------------------------------------------------
_HS = struct.Struct(">IIIIIiII16s")


@dataclass(slots=True)
class Handshake:
    version: int
    type: int
    """HSv5: encryption flags (PBKEYLEN/8) in the upper 16 bits, extension flags / magic below."""
    isn: int
    mss: int
    flow_window: int
    req_type: int
    socket_id: int
    cookie: int
    peer_ip: bytes = bytes(16)
    extensions: list[tuple[int, bytes]] = field(default_factory=list)

    @property
    def rejection(self) -> int | None:
        """The reason code when this is a rejection (request type ≥ 1000), else None."""
        return self.req_type - URQ_FAILURE_TYPES if self.req_type >= URQ_FAILURE_TYPES else None

    def extension(self, cmd: int) -> bytes | None:
        return next((body for c, body in self.extensions if c == cmd), None)

    def encode(self) -> bytes:
        out = _HS.pack(self.version, self.type, self.isn, self.mss, self.flow_window, self.req_type,
                       self.socket_id, self.cookie, self.peer_ip)
        for cmd, body in self.extensions:
            body = body + bytes(-len(body) % 4)
            out += struct.pack(">HH", cmd, len(body) // 4) + body
        return out

    @classmethod
    def decode(cls, body: bytes) -> "Handshake":
        if len(body) < _HS.size:
            raise ValueError(f"SRT handshake too short ({len(body)} bytes)")
        hs = cls(*_HS.unpack_from(body))
        rest = body[_HS.size:]
        while len(rest) >= 4:
            cmd, size = struct.unpack_from(">HH", rest)
            if 4 + size * 4 > len(rest):
                raise ValueError(f"SRT handshake extension {cmd} runs past the packet")
            hs.extensions.append((cmd, bytes(rest[4 : 4 + size * 4])))
            rest = rest[4 + size * 4 :]
        return hs


def peer_ip_field(host: str) -> bytes:
    """The handshake's peer address field, as libsrt writes it: an IPv4 address in the first
    word with its bytes in host (little-endian) order, i.e. reversed on the wire."""
    try:
        return socket.inet_aton(host)[::-1] + bytes(12)
    except OSError:
        packed = socket.inet_pton(socket.AF_INET6, host)
        return b"".join(packed[i : i + 4][::-1] for i in range(0, 16, 4))


def hsreq(version: int, flags: int, rcv_latency_ms: int, snd_latency_ms: int) -> bytes:
    """HSREQ/HSRSP body: SRT version, flags, receiver latency (upper 16) | sender latency."""
    return struct.pack(">III", version, flags, (rcv_latency_ms & 0xFFFF) << 16 | (snd_latency_ms & 0xFFFF))


def parse_hsreq(body: bytes) -> tuple[int, int, int, int]:
    """(version, flags, receiver latency ms, sender latency ms)."""
    if len(body) < 12:
        raise ValueError("SRT HSREQ/HSRSP extension too short")
    version, flags, latency = struct.unpack_from(">III", body)
    return version, flags, latency >> 16, latency & 0xFFFF


def encode_string(text: str) -> bytes:
    """A string extension (stream id): UTF-8, NUL-padded to whole words, each word reversed."""
    raw = text.encode("utf-8")
    raw += bytes(-len(raw) % 4)
    return b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))


def decode_string(body: bytes) -> str:
    raw = b"".join(body[i : i + 4][::-1] for i in range(0, len(body) - len(body) % 4, 4))
    return raw.rstrip(b"\0").decode("utf-8", "replace")


# -- loss lists, ACK, DROPREQ ----------------------------------------------------------------------
def encode_loss_list(ranges: list[tuple[int, int]]) -> bytes:
    """NAK body: a lone lost sequence number as one word; a range as first|0x80000000, last."""
    out = []
    for first, last in ranges:
        if first == last:
            out.append(first & SEQ_MASK)
        else:
            out += [0x8000_0000 | (first & SEQ_MASK), last & SEQ_MASK]
    return struct.pack(f">{len(out)}I", *out)


def decode_loss_list(body: bytes) -> list[tuple[int, int]]:
    """[(first, last)] inclusive; ValueError on a range missing its end."""
    values, out, i = words(body), [], 0
    while i < len(values):
        v = values[i]
        if v & 0x8000_0000:
            if i + 1 >= len(values):
                raise ValueError("SRT loss list ends inside a range")
            out.append((v & SEQ_MASK, values[i + 1] & SEQ_MASK))
            i += 2
        else:
            out.append((v, v))
            i += 1
    return out


def ack_seq(body: bytes) -> int:
    """The sequence number an ACK acknowledges up to (exclusive: the next one expected)."""
    if len(body) < 4:
        raise ValueError("SRT ACK without a sequence number")
    return struct.unpack_from(">I", body)[0]


def is_light_ack(body: bytes) -> bool:
    """A light ACK carries only the sequence number and is never answered with ACKACK."""
    return len(body) == 4


def dropreq_body(first: int, last: int) -> bytes:
    return struct.pack(">II", first & SEQ_MASK, last & SEQ_MASK)
