"""The output registry: every way program frames leave the console is one registered module.

An output module declares itself with `@register` on its class; `load_outputs()` imports every
module of this package so they all register (the same pattern as try-on items). The app starts
an output with `create(key, context, **options)`; nothing outside this package names an output
module directly, so a new output is one new file.

Frames reach an output through `OutputContext.program`, a `console.core.signal.Signal` the video
pipeline emits on its worker thread with each finished program `Frame` (already cropped to the
output aspect, overlays on). A listener must only hand the frame to its own thread (a
`LatestSlot` or a bounded queue) and return at once, and must never modify `frame.image`: the
preview and every other output share the same buffer.

Qt-free: outputs run on their own threads and report through `OutputStatus` and `note`.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Protocol

from console.core.signal import Signal


@dataclass(frozen=True, slots=True)
class OutputStatus:
    state: str
    """"off" | "starting" | "running" | "reconnecting" | "failed"."""
    message: str = ""
    """What the host should know, in their language ("" when all is well)."""
    fps: float = 0.0
    frames: int = 0
    dropped: int = 0
    detail: dict[str, Any] = field(default_factory=dict)
    """Output-specific figures (bitrate, encoder, device, …)."""


@dataclass(slots=True)
class OutputContext:
    """What every output gets from the app."""

    program: Signal
    """Emitted with each program Frame on the video worker thread."""
    note: Callable[[str], None] = lambda message: None
    """Tell the host about a problem (safe from any thread)."""
    fps: float = 30.0
    """The program's nominal frame rate."""
    settings: dict[str, Any] = field(default_factory=dict)
    """The settings file's tables: each output reads its own (`[push]`, …)."""
    log_action: Callable[[str, dict[str, Any]], None] = lambda name, detail: None
    """Record an action (state changes, health) in the session log; safe from any thread."""
    aspect: Callable[[], str] = lambda: "16:9"
    """The program's current output aspect."""
    hub: Any = None
    """The session hub, for outputs driven by actions (the OBS link hears `obs.*` cues)."""


class Output(Protocol):
    key: ClassVar[str]
    label_en: ClassVar[str]
    label_zh: ClassVar[str]

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def status(self) -> OutputStatus: ...


class OutputUnavailable(RuntimeError):
    """An output cannot start for a reason the host can fix; the message says how (no traceback)."""


OUTPUTS: dict[str, type] = {}


def label(key: str) -> str:
    """The output's name in the host's language ("virtualcam" → "Virtual camera" / "虚拟摄像头")."""
    from console.i18n import pick

    cls = OUTPUTS.get(key)
    return pick(cls.label_en, cls.label_zh) if cls is not None else key


def register(cls: type) -> type:
    """Class decorator: make an output available under `cls.key`."""
    key = getattr(cls, "key", "")
    if not key or key in OUTPUTS and OUTPUTS[key] is not cls:
        raise ValueError(f"output {cls!r} needs a unique `key` (got {key!r})")
    OUTPUTS[key] = cls
    return cls


def load_outputs() -> dict[str, type]:
    """Import every module of this package so each output registers itself."""
    package = importlib.import_module(__package__)
    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in ("registry",) and not info.name.startswith("_"):
            importlib.import_module(f"{__package__}.{info.name}")
    return OUTPUTS


def create(key: str, context: OutputContext, **options: Any) -> Output:
    """A new (not yet started) output of kind `key`; KeyError names the known kinds."""
    load_outputs()
    try:
        cls = OUTPUTS[key]
    except KeyError:
        raise KeyError(f"no output called {key!r}; known: {', '.join(sorted(OUTPUTS)) or 'none'}") from None
    return cls(context, **options)
