"""A real SRT listener on 127.0.0.1 for `bench output --to srt` and the SRT push tests: libsrt's
own `srt-live-transmit` (Debian's srt-tools; packaging/os-deps.sh --test installs it), run as a
child process on a free UDP port.

What it receives goes either into a file per connection (`<prefix>/rec/NNN.ts`, the MPEG-TS
exactly as delivered by libsrt, for exact checks) or on to a UDP port on 127.0.0.1, where any
player (PyAV's FFmpeg reads `udp://`) plays it like a viewer. `-a:no`: the listener takes one
caller and exits when it leaves, so its file is complete; `start()` again for the next one.
Ready means it answers an SRT induction handshake (the same first message our caller sends).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from console.output.srt import packets as p


class SrtListenerUnavailable(RuntimeError):
    pass


def available() -> str | None:
    if not shutil.which("srt-live-transmit"):
        return "srt-live-transmit is not installed (packaging/os-deps.sh --test installs srt-tools)"
    return None


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers_induction(port: int, timeout: float = 0.3) -> bool:
    """Whether an SRT listener answers an induction handshake on 127.0.0.1:port."""
    hs = p.Handshake(4, p.UDT_DGRAM, 1, 1500, 8192, p.URQ_INDUCTION, random.randrange(1, 1 << 30), 0,
                     p.peer_ip_field("127.0.0.1"))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        try:
            s.connect(("127.0.0.1", port))
            s.send(p.ControlPacket(p.HANDSHAKE, 0, 0, 0, hs.encode()).encode())
            reply = p.decode(s.recv(65536))
        except (OSError, ValueError):
            return False
    return isinstance(reply, p.ControlPacket) and reply.type == p.HANDSHAKE


class SrtListener:
    def __init__(self, prefix: Path, *, port: int | None = None, passphrase: str | None = None,
                 latency_ms: int = 120, relay_port: int | None = None) -> None:
        missing = available()
        if missing:
            raise SrtListenerUnavailable(missing)
        self.prefix = Path(prefix)
        self.port = port or free_udp_port()
        self.passphrase = passphrase
        self.latency_ms = latency_ms
        self.relay_port = relay_port
        """Relay to udp://127.0.0.1:relay_port instead of recording to files."""
        self._proc: subprocess.Popen | None = None
        self._out = None
        (self.prefix / "rec").mkdir(parents=True, exist_ok=True)

    def url(self, stream_id: str | None = None, **query: str) -> str:
        params = ([f"streamid={stream_id}"] if stream_id else []) + [f"{k}={v}" for k, v in query.items()]
        return f"srt://127.0.0.1:{self.port}" + ("?" + "&".join(params) if params else "")

    @property
    def recordings(self) -> list[Path]:
        return sorted((self.prefix / "rec").glob("*.ts"))

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 20.0) -> "SrtListener":
        source = f"srt://:{self.port}?mode=listener&latency={self.latency_ms}"
        if self.passphrase:
            source += f"&passphrase={self.passphrase}"
        if self.relay_port:
            target, stdout = f"udp://127.0.0.1:{self.relay_port}", subprocess.DEVNULL
        else:
            target = "file://con"
            self._out = stdout = open(self.prefix / "rec" / f"{len(self.recordings):03d}.ts", "wb")
        self._proc = subprocess.Popen(["srt-live-transmit", "-a:no", "-q", source, target], stdout=stdout,
                                      stderr=open(self.prefix / "listener.log", "ab"))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise SrtListenerUnavailable(f"srt-live-transmit exited ({self._proc.returncode}); see {self.prefix / 'listener.log'}")
            if answers_induction(self.port):
                return self
            time.sleep(0.05)
        self.stop()
        raise SrtListenerUnavailable(f"srt-live-transmit did not answer on 127.0.0.1:{self.port} within {timeout:.0f} s")

    def wait_done(self, timeout: float = 20.0) -> bool:
        """Wait for the listener to exit on its own (its caller left); True if it did."""
        if self._proc is None:
            return True
        try:
            self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        self._close_out()
        return True

    def stop(self, timeout: float = 10.0) -> None:
        """End the listener now (SIGINT: it flushes what it received): a 'server down'."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGINT)
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout)
        self._close_out()

    def _close_out(self) -> None:
        self._proc = None
        if self._out is not None:
            self._out.flush()
            os.fsync(self._out.fileno())
            self._out.close()
            self._out = None

    def close(self) -> None:
        self.stop()

    def __enter__(self) -> "SrtListener":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
