"""The push output to SRT destinations against REAL libsrt: Debian's srt-live-transmit listening on
127.0.0.1 (packaging/os-deps.sh --test installs srt-tools), receiving from our Python caller.

What the listener received (MPEG-TS, as libsrt delivered it) is read back with PyAV and checked
like the RTMP recordings: size, frame rate, duration, audio track, keyframe interval. A lossy UDP
proxy between caller and listener drops every 20th data packet and the stream still arrives whole
(NAK → retransmission); a listener restart mid-push reconnects; nobody listening, a refused
stream id and a wrong passphrase are explained in words while the other destinations go on.
No wall-clock assertions: frames carry synthetic capture times, every wait is on a condition.
"""

from __future__ import annotations

import socket
import sys
import threading

import numpy as np
import pytest

import tests.test_output_push as push_tests  # its Feeder, make_push and analyse: one copy of each
from console.core import actions
from console.core.signal import Signal
from console.output.push_config import Destination
from console.output.srt import packets as p
from tests.waiting import wait_until

LAND = push_tests.LAND


@pytest.fixture
def srt_listener(tmp_path):
    """Start srt-live-transmit listeners on 127.0.0.1 (recording to files); closed after the test."""
    from console.cli import srt_server

    missing = srt_server.available()
    if missing:
        if sys.platform.startswith("linux"):
            pytest.fail(f"the SRT push tests need libsrt's srt-live-transmit: {missing}")
        pytest.skip(missing)
    started = []

    def start(**kwargs):
        listener = srt_server.SrtListener(tmp_path / f"srt{len(started)}", **kwargs)
        started.append(listener)
        return listener.start()

    yield start
    for listener in started:
        listener.close()


def feed(push, program):
    feeder = push_tests.Feeder(program)
    feeder.encoders = list(push.encoders.values())
    return feeder


def check_stream(info, frames=None):
    assert info["size"] == (320, 180)
    assert info["decoded"] == info["frames"], info  # every frame decodes: nothing lost on the way
    if frames is not None:
        assert info["frames"] == frames, info
    assert abs(float(info["rate"]) - 30) < 1.0, info["rate"]
    assert info["audio"] == ("aac", 48000, 2)
    # A keyframe at least every second (the preset's interval; one extra where a connection asked).
    assert info["keys"][0] == 0 and max(np.diff(info["keys"]).tolist() + [info["frames"] - info["keys"][-1]]) <= 30, info["keys"]


def test_program_reaches_an_srt_listener_with_rate_audio_and_keyframes(srt_listener):
    listener = srt_listener()
    program, notes, logged = Signal("program"), [], []
    manager, push = push_tests.make_push(program, [Destination("srt", listener.url("live/secret-key"), LAND)], notes, logged)
    feeder = feed(push, program)
    s = push.senders[0]
    try:
        wait_until(lambda: s.state == "live", what="SRT destination live")
        feeder.start(limit=150)
        wait_until(lambda: feeder.sent >= 150, what="150 frames fed")
        wait_until(lambda: s.queued == 0 and s.encoder.queued == 0, what="queues drained")
        wait_until(lambda: s.link.caller.unacknowledged == 0, what="everything acknowledged by libsrt")
        status = push.status()
    finally:
        feeder.stop()
        manager.stop_all()
    assert listener.wait_done(), "the listener saw the caller leave (SHUTDOWN)"
    assert status.state == "running" and status.dropped == 0
    info = push_tests.analyse(listener.recordings[0])
    check_stream(info, frames=150)
    assert abs(info["video_span"] - 149 / 30) < 0.1, info["video_span"]
    assert info["audio_span"] > 3.0 and info["keys"] == [0, 30, 60, 90, 120]
    health = [d for n, d in logged if n == actions.OUTPUT_HEALTH]
    assert health and health[-1]["dropped"] == 0 and health[-1]["reconnects"] == 0
    assert "secret-key" not in str(logged) + " ".join(notes)  # the stream id never reaches the log


