import os
from pathlib import Path

import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never read or write the developer's own settings, edited presets or session log.
_HOME = tempfile.mkdtemp(prefix="live-console-tests-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_HOME, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(_HOME, "data")
# Lottery seeds wait for their draw in the OS keyring; tests use keyring's file backend there.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"

import keyring
import keyring.backend
import keyring.core
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def portrait_path() -> Path:
    return ROOT / "resources" / "media" / "astronaut.png"


@pytest.fixture
def room_presets() -> list:
    """Presets for the `room` fixture; a test module overrides this to use the shipped ones."""
    return []


@pytest.fixture
def room(room_presets):
    """A real hub and engines on a manual clock, plus the list of every Action they published."""
    from console.core.clock import ManualClock
    from console.core.hub import SessionHub
    from console.interact.controller import Interactions

    hub, clock = SessionHub(), ManualClock()
    log: list = []
    hub.subscribe(lambda batch: log.extend(e for e in batch if e.kind == "action"), name="log")
    return hub, clock, Interactions(hub, clock, presets=room_presets), log


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring back end in memory: credentials a test stores never reach the developer's OS
    keyring, and the test can read back exactly what was stored (`store`)."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


_CREDENTIAL_ENV = ("BRIDGE_TOKEN", "TWITCH_TOKEN", "TWITCH_CLIENT_ID", "TWITCH_REFRESH_TOKEN",
                   "YOUTUBE_TOKEN", "YOUTUBE_API_KEY", "YOUTUBE_REFRESH_TOKEN")


@pytest.fixture
def memory_keyring(monkeypatch):
    """The keyring for this test is a fresh MemoryKeyring, and no credential comes from the
    environment instead (the environment wins over the keyring)."""
    previous = keyring.core._keyring_backend  # may be unset; get_keyring() would try to load one
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    for name in _CREDENTIAL_ENV:
        monkeypatch.delenv(f"LIVE_CONSOLE_{name}", raising=False)
    yield ring
    keyring.core._keyring_backend = previous


@pytest.fixture
def rtmp_server(tmp_path):
    """Starts a local nginx-rtmp on 127.0.0.1 (recording what it receives); closed after the test.
    Linux (and CI) must have it: a missing server fails there and skips elsewhere."""
    import sys

    from console.cli import rtmp_server as rtmp

    missing = rtmp.available()
    if missing:
        if sys.platform.startswith("linux"):
            pytest.fail(f"the push tests need a local RTMP server: {missing}")
        pytest.skip(missing)  # macOS/Windows dev machines: CI (Linux) runs these
    started = []

    def start(accepted_keys=None):
        server = rtmp.RtmpServer(tmp_path / f"nginx{len(started) or ''}", record=True, accepted_keys=accepted_keys)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.close()


@pytest.fixture
def virtual_mic():
    """A real capture device without a sound card: a private PulseAudio server (null sink, its
    monitor the default source) this process's PortAudio is pointed at; device name `pulse`.
    Skips only when the server cannot start here, saying why; closed (and forgotten) after."""
    import tempfile

    from console.cli.virtual_mic import VirtualMic, VirtualMicError

    mic = VirtualMic(Path(tempfile.mkdtemp(prefix="pa-")))  # short: a unix socket path is ≤ 107 bytes
    try:
        mic.start()
    except VirtualMicError as exc:
        pytest.skip(f"no virtual microphone: PulseAudio could not start: {exc}")
    mic.activate()
    yield mic
    mic.close()
