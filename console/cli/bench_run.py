"""What `bench events` and `bench ingest` share around their measurement: --rate/--seconds
checked, the run logged into a temporary SQLite file (or --db), the figures printed as a table
or as one JSON line, and the exit code saying whether the targets were met."""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

R = TypeVar("R")


def run_logged(args: argparse.Namespace, measure: Callable[[Path], R], *, prefix: str,
               table: Callable[[R], None], figures: Callable[[R], dict[str, Any]], ok: Callable[[R], bool]) -> int:
    """0 when `ok(result)`, 1 when the run missed its targets, 2 for unusable arguments."""
    if args.rate <= 0 or args.seconds <= 0:
        print("--rate and --seconds must be greater than zero")
        return 2
    db = getattr(args, "db", None)
    if db is not None:
        result = measure(db)
    else:
        with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
            result = measure(Path(tmp) / "bench.sqlite")
    if args.json:
        print(json.dumps(figures(result), ensure_ascii=False))
    else:
        table(result)
    return 0 if ok(result) else 1


class GcPauses:
    """Times the collector's pauses while installed (gc.callbacks)."""

    def __init__(self) -> None:
        self.full = 0
        self.collections = 0
        self.max_pause = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        self.max_pause = max(self.max_pause, time.perf_counter() - self._started)
        self.full += info.get("generation") == 2
        self.collections += 1

    def __enter__(self) -> "GcPauses":
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)
