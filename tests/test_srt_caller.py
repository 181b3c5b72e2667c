"""The SRT caller's connected life against a scripted peer on 127.0.0.1 — the cases real libsrt
will not produce on demand: a listener that goes silent, one that says SHUTDOWN, a loss report
for a packet long gone, a receiver that never acknowledges (too-late drop keeps the buffer
bounded). Waits are on conditions; the caller's own timers (1 s keepalive, latency + 1 s drop,
the idle limit) decide when things happen."""

from __future__ import annotations

import socket
import threading

import pytest

from console.output.srt import SrtCaller, SrtConnectionLost, SrtOptions
from console.output.srt import packets as p
from tests.waiting import wait_until

PEER_ID = 77


class Peer:
    """Accepts the handshake like an HSv5 listener, then records what the caller sends; control
    packets go back with `say()`. `ack` acknowledges every data packet as it arrives."""

    def __init__(self, *, ack: bool = True) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.ack, self.caller_id, self.addr = ack, None, None
        self.data: list[p.DataPacket] = []
        self.control: list[p.ControlPacket] = []
        self.silent = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def say(self, kind: int, info: int = 0, body: bytes = bytes(4)) -> None:
        self.sock.sendto(p.ControlPacket(kind, info, 0, self.caller_id, body).encode(), self.addr)

    def _run(self) -> None:
        while True:
            try:
                raw, self.addr = self.sock.recvfrom(65536)
            except OSError:
                return
            if self.silent.is_set():
                continue
            packet = p.decode(raw)
            if isinstance(packet, p.DataPacket):
                self.data.append(packet)
                if self.ack:
                    self.say(p.ACK, len(self.data), struct_ack(p.seq_add(packet.seq, 1)))
                continue
            if packet.type != p.HANDSHAKE:
                self.control.append(packet)
                continue
            hs = p.Handshake.decode(packet.body)
            self.caller_id = hs.socket_id
            if hs.req_type == p.URQ_INDUCTION:
                reply = p.Handshake(5, p.SRT_MAGIC, hs.isn, 1500, 8192, p.URQ_INDUCTION, PEER_ID, 9, hs.peer_ip)
            else:
                reply = p.Handshake(5, p.HS_EXT_HSREQ, hs.isn, 1500, 8192, p.URQ_CONCLUSION, PEER_ID, 0, hs.peer_ip,
                                    [(p.CMD_HSRSP, p.hsreq(0x10501, 0xBF, 120, 120))])
            self.sock.sendto(p.ControlPacket(p.HANDSHAKE, 0, 0, hs.socket_id, reply.encode()).encode(), self.addr)

    def of(self, kind: int) -> list[p.ControlPacket]:
        return [c for c in list(self.control) if c.type == kind]

    def close(self) -> None:
        self.sock.close()


def struct_ack(upto: int) -> bytes:
    return upto.to_bytes(4, "big") + bytes(24)  # a full ACK: sequence, RTT, variance, buffer, rates


@pytest.fixture
def peer():
    made = []

    def make(**kwargs):
        made.append(Peer(**kwargs))
        return made[-1]

    yield make
    for one in made:
        one.close()


def connect(peer, **options) -> SrtCaller:
    caller = SrtCaller(SrtOptions("127.0.0.1", peer.port, **options))
    caller.connect(5.0)
    return caller


def test_data_is_sequenced_timestamped_acked_and_answered_with_ackack(peer):
    listener = peer()
    caller = connect(listener)
    try:
        for i in range(10):
            caller.send(bytes([i]) * 188)
        wait_until(lambda: len(listener.data) == 10 and caller.unacknowledged == 0, what="ten packets acknowledged")
        wait_until(lambda: len(listener.of(p.ACKACK)) >= 1, what="ACKACK for a full ACK")
    finally:
        caller.close(linger_s=0)
    seqs = [d.seq for d in listener.data]
    assert seqs == [p.seq_add(seqs[0], i) for i in range(10)] and seqs[0] == caller.agreed.isn
    assert all(d.dest == PEER_ID and d.boundary == p.PB_SOLO and not d.rexmit for d in listener.data)
    assert [d.payload[0] for d in listener.data] == list(range(10))
    stamps = [d.timestamp for d in listener.data]
    assert stamps == sorted(stamps)
    assert listener.of(p.SHUTDOWN), "closing says SHUTDOWN"