class LossyProxy:
    """UDP between caller and listener that drops every `nth` first-time data packet one way."""

    def __init__(self, target_port: int, nth: int = 20) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.target = ("127.0.0.1", target_port)
        self.nth, self.data, self.dropped, self.rexmits = nth, 0, 0, 0
        self.client = None
        self.up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.up.connect(self.target)
        self._stop = threading.Event()
        threading.Thread(target=self._down, daemon=True).start()
        threading.Thread(target=self._back, daemon=True).start()

    def _down(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                data, self.client = self.sock.recvfrom(65536)
            except OSError:
                continue
            packet = p.decode(data)
            if isinstance(packet, p.DataPacket):
                if packet.rexmit:
                    self.rexmits += 1
                else:
                    self.data += 1
                    if self.data % self.nth == 0:
                        self.dropped += 1
                        continue
            self.up.send(data)

    def _back(self) -> None:
        self.up.settimeout(0.1)
        while not self._stop.is_set():
            try:
                data = self.up.recv(65536)
            except OSError:
                continue
            if self.client:
                self.sock.sendto(data, self.client)

    def close(self) -> None:
        self._stop.set()


def test_lost_packets_are_retransmitted_and_the_stream_arrives_whole(srt_listener):
    listener = srt_listener()
    proxy = LossyProxy(listener.port, nth=20)
    program, notes, logged = Signal("program"), [], []
    url = f"srt://127.0.0.1:{proxy.port}?streamid=lossy"
    manager, push = push_tests.make_push(program, [Destination("lossy", url, LAND)], notes, logged)
    feeder = feed(push, program)
    s = push.senders[0]
    try:
        wait_until(lambda: s.state == "live", what="SRT destination live through the proxy")
        feeder.start(limit=150)
        wait_until(lambda: feeder.sent >= 150 and s.queued == 0, what="150 frames fed and sent")
        caller, dropped = s.link.caller, proxy.dropped
        # Every packet dropped so far comes again (later ones may still be on their way back).
        wait_until(lambda: caller.retransmitted >= dropped and proxy.rexmits >= dropped,
                   what=lambda: f"retransmissions: dropped {dropped}, resent {caller.retransmitted}")
        retransmitted, naks, rexmits = caller.retransmitted, caller.naks, proxy.rexmits
    finally:
        feeder.stop()
        manager.stop_all()
        proxy.close()
    assert listener.wait_done()
    assert dropped >= 5 and naks >= 1 and retransmitted >= dropped and rexmits >= dropped, (dropped, naks, retransmitted, rexmits)
    info = push_tests.analyse(listener.recordings[0])
    check_stream(info, frames=150)  # no gap: every dropped packet came again
    assert s.reconnects == 0


def test_listener_restart_mid_push_reconnects_and_the_stream_continues(srt_listener):
    listener = srt_listener()
    program, notes, logged = Signal("program"), [], []
    manager, push = push_tests.make_push(program, [Destination("again", listener.url("again"), LAND)], notes, logged)
    feeder = feed(push, program)
    s = push.senders[0]
    try:
        feeder.start()
        wait_until(lambda: s.state == "live" and s.sent_video > 30, what="first connection live")
        listener.stop()  # the server goes away mid-show
        wait_until(lambda: s.state == "reconnecting", what="reconnecting")
        fed_while_down = feeder.sent
        listener.start()
        wait_until(lambda: s.state == "live" and s.connects == 2, what="second connection live")
        sent_before = s.sent_video
        assert feeder.sent > fed_while_down  # the session never stopped
        wait_until(lambda: s.sent_video > sent_before + 45, what="frames after reconnecting")
    finally:
        feeder.stop()
        manager.stop_all()
    assert listener.wait_done()
    assert s.reconnects >= 1 and any("again: connection lost" in n for n in notes), notes
    first, second = (push_tests.analyse(path) for path in listener.recordings)
    assert first["frames"] > 0 and first["keys"][0] == 0  # cut short by the crash, but it began whole
    check_stream(second)
    assert second["frames"] > 45
    states = [d["state"] for n, d in logged if n == actions.OUTPUT_STATUS]
    changes = [st for i, st in enumerate(states) if i == 0 or states[i - 1] != st]
    assert changes[:3] == ["live", "reconnecting", "live"], states


class RejectingListener:
    """A listener that answers the induction like libsrt and rejects every conclusion with
    `code` (1403: access control refusing the stream id), noting the stream ids it was offered."""

    def __init__(self, code: int = 1403) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.code, self.stream_ids = code, []
        self._stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(65536)
                hs = p.Handshake.decode(p.decode(data).body)
            except (OSError, ValueError, AttributeError):
                continue
            if hs.req_type == p.URQ_INDUCTION:
                reply = p.Handshake(5, p.SRT_MAGIC, hs.isn, 1500, 8192, p.URQ_INDUCTION, 4242, 0x1234, hs.peer_ip)
            else:
                sid = hs.extension(p.CMD_SID)
                self.stream_ids.append(p.decode_string(sid) if sid else None)
                reply = p.Handshake(5, 0, hs.isn, 1500, 8192, p.URQ_FAILURE_TYPES + self.code, 4242, 0, hs.peer_ip)
            self.sock.sendto(p.ControlPacket(p.HANDSHAKE, 0, 0, hs.socket_id, reply.encode()).encode(), peer)

    def close(self) -> None:
        self._stop.set()


def test_nobody_listening_refused_stream_id_and_wrong_passphrase_are_explained(srt_listener):
    from console.cli.srt_server import free_udp_port

    secure = srt_listener(passphrase="right-passphrase")
    guarded = srt_listener(passphrase="right-passphrase")  # libsrt turns the wrong one down here
    rejecting = RejectingListener(1403)
    nobody = free_udp_port()
    program, notes, logged = Signal("program"), [], []
    dests = [Destination("good", secure.url("good", passphrase="right-passphrase"), LAND),
             Destination("wrongpass", guarded.url("good", passphrase="wrong-passphrase"), LAND),
             Destination("refusedid", f"srt://127.0.0.1:{rejecting.port}?streamid=not-the-key", LAND),
             Destination("nobody", f"srt://127.0.0.1:{nobody}?streamid=k", LAND)]
    manager, push = push_tests.make_push(program, dests, notes, logged, connect_timeout_s=3.0)
    feeder = feed(push, program)
    good, wrong, refused, nobody_sender = push.senders
    try:
        feeder.start()
        wait_until(lambda: min(wrong.reconnects, refused.reconnects, nobody_sender.reconnects) >= 2,
                   what=lambda: f"failures retried: {[(s.dest.name, s.state, s.reconnects) for s in push.senders]}")
        wait_until(lambda: good.state == "live" and good.sent_video > 60, what="the good destination keeps sending")
        errors = {s.dest.name: s.last_error for s in push.senders}
        status = push.status()
    finally:
        feeder.stop()
        manager.stop_all()
        rejecting.close()
    assert "passphrase" in errors["wrongpass"] and "wrongpass" in errors["wrongpass"], errors
    assert "stream key" in errors["refusedid"] and "forbidden" in errors["refusedid"], errors
    assert rejecting.stream_ids and set(rejecting.stream_ids) == {"not-the-key"}  # the SID arrived as sent
    assert "nothing accepts streams" in errors["nobody"] and str(nobody) in errors["nobody"], errors
    assert status.state == "running"
    assert {d["destination"]: d["state"] for d in status.detail["destinations"]}["good"] == "live"
    said = " ".join(notes) + str(logged) + " ".join(errors.values())
    for secret in ("right-passphrase", "wrong-passphrase", "not-the-key"):
        assert secret not in said
    assert secure.wait_done()
    info = push_tests.analyse(secure.recordings[0])  # encrypted on the wire, decrypted by libsrt
    check_stream(info)
    assert info["frames"] > 60


def test_encrypted_push_to_an_ffmpeg_listener_decodes(tmp_path):
    """The other libsrt peer hosts meet: FFmpeg (Debian's, built with libsrt) listening with a
    passphrase, copying what it receives into a file."""
    import shutil
    import subprocess

    from console.cli.srt_server import answers_induction, free_udp_port

    if not shutil.which("ffmpeg"):
        if sys.platform.startswith("linux"):
            pytest.fail("the SRT interop test needs ffmpeg (packaging/os-deps.sh --test installs it)")
        pytest.skip("no ffmpeg")
    port, out = free_udp_port(), tmp_path / "ffmpeg.ts"
    proc = subprocess.Popen(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i",
                             f"srt://127.0.0.1:{port}?mode=listener&passphrase=ffmpeg-passphrase", "-c", "copy",
                             "-f", "mpegts", str(out)], stderr=subprocess.PIPE)
    try:
        wait_until(lambda: answers_induction(port) or proc.poll() is not None, what="ffmpeg listening")
        assert proc.poll() is None, proc.stderr.read()
        program, notes, logged = Signal("program"), [], []
        url = f"srt://127.0.0.1:{port}?streamid=ff&passphrase=ffmpeg-passphrase"
        manager, push = push_tests.make_push(program, [Destination("ffmpeg", url, LAND)], notes, logged)
        feeder = feed(push, program)
        s = push.senders[0]
        try:
            wait_until(lambda: s.state == "live", what="live to ffmpeg")
            feeder.start(limit=90)
            wait_until(lambda: feeder.sent >= 90 and s.queued == 0 and s.encoder.queued == 0, what="90 frames sent")
            wait_until(lambda: s.link.caller.unacknowledged == 0, what="acknowledged by ffmpeg's libsrt")
        finally:
            feeder.stop()
            manager.stop_all()
        proc.wait(30)  # the caller's SHUTDOWN ends ffmpeg's input: it finishes the file and exits
        assert proc.returncode == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
    info = push_tests.analyse(out)
    check_stream(info, frames=90)
    assert info["keys"] == [0, 30, 60]


