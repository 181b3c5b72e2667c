"""The push output against a REAL RTMP server: Debian's nginx with libnginx-mod-rtmp on 127.0.0.1,
started by the tests on a free port (packaging/os-deps.sh --test installs it; `make test` runs that).

What the server received is read back with PyAV — live over RTMP, and from nginx's own recording
of each publish — and checked: size, frame rate, duration, audio track, keyframe interval. A
server restart mid-push reconnects and the stream continues; a wrong key or a refused connection
is explained in words and the other destinations keep going. No wall-clock assertions: frames
carry synthetic capture times, and every wait is on a condition with a generous deadline.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from fractions import Fraction

import av
import numpy as np
import pytest

from console.cli.rtmp_server import free_port
from console.core import actions
from console.core.signal import Signal
from console.output.manager import OutputManager
from console.output.push_config import Destination, Preset
from console.output.registry import OutputContext
from console.providers.reconnect import ReconnectPolicy
from console.video.frames import Frame
from tests.waiting import wait_until

LAND = Preset(320, 180, 30, 500, 1.0)
PORTRAIT = Preset(180, 320, 30, 500, 1.0)


@pytest.fixture
def server(rtmp_server):
    return rtmp_server(accepted_keys={"land", "portrait", "twin", "good", "again"})


class Feeder:
    """Program frames at 30 fps with synthetic capture times (frame i at base + i/30): the stream's
    timing does not depend on how fast this machine is. It waits for the encoders to keep up
    instead of letting frames drop, so counts are exact."""

    def __init__(self, program: Signal, size=(640, 360)) -> None:
        self.program, self.size = program, size
        self.sent = 0
        self.base = time.monotonic()
        self._stop = threading.Event()
        self._limit: int | None = None
        self.encoders: list = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self, limit: int | None = None) -> "Feeder":
        self._limit = limit
        self.base = time.monotonic()
        self._thread.start()
        return self

    def _run(self) -> None:
        w, h = self.size
        while not self._stop.is_set() and (self._limit is None or self.sent < self._limit):
            target = self.base + self.sent / 30
            self._stop.wait(max(0.0, target - time.monotonic()))
            if any(e.queued > 2 for e in self.encoders):
                continue  # let the encoder catch up (a loaded CI machine), never drop
            image = np.zeros((h, w, 3), np.uint8)
            x = (self.sent * 7) % (w - 40)
            image[h // 3 : h // 3 + 40, x : x + 40] = (40, 200, 255)  # something moving to encode
            self.program.emit(Frame(image, self.sent, target))
            self.sent += 1

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)


def make_push(program, destinations, notes, logged, **kwargs):
    context = OutputContext(program=program, note=notes.append, log_action=lambda n, d: logged.append((n, d)))
    manager = OutputManager(context)
    fast = lambda: ReconnectPolicy(base_s=0.2, cap_s=1.0, jitter=0.0, healthy_after_s=5.0)  # noqa: E731
    push = manager.start("push", destinations=destinations, policy_factory=fast, **kwargs)
    assert push is not None, notes
    return manager, push


def sender(push, name):
    return next(s for s in push.senders if s.dest.name == name)


def read_live(url: str, frames: int) -> list[tuple[int, int]]:
    """Play the stream over RTMP like a viewer's player; the sizes of the decoded frames."""
    sizes = []
    with av.open(url, timeout=(20, 20)) as player:
        for frame in player.decode(video=0):
            sizes.append((frame.width, frame.height))
            if len(sizes) >= frames:
                break
    return sizes


def recording(server, key: str, nth: int = -1):
    files = [p for p in server.recordings if p.name.startswith(f"{key}-")]
    assert files, f"nginx recorded nothing for {key}: {server.recordings}"
    return files[nth]


def analyse(path):
    with av.open(str(path)) as c:
        video = c.streams.video[0]
        audio = c.streams.audio[0] if c.streams.audio else None
        info = {"size": (video.width, video.height), "rate": video.average_rate,
                "audio": None if audio is None else (audio.codec_context.name, audio.sample_rate, audio.channels)}
        keys, pts, audio_pts = [], [], []
        for packet in c.demux():
            if packet.size == 0 or packet.pts is None:
                continue
            if packet.stream.type == "video":
                if packet.is_keyframe:
                    keys.append(len(pts))
                pts.append(float(packet.pts * packet.time_base))
            else:
                audio_pts.append(float(packet.pts * packet.time_base))
        info.update(frames=len(pts), keys=keys, video_span=pts[-1] - pts[0] if pts else 0.0,
                    audio_span=audio_pts[-1] - audio_pts[0] if audio_pts else 0.0)
        decoded = sum(1 for _ in av.open(str(path)).decode(video=0))
        info["decoded"] = decoded
    return info


