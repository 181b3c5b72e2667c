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
