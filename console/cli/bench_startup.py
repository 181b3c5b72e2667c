"""`live-console bench startup`: time to the first camera frame on screen vs bare imports.

Both are measured from process spawn in fresh processes, alternating, so disk cache and machine
noise hit them alike; the ratio of the medians is the figure to quote.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = "import PySide6.QtWidgets, cv2, mediapipe; print('READY', flush=True)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=5, help="runs of each (default 5)")
    parser.add_argument("--headless", action="store_true", help="measure the headless pipeline instead of the window")
    parser.add_argument("--app", nargs="+", metavar="CMD", help="command for the app (default: this Python, -m console); e.g. a frozen build")
    parser.add_argument("--json", action="store_true", help="print JSON")


def _time_until(cmd: list[str], marker: str, timeout: float = 120.0) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(marker):
                return time.perf_counter() - started
        raise RuntimeError(f"{' '.join(cmd[:3])}… ended without printing {marker}")
    finally:
        proc.kill()
        proc.wait(timeout)


def run(args: argparse.Namespace) -> int:
    app_cmd = args.app or [sys.executable, "-m", "console"]
    bare, app = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            bare.append(_time_until([sys.executable, "-c", BARE], "READY"))
            cmd = [*app_cmd, "--demo", "--camera", "demo", "--print-first-frame", "--quit-after", "30",
                   "--db", str(Path(tmp) / f"bench{i}.db")]
            if args.headless:
                cmd.append("--headless")
            app.append(_time_until(cmd, "FIRST_FRAME"))
    result = {
        "runs": args.runs,
        "mode": "headless" if args.headless else "window",
        "bare_import_s_median": round(statistics.median(bare), 3),
        "first_frame_s_median": round(statistics.median(app), 3),
        "ratio": round(statistics.median(app) / statistics.median(bare), 2),
        "bare_import_s": [round(x, 3) for x in bare],
        "first_frame_s": [round(x, 3) for x in app],
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"bare `import PySide6.QtWidgets, cv2, mediapipe`: median {result['bare_import_s_median']:.3f} s  {result['bare_import_s']}")
        print(f"first camera frame shown ({result['mode']}):       median {result['first_frame_s_median']:.3f} s  {result['first_frame_s']}")
        print(f"ratio first frame / bare imports: {result['ratio']:.2f}")
    return 0
