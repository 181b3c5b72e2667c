"""`live-console verify-draw --db PATH [--draw ID]`: recompute lottery draws from a session log.

Opens the log strictly read-only. Prints VALID / INVALID (with the reason) per draw, and lists
lotteries that were never drawn (or were voided) as such — neither a success nor a failure.
Exit code: 0 when every drawn lottery checked is valid, 1 when any is invalid (or the requested
draw is not in the log / was never drawn), 2 when the log cannot be read (missing, not a session
log, or written by a newer version — said in words).
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
    from console.interact.verify import verify_records
    from console.store.queries import NotASessionLog, list_sessions, open_readonly, session_records
    from console.store.schema import SchemaTooNew

    try:
        db = open_readonly(args.db)
        reports = []
        for session in sorted(list_sessions(db), key=lambda s: s["id"]):
            reports += verify_records(session_records(db, session["id"]), session["id"], only=args.draw)
    except (SchemaTooNew, NotASessionLog, FileNotFoundError) as exc:
        print(f"Cannot read the session log: {exc}", file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error, ValueError, KeyError) as exc:
        print(f"Cannot read the session log {args.db}: {exc}", file=sys.stderr)
        return 2

    if args.draw and not reports:
        print(f"No lottery with id {args.draw} in {args.db}.", file=sys.stderr)
        return 1
    if not reports:
        print(f"No lotteries in {args.db}; nothing to verify.")
        return 0
    for r in reports:
        if args.json:
            print(json.dumps({"draw_id": r.draw_id, "session_id": r.session_id, "status": r.status,
                              "entrants": r.entrants, "winners": r.winners, "reasons": r.reasons},
                             ensure_ascii=False))
        else:
            print(r.line())
    drawn = [r for r in reports if r.status in ("valid", "invalid")]
    failed = [r for r in reports if r.status == "invalid" or (args.draw and not r.valid)]
    if not args.json:
        ok = sum(r.valid for r in reports)
        undrawn = len(reports) - len(drawn)
        tail = f"; {undrawn} never drawn or void (not counted)" if undrawn else ""
        print(f"{ok} of {len(drawn)} draw(s) valid (algorithm live-console-draw-v1){tail}.")
    return 1 if failed else 0
