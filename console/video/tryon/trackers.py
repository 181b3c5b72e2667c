"""Trackers: each registers itself like a try-on item, declaring what it needs and fills.

A `TrackerSpec` says how to build the tracker (on the processing worker, on first use), which
MediaPipe task and model files it uses (so `tasks.create`, the model check and `--self-test`
find them here), which trackers must run before it, and which `Tracking` field its result goes
to. The processor runs, per frame, exactly the trackers the worn items need — in dependency
order — without naming any of them.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np


class Frame:
    """What a tracker gets per frame: the BGR image, RGB on demand (converted once, shared by
    every tracker), the time and the results of the trackers that ran before it."""

    __slots__ = ("bgr", "ts_ms", "tracking", "_rgb")

    def __init__(self, bgr: np.ndarray, ts_ms: int, tracking: Any) -> None:
        self.bgr, self.ts_ms, self.tracking = bgr, ts_ms, tracking
        self._rgb: np.ndarray | None = None

    def rgb(self) -> np.ndarray:
        if self._rgb is None:
            import cv2

            self._rgb = cv2.cvtColor(self.bgr, cv2.COLOR_BGR2RGB)
        return self._rgb

    def rgb_if_made(self) -> np.ndarray | None:
        return self._rgb


@dataclass(frozen=True, slots=True)
class TrackerSpec:
    name: str
    create: Callable[[Path | None, dict[str, Any]], Any]
    """`create(models_dir, options)` -> the tracker (it has `close()`)."""
    update: Callable[[Any, Frame], Any]
    """`update(tracker, frame)` -> this frame's result."""
    output: str
    """The `Tracking` attribute the result is stored in (or a key of `Tracking.extra`)."""
    purpose: tuple[str, str]
    """What the host reads when it is unavailable ("Face tracking", "面部追踪")."""
    rgb: bool = True
    """Reads the RGB copy (converted once per frame before the first tracker that needs it)."""
    after: tuple[str, ...] = ()
    """Trackers whose results this one reads (run first, and run whenever this one runs)."""
    model_files: tuple[str, ...] = ()
    task: Callable[[Any], tuple[Any, Any, dict[str, Any]]] | None = None
    """`task(vision)` -> (TaskClass, OptionsClass, options) for MediaPipe (any running mode)."""


TRACKERS: dict[str, TrackerSpec] = {}
_loaded = False


def register(spec: TrackerSpec) -> TrackerSpec:
    if spec.name in TRACKERS:
        raise ValueError(f"tracker {spec.name!r} is registered twice")
    TRACKERS[spec.name] = spec
    return spec


def load_trackers() -> dict[str, TrackerSpec]:
    """Import every tracker module of this package (names containing "tracker")."""
    global _loaded
    if not _loaded:
        package = importlib.import_module(__package__)
        for info in pkgutil.iter_modules(package.__path__):
            if "tracker" in info.name and info.name != "trackers":
                importlib.import_module(f"{__package__}.{info.name}")
        _loaded = True
    return TRACKERS


def run_order(needs: set[str] | frozenset[str]) -> list[TrackerSpec]:
    """The trackers `needs` asks for plus what they depend on, dependencies first."""
    load_trackers()
    order: list[TrackerSpec] = []
    seen: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in seen:
            return
        if name in path:
            raise ValueError(f"trackers depend on each other in a circle: {' → '.join((*path, name))}")
        spec = TRACKERS.get(name)
        if spec is None:
            raise KeyError(f"no tracker called {name!r} is registered")
        for dep in spec.after:
            visit(dep, (*path, name))
        seen.add(name)
        order.append(spec)

    for name in sorted(needs):
        visit(name, ())
    return order


def for_model_file(filename: str) -> TrackerSpec | None:
    load_trackers()
    return next((s for s in TRACKERS.values() if filename in s.model_files), None)
