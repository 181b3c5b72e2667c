"""`live-console bench crash`: kill -9 a busy console with a lottery open, again and again.

Each round runs the real app headless (DEMO audience at `--rate` events/s, demo camera, a
run-of-show that opens a lottery), waits until the lottery is open in the log, kills the process
with SIGKILL at a random moment, and then checks what a host would live through:

* `PRAGMA integrity_check` is "ok";
* the loss: how far the newest record on disk lags the moment of the kill, against the writer's
  durability window (250 ms batches);
* the session is recovered: the app restarted with `--continue-session` continues the same
  session (session.resumed logged), and a one-cue show draws the lottery that was open;
* the draw verifies (`verify-draw`), on the same commitment that was on air before the kill.

Prints one line per round and a summary (JSON with --json). POSIX only (SIGKILL).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WINDOW_S = 0.25

OPEN_SHOW = """title = "crash bench"
[[cue]]
id = "open"
at_s = 2
action = "start_lottery"
keyword = "抽奖"
window_s = 3600
winners = 3
"""
DRAW_SHOW = """title = "crash bench: draw after restart"
[[cue]]
id = "draw"
at_s = 0.5
action = "draw"
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kills", type=int, default=10, help="rounds (default 10)")
    parser.add_argument("--rate", type=float, default=20_000, help="DEMO events per second (default 20000)")
    parser.add_argument("--db", type=Path, default=None, help="session log to use (default: a temp file)")
    parser.add_argument("--seed", type=int, default=None, help="random seed for the kill moments")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def _app(*args: str) -> list[str]:
    return [sys.executable, "-m", "console", "--headless", "--demo", "--camera", "demo", *args]


def _lottery_open(db: Path, session_id: int) -> tuple[str, str] | None:
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
        row = conn.execute("SELECT detail FROM actions WHERE session_id = ? AND name = 'lottery.open' "
                           "ORDER BY id DESC LIMIT 1", (session_id,)).fetchone()
        # Wait for the audience to be entering, so the kill lands in a busy, open lottery.
        entered = conn.execute("SELECT 1 FROM actions WHERE session_id = ? AND name = 'lottery.entry' LIMIT 1",
                               (session_id,)).fetchone()
        conn.close()
    except sqlite3.Error:
        return None
    if not row or not entered:
        return None
    detail = json.loads(row[0])
    return detail["draw_id"], detail["commitment"]


def _next_session(db: Path) -> int:
    if not db.exists():
        return 1
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM sessions").fetchone()[0]) + 1
    except sqlite3.Error:
        return 1
    finally:
        conn.close()