def test_loss_reports_are_answered_with_flagged_retransmissions_or_a_drop_request(peer):
    listener = peer(ack=False)
    caller = connect(listener, latency_ms=8000)  # kept 9 s unacknowledged: however slow this machine is
    try:
        for i in range(6):
            caller.send(bytes([i]) * 188)
        wait_until(lambda: len(listener.data) == 6, what="six packets")
        first = listener.data[0].seq
        listener.say(p.NAK, body=p.encode_loss_list([(p.seq_add(first, 1), p.seq_add(first, 1)),
                                                      (p.seq_add(first, 3), p.seq_add(first, 4))]))
        wait_until(lambda: sum(d.rexmit for d in listener.data) == 3, what="three retransmissions")
        resent = [d for d in listener.data if d.rexmit]
        assert [d.seq for d in resent] == [p.seq_add(first, n) for n in (1, 3, 4)]
        assert [d.payload[0] for d in resent] == [1, 3, 4]  # the same bytes, the same timestamps
        assert [d.timestamp for d in resent] == [listener.data[n].timestamp for n in (1, 3, 4)]
        listener.say(p.ACK, 1, struct_ack(p.seq_add(first, 6)))  # all arrived: forgotten
        wait_until(lambda: caller.unacknowledged == 0, what="buffer empty after the ACK")
        listener.say(p.NAK, body=p.encode_loss_list([(first, p.seq_add(first, 2))]))  # asks for what is gone
        wait_until(lambda: listener.of(p.DROPREQ), what="DROPREQ for packets no longer kept")
        drop = listener.of(p.DROPREQ)[0]
        assert p.words(drop.body)[:2] == [first, p.seq_add(first, 2)]
    finally:
        caller.close(linger_s=0)


def test_packets_too_late_to_play_leave_the_buffer(peer):
    listener = peer(ack=False)
    caller = connect(listener)
    try:
        for i in range(5):
            caller.send(bytes(188))
        # Never acknowledged: after latency + 1 s they could not be played anyway.
        wait_until(lambda: caller.unacknowledged == 0 and caller.dropped == 5, what="too-late drop")
        wait_until(lambda: listener.of(p.DROPREQ), what="the listener told")
        first = listener.data[0].seq
        assert p.words(listener.of(p.DROPREQ)[0].body)[:2] == [first, p.seq_add(first, 4)]
        assert caller.alive
    finally:
        caller.close(linger_s=0)


def test_keepalives_flow_when_there_is_nothing_to_send(peer):
    listener = peer()
    caller = connect(listener)
    try:
        wait_until(lambda: len(listener.of(p.KEEPALIVE)) >= 2, what="keepalives about every second")
    finally:
        caller.close(linger_s=0)


def test_peer_shutdown_is_a_lost_connection(peer):
    listener = peer()
    caller = connect(listener)
    listener.say(p.SHUTDOWN)
    wait_until(lambda: not caller.alive, what="SHUTDOWN noticed")
    with pytest.raises(SrtConnectionLost, match="closed"):
        caller.send(bytes(188))
    caller.close()


def test_a_silent_peer_is_a_lost_connection(peer):
    listener = peer()
    caller = connect(listener, peer_idle_s=1.0)
    listener.silent.set()  # no ACK, no keepalive, nothing
    wait_until(lambda: not caller.alive, what="silence noticed")
    with pytest.raises(SrtConnectionLost, match="no answer"):
        caller.send(bytes(188))
    caller.close()


def test_oversized_payloads_are_refused(peer):
    caller = connect(peer())
    with pytest.raises(ValueError):
        caller.send(bytes(1317))
    caller.close(linger_s=0)


def test_an_unknown_host_is_said_in_words():
    from console.output.push_config import Destination, Preset
    from console.output.push_sender import explain
    from console.output.push_transport import open_link

    dest = Destination("nowhere", "srt://no-such-host.invalid:9000?streamid=sekrit", Preset(320, 180))
    with pytest.raises(OSError) as caught:
        open_link(dest, None, None, 2.0)
    words = explain(caught.value, dest, was_live=False)
    assert "cannot find the server" in words and "sekrit" not in words
