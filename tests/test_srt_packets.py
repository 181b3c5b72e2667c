"""SRT wire formats (console/output/srt): encode/decode round trips, the reference
implementation's quirks, keying material, URL options — and the handshake against a tiny
listener on 127.0.0.1 that speaks each answer a real one can give. (The same caller against real
libsrt: tests/test_output_srt.py.)"""

from __future__ import annotations

import socket
import struct
import threading

import pytest
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap
from hypothesis import given
from hypothesis import strategies as st

from console.output.srt import SrtNoAnswer, SrtOptions, SrtRejected
from console.output.srt import packets as p
from console.output.srt.crypto import StreamKey, parse_km_message
from console.output.srt.handshake import handshake

u32 = st.integers(0, 0xFFFF_FFFF)
seqs = st.integers(0, p.SEQ_MASK)


@given(seqs, st.integers(0, p.MSGNO_MASK), u32, u32, st.binary(max_size=1316), st.integers(0, 2), st.booleans())
def test_data_packets_round_trip(seq, msgno, ts, dest, payload, key, rexmit):
    packet = p.DataPacket(seq, msgno, ts, dest, payload, key=key, rexmit=rexmit)
    assert p.decode(packet.encode()) == packet


def test_data_header_bits_are_where_the_draft_puts_them():
    raw = p.data_header(0x1234, 5, 1_000_000, 0xABCD, key=1, rexmit=True)
    seq, msg, ts, dest = struct.unpack(">IIII", raw)
    assert seq == 0x1234 and ts == 1_000_000 and dest == 0xABCD
    assert msg >> 30 == 0b11  # PP: a solo packet (one message, one packet)
    assert (msg >> 27) & 3 == 1 and (msg >> 26) & 1 == 1 and msg & p.MSGNO_MASK == 5


@given(st.integers(0, 0x7FFF), st.integers(0, 0xFFFF), u32, u32, u32, st.binary(max_size=64))
def test_control_packets_round_trip(kind, subtype, info, ts, dest, body):
    packet = p.ControlPacket(kind, info, ts, dest, body, subtype)
    decoded = p.decode(packet.encode())
    assert decoded == packet and decoded.encode()[0] & 0x80


def test_short_or_truncated_input_is_refused():
    with pytest.raises(ValueError):
        p.decode(b"\x80\x00")
    with pytest.raises(ValueError):
        p.Handshake.decode(bytes(20))
    hs = p.Handshake(5, 1, 0, 1500, 8192, -1, 7, 0, bytes(16), [(p.CMD_SID, b"abcd")]).encode()
    with pytest.raises(ValueError):
        p.Handshake.decode(hs[:-2] + b"")  # the extension says one word, less is there
    with pytest.raises(ValueError):
        p.decode_loss_list(struct.pack(">I", 0x8000_0005))  # a range without its end


@given(st.text(max_size=200))
def test_stream_id_round_trips(text):
    assert p.decode_string(p.encode_string(text)) == text.rstrip("\0")


def test_stream_id_words_are_byte_reversed_like_libsrt():
    # The handshake document's own example: "STREAM" is sent as "ERTS\0\0MA".
    assert p.encode_string("STREAM") == b"ERTS\0\0MA"


@given(st.lists(st.tuples(seqs, st.integers(0, 500)), max_size=20))
def test_loss_lists_round_trip(pairs):
    ranges = [(first, p.seq_add(first, n)) for first, n in pairs]
    assert p.decode_loss_list(p.encode_loss_list(ranges)) == ranges


def test_loss_list_single_and_range_encoding():
    body = p.encode_loss_list([(7, 7), (10, 12)])
    assert struct.unpack(">III", body) == (7, 0x8000_000A, 12)


@given(seqs, st.integers(-1_000_000, 1_000_000))
def test_sequence_numbers_wrap(seq, n):
    assert p.seq_diff(p.seq_add(seq, n), seq) == n


@given(u32, u32, u32, st.integers(-2000, 3000), u32, u32,
       st.lists(st.tuples(st.integers(1, 8), st.binary(max_size=40)), max_size=4))
def test_handshakes_round_trip(version, kind, isn, req, sid, cookie, extensions):
    extensions = [(c, b + bytes(-len(b) % 4)) for c, b in extensions]
    hs = p.Handshake(version, kind, isn, 1500, 8192, req, sid, cookie, bytes(range(16)), extensions)
    assert p.Handshake.decode(hs.encode()) == hs


