"""Taking up a lottery after a crash, from the session log and the seed kept in the keyring.

Kept apart from lottery.py because it reads the log's dicts, not live events. The rules are the
same: decisions the engine logged stand; keyword comments in the log that were never decided
(the crash came between the comment and its decision) are decided now with the facts the log
itself carries — watch time from the viewer's first record in the session, follower status and
segment unknown — and marked "recovered", so verify-draw checks them like any other entry.
"""

from __future__ import annotations

import hashlib
from typing import Any, Mapping, Sequence

from console.core import actions as A
from console.core.events import ActionSource, Viewer
from console.messages import M

from .draw import entrants_digest, freeze_entrants
from .results import Result, ok


def pending_draw_id(actions: Sequence[Mapping[str, Any]]) -> str | None:
    """The last lottery opened in these records that was never drawn nor voided."""
    opened: list[str] = []
    finished: set[str] = set()
    for row in actions:
        draw_id = str((row.get("detail") or {}).get("draw_id", ""))
        if row["name"] == A.LOTTERY_OPEN:
            opened.append(draw_id)
        elif row["name"] in (A.LOTTERY_DRAW, A.LOTTERY_VOID):
            finished.add(draw_id)
    pending = [d for d in opened if d not in finished]
    return pending[-1] if pending else None


def restore_lottery(engine, actions: Sequence[Mapping[str, Any]], comments: Sequence[Mapping[str, Any]],
                    first_seen: Mapping[str, float]) -> Result | None:
    from .lottery import LotteryRules

    draw_id = pending_draw_id(actions)
    if draw_id is None:
        return None
    mine = [r for r in actions if (r.get("detail") or {}).get("draw_id") == draw_id]
    opened = next(r["detail"] for r in mine if r["name"] == A.LOTTERY_OPEN)
    closed = next((r["detail"] for r in mine if r["name"] == A.LOTTERY_CLOSE), None)
    rules_detail = dict(opened.get("rules") or {})
    engine.draw_id = draw_id
    engine.keyword = str(opened.get("keyword", ""))
    engine.window_s = float(opened.get("window_s", 0.0))
    engine.winner_count = int(opened.get("winners", 1))
    engine.rules = LotteryRules.from_mapping(rules_detail)
    engine._commitment = str(opened.get("commitment", ""))
    engine._opened_at = engine.clock.monotonic()
    engine._sequence, engine._winners, engine._chain, engine.void_reason = None, [], None, None
    names = {str(c.get("viewer_id")): str(c.get("viewer_name") or c.get("viewer_id")) for c in comments}
    engine._entrants = {}
    engine.rejected = {}
    decided: set[tuple[str, Any]] = set()
    for r in mine:
        d = r["detail"]
        if r["name"] in (A.LOTTERY_ENTRY, A.LOTTERY_REJECT):
            decided.add((str(d.get("viewer_id")), d.get("msg_id")))
        if r["name"] == A.LOTTERY_ENTRY:
            vid = str(d.get("viewer_id"))
            engine._entrants[vid] = names.get(vid, vid)
        elif r["name"] == A.LOTTERY_REJECT:
            engine.rejected[str(d.get("viewer_id"))] = str(d.get("reason", ""))

    seed = engine.vault.get(draw_id)
    if seed is None or hashlib.sha256(seed).hexdigest() != engine._commitment:
        engine._seed = b""
        engine.phase = "closed" if closed else "open"
        return engine.void(M("lottery.void_seed_lost").text(), ActionSource.SYSTEM)
    engine._seed = seed

    if closed is not None:
        engine.phase = "closed"
        engine._entrants = {vid: names.get(vid, vid) for vid in closed.get("entrants", [])}
        engine._digest = entrants_digest(freeze_entrants(engine._entrants))
    else:
        engine.phase = "open"
        for c in comments:
            vid = c.get("viewer_id")
            if vid is None or (str(vid), c.get("msg_id")) in decided:
                continue
            text = str((c.get("payload") or {}).get("text", ""))
            ts = float(c.get("ts", 0.0))
            viewer = Viewer(str(vid), names.get(str(vid), str(vid)))
            engine._decide(viewer, c.get("msg_id"), text, rules_detail,
                           lambda ts=ts, vid=str(vid): max(0.0, ts - first_seen.get(vid, ts)), recovered=True)
        engine.close_entries(ActionSource.SYSTEM)
    return ok("lottery.recovered", keyword=engine.keyword, count=len(engine._entrants))
