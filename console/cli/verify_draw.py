"""`live-console verify-draw --db PATH [--draw ID]`: recompute lottery draws from a session log.

Prints VALID / INVALID (with the reason) per draw; exits 0 when every checked draw is valid,
1 otherwise (or when the requested draw is not in the log), 2 when the log cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="path to the session log (.sqlite)")
    parser.add_argument("--draw", default=None, help="check only this draw id (e.g. draw-1a2b3c4d)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per draw")


def run(args: argparse.Namespace) -> int:
    from console.interact.verify import LOTTERY_NAMES, verify_actions
    from console.store.queries import list_sessions, open_db, session_actions

    try:
        db = open_db(args.db)
        sessions = list_sessions(db)
        reports = []
        for session in sorted(sessions, key=lambda s: s["id"]):
            rows = session_actions(db, session["id"], names=LOTTERY_NAMES)
            reports += verify_actions(rows, session["id"], only=args.draw)
    except (OSError, sqlite3.Error, ValueError, KeyError) as exc:
        print(f"Cannot read the session log {args.db}: {exc}", file=sys.stderr)
        return 2

    if args.draw and not reports:
        print(f"No lottery with id {args.draw} in {args.db}.", file=sys.stderr)
        return 1
    if not reports:
        print(f"No lottery draws in {args.db}; nothing to verify.")
        return 0
    for r in reports:
        if args.json:
            print(json.dumps({"draw_id": r.draw_id, "session_id": r.session_id, "status": r.status,
                              "entrants": r.entrants, "winners": r.winners, "reasons": r.reasons},
                             ensure_ascii=False))
        else:
            print(r.line())
    failed = [r for r in reports if r.status == "invalid" or (args.draw and not r.valid)]
    if not args.json:
        ok = sum(r.valid for r in reports)
        print(f"{ok} of {len(reports)} draw(s) valid (algorithm live-console-draw-v1).")
    return 1 if failed else 0