def test_program_reaches_the_server_in_each_format_with_rate_audio_and_keyframes(server):
    program, notes, logged = Signal("program"), [], []
    dests = [Destination("land", server.url("land"), LAND, aspect="16:9"),
             Destination("twin", server.url("twin"), LAND, aspect="16:9"),
             Destination("portrait", server.url("portrait"), PORTRAIT, aspect="9:16")]
    manager, push = make_push(program, dests, notes, logged)
    assert len(push.encoders) == 2  # one encode per distinct format, not per destination
    feeder = Feeder(program)
    feeder.encoders = list(push.encoders.values())
    try:
        wait_until(lambda: all(s.state == "live" for s in push.senders), what="all destinations live")
        feeder.start(limit=150)
        live = read_live(server.url("land"), 10)  # a viewer joining mid-stream
        assert live and all(size == (320, 180) for size in live)
        wait_until(lambda: feeder.sent >= 150, what="150 frames fed")
        wait_until(lambda: all(s.queued == 0 and s.encoder.queued == 0 for s in push.senders), what="queues drained")
        status = push.status()
    finally:
        feeder.stop()
        manager.stop_all()
    assert status.state == "running" and status.dropped == 0
    assert {d["destination"]: d["state"] for d in status.detail["destinations"]} == dict.fromkeys(["land", "twin", "portrait"], "live")
    assert status.detail["audio"] == "silence" and any("silence" in n for n in notes)  # no input device here
    for key, size in (("land", (320, 180)), ("twin", (320, 180)), ("portrait", (180, 320))):
        info = analyse(recording(server, key))
        assert info["size"] == size
        assert info["frames"] == 150 and info["decoded"] == 150, info
        assert abs(float(info["rate"]) - 30) < 1.0, info["rate"]
        assert abs(info["video_span"] - 149 / 30) < 0.1, info["video_span"]  # 5 s of program time
        assert info["audio"] == ("aac", 48000, 2)
        assert info["audio_span"] > 3.0
        assert info["keys"][0] == 0 and np.diff(info["keys"]).tolist() == [30] * (len(info["keys"]) - 1), info["keys"]
        assert len(info["keys"]) == 5
    states = [(d["destination"], d["state"]) for n, d in logged if n == actions.OUTPUT_STATUS]
    assert ("land", "live") in states and ("land", "off") in states
    health = [d for n, d in logged if n == actions.OUTPUT_HEALTH and d["destination"] == "portrait"]
    assert health and health[-1]["dropped"] == 0 and health[-1]["encoder"] == push.senders[2].encoder.encoder_name
    assert all("portrait" not in str(d.get("url", "")) for _, d in logged)  # the key never reaches the log


def test_server_restart_mid_push_reconnects_and_the_stream_continues(server):
    program, notes, logged = Signal("program"), [], []
    manager, push = make_push(program, [Destination("again", server.url("again"), LAND)], notes, logged)
    feeder = Feeder(program)
    feeder.encoders = list(push.encoders.values())
    s = push.senders[0]
    try:
        feeder.start()
        wait_until(lambda: s.state == "live" and s.sent_video > 30, what="first connection live")
        server.stop()  # the network (here: the server) goes away mid-show
        wait_until(lambda: s.state == "reconnecting", what="reconnecting")
        assert any("again" in n for n in notes)
        fed_while_down = feeder.sent
        server.start()
        wait_until(lambda: s.state == "live" and s.connects == 2, what="second connection live")
        sent_before = s.sent_video
        assert feeder.sent > fed_while_down  # the session never stopped
        live = read_live(server.url("again"), 15)
        assert len(live) == 15 and set(live) == {(320, 180)}
        wait_until(lambda: s.sent_video > sent_before + 30, what="frames after reconnecting")
    finally:
        feeder.stop()
        manager.stop_all()
    assert s.reconnects >= 1
    second = analyse(recording(server, "again", -1))
    assert len([p for p in server.recordings if p.name.startswith("again-")]) == 2
    assert second["keys"][0] == 0 and second["frames"] > 30 and second["decoded"] == second["frames"]
    states = [d["state"] for n, d in logged if n == actions.OUTPUT_STATUS]
    # Each new failure text is logged too (lost, then refused while down): compare the states.
    changes = [st for i, st in enumerate(states) if i == 0 or states[i - 1] != st]
    assert changes[:3] == ["live", "reconnecting", "live"], states