def test_bench_output_over_srt_runs_tiny_and_reads_its_stamps_back():
    """`live-console bench output --to srt` end to end, tiny: figures printed, never asserted as speeds."""
    import json
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "console", "bench", "output", "--to", "srt", "--seconds", "3",
                           "--warmup", "3", "--size", "640x360", "--json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(proc.stdout)
    assert figures["player_error"] is None and "srt" in figures["to"]
    assert figures["received_size"] == ["640x360"] and figures["unreadable_stamps"] == 0
    assert figures["reconnects"] == 0 and figures["delivered_fps"] > 0


def test_timestamps_crossing_their_32_bit_wrap_keep_the_stream_whole(srt_listener):
    """SRT timestamps are µs in 32 bits: they wrap every 71.6 minutes, within any long show.
    Starting 1 s before the wrap, libsrt must deliver every payload across it, in order."""
    import time

    from console.output.srt import SrtCaller, SrtOptions

    listener = srt_listener()
    caller = SrtCaller(SrtOptions.from_url(listener.url("wrap")), epoch_us=(1 << 32) - 1_000_000)
    caller.connect(10.0)
    start = time.monotonic()
    sent = 0
    while sent < 100 or caller._now_us() < (1 << 32) + 500_000:  # well past the wrap
        caller.send((b"\x47" + sent.to_bytes(4, "big") + bytes(183)) * 7)
        sent += 1
        # Paced by the listener's acknowledgements (a condition), not by a fixed sleep: a busy
        # machine only makes the crossing take longer.
        wait_until(lambda: caller.unacknowledged < 8, interval=0.002, what="the listener acknowledging")
        assert time.monotonic() - start < 120
    caller.close()
    assert listener.wait_done()
    data = listener.recordings[0].read_bytes()
    got = [int.from_bytes(data[i + 1 : i + 5], "big") for i in range(0, len(data), 1316)]
    assert got == list(range(sent)) and caller.dropped == 0
