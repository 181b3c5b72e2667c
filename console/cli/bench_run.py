"""What `bench events` and `bench ingest` share around their measurement: --rate/--seconds
checked, the run logged into a temporary SQLite file (or --db), the figures printed as a table
or as one JSON line, and the exit code saying whether the targets were met."""

from __future__ import annotations

import argparse
import json
import tempfile
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
