"""A real capture device on a machine without a sound card: a private PulseAudio server.

Used by the microphone tests and `bench output --mic virtual`. The server runs as the current
user with its own runtime directory (nothing of the desktop's sound is touched) and one null sink
whose monitor is the default source: whatever is played into the sink is what the "microphone"
captures, paced by the server's clock like a sound card. PortAudio reaches it through ALSA's
`pulse` device (Debian: pulseaudio, pulseaudio-utils, libasound2-plugins; packaging/os-deps.sh
--test installs them). `activate()` points this process at it (PULSE_SERVER) and has PortAudio
read its device list again; `kill()` ends the server abruptly — the microphone disappearing.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

DEVICE = "pulse"
"""The PortAudio (ALSA) input that reaches the server."""
SINK = "mic_feed"
_ENV = ("PULSE_SERVER", "PULSE_CLIENTCONFIG", "PULSE_RUNTIME_PATH")


class VirtualMicError(RuntimeError):
    pass


def available() -> str | None:
    """None when the virtual microphone can run here, else what is missing."""
    missing = [name for name in ("pulseaudio", "pacat") if shutil.which(name) is None]
    if not glob.glob("/usr/lib/*/alsa-lib/libasound_module_pcm_pulse.so") + glob.glob("/usr/lib/alsa-lib/libasound_module_pcm_pulse.so"):
        missing.append("libasound2-plugins (ALSA's pulse device)")
    if missing:
        return "missing " + ", ".join(missing) + " — packaging/os-deps.sh --test installs them"
    return None


class VirtualMic:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.socket = self.root / "native"
        self.proc: subprocess.Popen | None = None
        self._saved_env: dict[str, str | None] = {}

    @property
    def env(self) -> dict[str, str]:
        """What a client process needs to reach this server (and never autospawn another)."""
        return {"PULSE_SERVER": f"unix:{self.socket}", "PULSE_CLIENTCONFIG": str(self.root / "client.conf"),
                "PULSE_RUNTIME_PATH": str(self.root)}

    def start(self, timeout: float = 20.0) -> "VirtualMic":
        """Start the server (again, after `kill()`: the device coming back at the same address)."""
        missing = available()
        if missing:
            raise VirtualMicError(missing)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "client.conf").write_text("autospawn = no\n")
        self.socket.unlink(missing_ok=True)  # a killed server's socket must not look alive
        log = open(self.root / "pulseaudio.log", "wb")
        env = {**os.environ, **self.env, "HOME": str(self.root), "XDG_RUNTIME_DIR": str(self.root),
               "XDG_CONFIG_HOME": str(self.root / "config")}
        self.proc = subprocess.Popen(
            ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "--use-pid-file=no",
             "--system=no", "--disable-shm=yes", "--log-target=stderr",
             "-L", f"module-native-protocol-unix auth-anonymous=1 socket={self.socket}",
             "-L", f"module-null-sink sink_name={SINK} rate=48000 channels=2",
             "--no-cpu-limit"],
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise VirtualMicError(f"pulseaudio exited ({self.proc.returncode}): {self.log_tail()}")
            if self.socket.exists() and subprocess.run(["pactl", "info"], env={**os.environ, **self.env},
                                                       capture_output=True).returncode == 0:
                return self
            time.sleep(0.05)
        self.close()
        raise VirtualMicError(f"pulseaudio did not start within {timeout:g} s: {self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return (self.root / "pulseaudio.log").read_text(errors="replace")[-600:].strip()
        except OSError:
            return ""

    def activate(self) -> None:
        """This process's PortAudio now sees the server's devices (`pulse`)."""
        for key, value in self.env.items():
            self._saved_env.setdefault(key, os.environ.get(key))
            os.environ[key] = value
        from console.output.mic_devices import list_inputs

        list_inputs(rescan=True)

    def player(self, *, latency_ms: int = 20) -> subprocess.Popen:
        """A `pacat` process playing float32 stereo 48 kHz from its stdin into the sink."""
        return subprocess.Popen(["pacat", "--playback", f"--device={SINK}", "--format=float32le", "--rate=48000",
                                 "--channels=2", f"--latency-msec={latency_ms}"],
                                stdin=subprocess.PIPE, env={**os.environ, **self.env})

    def kill(self) -> None:
        """The device disappears: the server dies without a goodbye."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def freeze(self, frozen: bool = True) -> None:
        """The device hangs (SIGSTOP) — no error, no sound — or wakes again (SIGCONT)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGSTOP if frozen else signal.SIGCONT)

    def close(self) -> None:
        self.freeze(False)  # a stopped process cannot die of SIGKILL until continued on some kernels
        self.kill()
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if self._saved_env:
            self._saved_env = {}
            from console.output.mic_devices import list_inputs

            list_inputs(rescan=True)  # forget the server's devices
        shutil.rmtree(self.root, ignore_errors=True)  # its own directory: socket, log, config