def test_wrong_key_and_refused_connection_are_explained_and_the_rest_keeps_going(server):
    program, notes, logged = Signal("program"), [], []
    nobody = free_port()
    dests = [Destination("good", server.url("good"), LAND),
             Destination("wrongkey", server.url("not-the-key"), LAND),
             Destination("refused", f"rtmp://127.0.0.1:{nobody}/live/key", LAND),
             Destination("srt", f"srt://127.0.0.1:{nobody}?streamid=key", LAND)]
    manager, push = make_push(program, dests, notes, logged)
    feeder = Feeder(program)
    feeder.encoders = list(push.encoders.values())
    good, wrong, refused, srt = push.senders
    try:
        feeder.start()
        wait_until(lambda: wrong.reconnects >= 2 and refused.reconnects >= 2 and srt.reconnects >= 1, what="failures retried")
        before = good.sent_video
        wait_until(lambda: good.sent_video > before + 30, what="the good destination keeps sending")
        status = push.status()
    finally:
        feeder.stop()
        manager.stop_all()
    assert good.state == "off" and good.reconnects == 0
    assert "stream key" in wrong.last_error and "wrongkey" in wrong.last_error
    assert "nothing accepts streams" in refused.last_error and str(nobody) in refused.last_error
    # SRT goes through our own caller (PyAV's FFmpeg has no libsrt): nobody on that UDP port.
    assert "nothing accepts streams" in srt.last_error and str(nobody) in srt.last_error, srt.last_error
    assert "not-the-key" not in wrong.last_error and "not-the-key" not in " ".join(notes)
    assert status.state == "running"
    assert {d["destination"]: d["state"] for d in status.detail["destinations"]}["good"] == "live"
    assert any("stream key" in n for n in notes) and any("nothing accepts" in n for n in notes)
    assert analyse(recording(server, "good"))["frames"] > 30


def test_headless_push_session_is_readable_from_the_server(server, tmp_path):
    """`live-console --headless --push URL`: the real app (demo camera, try-on, overlays) goes live."""
    db = tmp_path / "s.db"
    proc = subprocess.run([sys.executable, "-m", "console", "--headless", "--demo", "--camera", "demo", "--db", str(db),
                           "--push", server.url("good"), "--quit-after", "15"],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "push " in proc.stdout and ": live," in proc.stdout, proc.stdout
    assert "/live/…" in proc.stdout and "live/good" not in proc.stdout + proc.stderr  # key hidden
    info = analyse(recording(server, "good"))
    # However slow the machine, what arrived is whole: the program size, decodable, with sound.
    assert info["size"] == (1280, 720) and info["frames"] >= 1 and info["decoded"] == info["frames"]
    assert info["audio"] == ("aac", 48000, 2) and info["keys"][0] == 0
    import sqlite3

    rows = sqlite3.connect(db).execute("SELECT name, detail FROM actions WHERE name LIKE 'output.%'").fetchall()
    assert any(name == actions.OUTPUT_STATUS and '"live"' in detail for name, detail in rows), rows
    assert any(name == actions.OUTPUT_HEALTH for name, _ in rows)
    assert not any("live/good" in detail for _, detail in rows)


def test_bench_output_runs_tiny_and_reads_its_stamps_back(server):
    """`live-console bench output` end to end, tiny: its own server, the real app, the player
    process reading frame stamps. Figures are printed, never asserted as speeds."""
    import json

    proc = subprocess.run([sys.executable, "-m", "console", "bench", "output", "--seconds", "3", "--warmup", "3",
                           "--size", "640x360", "--json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(proc.stdout)
    assert figures["player_error"] is None
    assert figures["received_size"] == ["640x360"]  # the player decoded the pushed program
    assert figures["unreadable_stamps"] == 0  # every decoded frame carried a readable frame number
    assert figures["reconnects"] == 0 and figures["encoder"]
    assert set(figures["goals"]) == {"delivered_fps>=29.5", "dropped==0", "p99<=500ms"}
