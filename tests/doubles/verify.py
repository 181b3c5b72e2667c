"""Compare what the doubles sent (their --report) with a session log: every comment exactly once.

    python -m tests.doubles.verify --report sent.json --db s.db
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections import Counter


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--report", required=True)
    ap.add_argument("--db", required=True)
    args = ap.parse_args()
    report = json.load(open(args.report, encoding="utf-8"))
    db = sqlite3.connect(args.db)
    ok = True
    for platform, key in (("twitch", "chat_ids"), ("youtube", "comment_ids")):
        rows = [r[0] for r in db.execute("SELECT msg_id FROM events WHERE platform = ? AND kind = 'comment'",
                                         (platform,))]
        logged, sent = Counter(rows), set(report[platform][key])
        dups = [m for m, n in logged.items() if n > 1]
        missing = sorted(sent - set(logged))
        extra = sorted(set(logged) - sent)
        stats = {k: v for k, v in report[platform].items() if not isinstance(v, list) or k == "revoked"}
        print(f"{platform}: sent {len(sent)} comments, logged {len(logged)}, duplicates {len(dups)}, "
              f"missing {len(missing)}, unexpected {len(extra)}; {stats}")
        ok &= not dups and not extra and not missing
        gifts = db.execute("SELECT COUNT(*) FROM events WHERE platform = ? AND kind = 'gift'", (platform,)).fetchone()[0]
        print(f"  gifts logged: {gifts}")
    for name in ("provider.status", "poll.open", "poll.native", "poll.close"):
        for platform, detail in db.execute("SELECT platform, detail FROM actions WHERE name = ?", (name,)):
            d = json.loads(detail)
            if name == "provider.status":
                print(f"  {name} {platform}: {d.get('state')} {d.get('message', '')}")
            else:
                print(f"  {name} {platform}: {json.dumps(d, ensure_ascii=False)[:200]}")
    print("VERIFY:", "OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