def one_round(db: Path, rate: float, rng: random.Random, workdir: Path) -> dict:
    open_show, draw_show = workdir / "open.toml", workdir / "draw.toml"
    open_show.write_text(OPEN_SHOW, encoding="utf-8")
    draw_show.write_text(DRAW_SHOW, encoding="utf-8")
    sid = _next_session(db)
    env = dict(os.environ)
    child = subprocess.Popen(_app("--db", str(db), "--rate", f"{rate:g}", "--show", str(open_show),
                                  "--new-session", "--quit-after", "600"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 120
    opened = None
    while opened is None and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.1)
        opened = _lottery_open(db, sid)
    if opened is None:
        child.kill()
        err = child.stderr.read().decode(errors="replace")[-800:] if child.stderr else ""
        raise RuntimeError(f"the console never opened the lottery (exit {child.poll()}): {err}")
    time.sleep(rng.uniform(0.3, 4.0))  # a random moment while the audience floods in
    killed_at = time.time()
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    conn = sqlite3.connect(db)
    integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    newest = max(conn.execute("SELECT COALESCE(MAX(ts), 0) FROM events WHERE session_id = ?", (sid,)).fetchone()[0],
                 conn.execute("SELECT COALESCE(MAX(ts), 0) FROM actions WHERE session_id = ?", (sid,)).fetchone()[0])
    saved, first_ts, last_ts = conn.execute("SELECT COUNT(*), MIN(ts), MAX(ts) FROM events WHERE session_id = ?",
                                            (sid,)).fetchone()
    # What the room really sent: the DEMO audience waits while the log is behind (it cannot
    # outrun what the machine saves), so this may be below --rate on a slow or busy machine.
    saved_rate = saved / (last_ts - first_ts) if saved and last_ts > first_ts else 0.0
    conn.close()

    t0 = time.monotonic()
    again = subprocess.run(_app("--db", str(db), "--rate", "20", "--show", str(draw_show), "--continue-session",
                                "--quit-after", "4"), capture_output=True, text=True, timeout=300, env=env)
    recovery_s = time.monotonic() - t0
    conn = sqlite3.connect(db)
    names = [n for (n,) in conn.execute("SELECT name FROM actions WHERE session_id = ? ORDER BY seq", (sid,))]
    drawn = conn.execute("SELECT detail FROM actions WHERE session_id = ? AND name = 'lottery.draw'",
                         (sid,)).fetchone()
    conn.close()
    verify = subprocess.run([sys.executable, "-m", "console", "verify-draw", "--db", str(db), "--draw", opened[0],
                             "--json"], capture_output=True, text=True, timeout=300)
    report = json.loads(verify.stdout.splitlines()[0]) if verify.stdout.strip() else {}
    return {
        "session": sid,
        "draw_id": opened[0],
        "integrity": integrity,
        "events_saved": saved,
        "saved_rate": round(saved_rate),
        "loss_s": round(max(0.0, killed_at - newest), 3),
        "resumed": "session.resumed" in names,
        "restart_exit": again.returncode,
        "recovery_s": round(recovery_s, 2),
        "drawn": drawn is not None,
        "verify": report.get("status", "missing"),
        "entrants": report.get("entrants"),
        "same_commitment": drawn is not None and report.get("status") == "valid",
    }


def run(args: argparse.Namespace) -> int:
    if not hasattr(signal, "SIGKILL"):
        print("bench crash needs SIGKILL (Linux or macOS).", file=sys.stderr)
        return 2
    if args.kills < 1 or not (0 < args.rate <= 50_000):
        print("--kills must be ≥ 1 and --rate between 0 and 50000.", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="live-console-crash-") as tmp:
        workdir = Path(tmp)
        db = args.db or workdir / "crash.sqlite"
        rounds = []
        for i in range(args.kills):
            r = one_round(db, args.rate, rng, workdir)
            rounds.append(r)
            if not args.json:
                print(f"kill {i + 1:2d}: integrity {r['integrity']}, {r['events_saved']} events on disk "
                      f"({r['saved_rate']:,}/s), "
                      f"newest record {r['loss_s'] * 1000:.0f} ms before the kill, resumed={r['resumed']}, "
                      f"restart exit {r['restart_exit']}, drawn={r['drawn']}, verify {r['verify']} "
                      f"({r['entrants']} entrants)", flush=True)
        losses = [r["loss_s"] for r in rounds]
        summary = {
            "kills": len(rounds), "rate": args.rate, "durability_window_s": WINDOW_S,
            "integrity_ok": sum(r["integrity"] == "ok" for r in rounds),
            "resumed": sum(r["resumed"] for r in rounds),
            "drawn_and_valid": sum(r["verify"] == "valid" for r in rounds),
            "loss_median_s": round(statistics.median(losses), 3), "loss_max_s": round(max(losses), 3),
            "saved_rate_median": round(statistics.median(r["saved_rate"] for r in rounds)),
            "loss_within_window": sum(x <= WINDOW_S + 0.1 for x in losses),
            "rounds": rounds,
        }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"{summary['kills']} kills at {args.rate:g} events/s requested "
              f"({summary['saved_rate_median']:,}/s saved, median): integrity ok {summary['integrity_ok']}/"
              f"{summary['kills']}, session resumed {summary['resumed']}/{summary['kills']}, lottery drawn and "
              f"VALID {summary['drawn_and_valid']}/{summary['kills']}; newest record before the kill: median "
              f"{summary['loss_median_s'] * 1000:.0f} ms, max {summary['loss_max_s'] * 1000:.0f} ms "
              f"(window {WINDOW_S * 1000:.0f} ms + 100 ms slack: {summary['loss_within_window']}/{summary['kills']})")
    ok = all(r["integrity"] == "ok" and r["resumed"] and r["verify"] == "valid" for r in rounds)
    return 0 if ok else 1
