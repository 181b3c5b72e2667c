"""After a crash: tell the host about the interrupted show, continue it or start a new one, and
take up a lottery that was open (Qt-free; the window only asks the question).

The writer marks sessions a crash left open as interrupted when it opens the log
(store/opening.py). Continuing one keeps writing into the same session and hash chain, so a
lottery that was open can be closed and drawn there and verify-draw checks it as one draw.
"""

from __future__ import annotations

import datetime as _dt
import sqlite3
from pathlib import Path
from typing import Any, Callable, Literal

from console.core import actions as A
from console.i18n import pick

Choice = Literal["ask", "continue", "new"]
Ask = Callable[[dict[str, Any]], bool]
"""Shown the interrupted session; True = continue it."""


def describe(session: dict[str, Any]) -> str:
    started = _dt.datetime.fromtimestamp(session["started_at"]).strftime("%Y-%m-%d %H:%M")
    last = _dt.datetime.fromtimestamp(session["interrupted_at"]).strftime("%H:%M:%S")
    demo = " (DEMO)" if session.get("is_demo") else ""
    return pick(f"The show started {started} on {session['platform']}{demo} (session {session['id']}) "
                f"was interrupted; its last record is from {last}.",
                f"{started} 在 {session['platform']}{demo} 开始的直播（场次 {session['id']}）意外中断，"
                f"最后一条记录时间为 {last}。")


def choose(interrupted: list[dict[str, Any]], choice: Choice, ask: Ask | None) -> dict[str, Any] | None:
    """The interrupted session to continue, or None to start a new one."""
    if not interrupted or choice == "new":
        return None
    last = interrupted[-1]
    if choice == "continue":
        return last
    return last if ask is not None and ask(last) else None


def _read(db_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def lottery_state(db_path: Path, session_id: int) -> tuple[list[dict], list[dict], dict[str, float]]:
    """(lottery actions, comments after the last open, viewer first-seen times) of a session."""
    import json

    conn = _read(db_path)
    try:
        names = (A.LOTTERY_OPEN, A.LOTTERY_ENTRY, A.LOTTERY_REJECT, A.LOTTERY_CLOSE, A.LOTTERY_DRAW,
                 A.LOTTERY_REROLL, A.LOTTERY_VOID)
        actions = []
        for row in conn.execute(
                f"SELECT seq, ts, name, detail FROM actions WHERE session_id = ? AND name IN "
                f"({','.join('?' * len(names))}) ORDER BY COALESCE(seq, id)", (session_id, *names)):
            actions.append({"seq": row["seq"], "ts": row["ts"], "name": row["name"],
                            "detail": json.loads(row["detail"])})
        opens = [a for a in actions if a["name"] == A.LOTTERY_OPEN and a["seq"] is not None]
        if not opens:
            return actions, [], {}
        after = opens[-1]["seq"]
        comments = [
            {"seq": r["seq"], "ts": r["ts"], "viewer_id": r["viewer_id"], "viewer_name": r["viewer_name"],
             "msg_id": r["msg_id"], "payload": json.loads(r["payload"] or "{}")}
            for r in conn.execute(
                "SELECT seq, ts, viewer_id, viewer_name, msg_id, payload FROM events WHERE session_id = ? "
                "AND kind = 'comment' AND seq > ? ORDER BY seq", (session_id, after))]
        first_seen: dict[str, float] = {}
        ids = {c["viewer_id"] for c in comments if c["viewer_id"] is not None}
        if ids:
            for r in conn.execute("SELECT viewer_id, MIN(ts) AS t FROM events WHERE session_id = ? "
                                  "AND viewer_id IS NOT NULL GROUP BY viewer_id", (session_id,)):
                if r["viewer_id"] in ids:
                    first_seen[r["viewer_id"]] = r["t"]
        return actions, comments, first_seen
    finally:
        conn.close()


def restore_lottery(db_path: Path, session_id: int, interactions) -> Any:
    """Take up the session's undrawn lottery in the engine (its Result), or None if there is none."""
    from console.interact.lottery_restore import pending_draw_id

    actions, comments, first_seen = lottery_state(db_path, session_id)
    if pending_draw_id(actions) is None:
        return None
    engine = interactions.engine("lottery")
    return interactions.run(lambda: engine.restore(actions, comments, first_seen))