def test_hsreq_latency_halves():
    body = p.hsreq(0x10501, p.TSBPDSND | p.TLPKTDROP, 300, 120)
    assert p.parse_hsreq(body) == (0x10501, p.TSBPDSND | p.TLPKTDROP, 300, 120)
    assert struct.unpack(">III", body)[2] == 300 << 16 | 120


def test_keying_material_unwraps_with_the_passphrase_only():
    key = StreamKey.random(16)
    km = key.km_message("correct horse battery")
    assert km[0] == 0x12 and km[1:3] == b"\x20\x29" and km[3] == 1  # v1, KM, 'HAI', even key
    assert km[14:16] == bytes([4, 4]) and len(km) == 16 + 16 + 24
    assert parse_km_message(km, "correct horse battery") == key
    with pytest.raises(InvalidUnwrap):
        parse_km_message(km, "wrong horse battery!")


def test_payload_cipher_is_ctr_on_the_sequence_number():
    key = StreamKey(bytes(range(16)), bytes(range(100, 116)))
    payload = bytes(1316)
    a, b = key.encrypt(1, payload), key.encrypt(2, payload)
    assert a != b and len(a) == 1316
    assert key.encrypt(1, a) == payload  # CTR: the same operation decrypts


@pytest.mark.parametrize("url, words", [
    ("srt://host", "port"), ("srt://h:9000?mode=listener", "mode=listener"), ("srt://h:9000?latency=5", "latency"),
    ("srt://h:9000?passphrase=short", "10 to 79"), ("srt://h:9000?pbkeylen=8", "pbkeylen"), ("rtmp://h/x", "srt://"),
])
def test_bad_srt_urls_say_what_is_wrong(url, words):
    with pytest.raises(ValueError, match=words):
        SrtOptions.from_url(url)


def test_srt_url_options():
    opts = SrtOptions.from_url("srt://ingest.example:9000?streamid=%23%21%3A%3Ar%3Dlive&latency=300&passphrase=0123456789")
    assert (opts.host, opts.port, opts.stream_id, opts.latency_ms, opts.passphrase) == (
        "ingest.example", 9000, "#!::r=live", 300, "0123456789")
    assert SrtOptions.from_url("srt://h:1?latency=200000").latency_ms == 200  # FFmpeg-style microseconds


class ScriptedListener:
    """Answers the induction like an HSv5 listener, then the conclusion with `conclusion(hs)`."""

    def __init__(self, conclusion, induction_version: int = 5) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.conclusion, self.version, self.seen = conclusion, induction_version, []
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                data, peer = self.sock.recvfrom(65536)
            except OSError:
                return
            hs = p.Handshake.decode(p.decode(data).body)
            self.seen.append(hs)
            if hs.req_type == p.URQ_INDUCTION:
                reply = p.Handshake(self.version, p.SRT_MAGIC if self.version == 5 else p.UDT_DGRAM, hs.isn, 1500, 8192,
                                    p.URQ_INDUCTION, 99, 0xC00C1E, hs.peer_ip)
            else:
                reply = self.conclusion(hs)
            self.sock.sendto(p.ControlPacket(p.HANDSHAKE, 0, 0, hs.socket_id, reply.encode()).encode(), peer)

    def connect(self, **kwargs):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.connect(("127.0.0.1", self.port))
        try:
            return handshake(sock, host="127.0.0.1", socket_id=1234, isn=555, start=0.0, timeout_s=5.0,
                             latency_ms=120, **kwargs)
        finally:
            sock.close()
            self.sock.close()


def _accept(latency=250):
    def answer(hs):
        return p.Handshake(5, p.HS_EXT_HSREQ, hs.isn, 1500, 4096, p.URQ_CONCLUSION, 99, 0, hs.peer_ip,
                           [(p.CMD_HSRSP, p.hsreq(0x10501, 0xBF, latency, latency))])
    return answer


def test_caller_handshake_sends_cookie_stream_id_latency_and_key():
    listener = ScriptedListener(_accept(latency=250))
    agreed, key = listener.connect(stream_id="#!::r=live/k,m=publish", passphrase="0123456789abc")
    induction, conclusion = listener.seen[0], listener.seen[-1]
    assert (induction.version, induction.type, induction.cookie) == (4, p.UDT_DGRAM, 0)
    assert conclusion.version == 5 and conclusion.cookie == 0xC00C1E and conclusion.socket_id == 1234
    assert conclusion.type & 0xFFFF == p.HS_EXT_HSREQ | p.HS_EXT_KMREQ | p.HS_EXT_CONFIG and conclusion.type >> 16 == 2
    assert p.decode_string(conclusion.extension(p.CMD_SID)) == "#!::r=live/k,m=publish"
    _v, flags, rcv, snd = p.parse_hsreq(conclusion.extension(p.CMD_HSREQ))
    assert flags & p.TSBPDSND and flags & p.TLPKTDROP and flags & p.NAKREPORT and flags & p.REXMITFLG
    assert (rcv, snd) == (120, 120)
    assert parse_km_message(conclusion.extension(p.CMD_KMREQ), "0123456789abc") == key
    assert (agreed.peer_id, agreed.latency_ms, agreed.flow_window) == (99, 250, 4096)  # the larger latency wins


@pytest.mark.parametrize("code, bad_passphrase, stream_id_refused", [(10, True, False), (1403, False, True), (1401, False, True), (13, False, False)])
def test_rejections_are_classified(code, bad_passphrase, stream_id_refused):
    def reject(hs):
        return p.Handshake(5, 0, hs.isn, 1500, 8192, p.URQ_FAILURE_TYPES + code, 99, 0, hs.peer_ip)
    with pytest.raises(SrtRejected) as caught:
        ScriptedListener(reject).connect(stream_id="k")
    assert caught.value.code == code
    assert (caught.value.bad_passphrase, caught.value.stream_id_refused) == (bad_passphrase, stream_id_refused)


def test_an_hsv4_listener_is_refused_in_words():
    with pytest.raises(SrtRejected, match="version"):
        ScriptedListener(_accept(), induction_version=4).connect()


def test_silence_is_no_answer_and_a_closed_port_is_refused():
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect(silent.getsockname())
    with pytest.raises(SrtNoAnswer):
        handshake(sock, host="127.0.0.1", socket_id=1, isn=1, start=0.0, timeout_s=0.6, latency_ms=120)
    port = silent.getsockname()[1]
    silent.close()
    sock.close()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect(("127.0.0.1", port))
    with pytest.raises(ConnectionRefusedError):
        handshake(sock, host="127.0.0.1", socket_id=1, isn=1, start=0.0, timeout_s=5.0, latency_ms=120)
    sock.close()


def test_srt_stream_id_and_passphrase_go_to_the_keyring_together():
    from console.output.push_config import destination, redact_url, split_key

    url = "srt://ingest.example:9000?latency=200&streamid=SID-1&passphrase=pass-phrase-1"
    address, key = split_key(url)
    assert address == "srt://ingest.example:9000?latency=200" and key == "streamid=SID-1&passphrase=pass-phrase-1"
    again = destination(address, name="x", key=key)
    opts = SrtOptions.from_url(again.url)
    assert (opts.stream_id, opts.passphrase, opts.latency_ms) == ("SID-1", "pass-phrase-1", 200)
    assert destination("srt://h:9000", name="y", key="plain-id").url == "srt://h:9000?streamid=plain-id"
    assert "pass" not in redact_url(again.url) and "SID" not in redact_url(again.url)


def test_a_bad_srt_destination_is_refused_when_configured():
    from console.output.push_config import PushConfigError, destination

    with pytest.raises(PushConfigError, match="passphrase"):
        destination("srt://h:9000?streamid=a&passphrase=short", name="z")


def test_the_destinations_dialog_keeps_an_srt_passphrase_out_of_the_settings():
    from console.output.push_saved import entry_for

    entry, key, dest = entry_for("srt://ingest.example:9000?latency=200&passphrase=pass-phrase-1", key="SID-1")
    assert "pass-phrase-1" not in str(entry) and "SID-1" not in str(entry)
    assert key == "streamid=SID-1&passphrase=pass-phrase-1"
    opts = SrtOptions.from_url(dest.url)
    assert (opts.stream_id, opts.passphrase, opts.latency_ms) == ("SID-1", "pass-phrase-1", 200)
