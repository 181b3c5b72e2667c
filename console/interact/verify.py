"""Recompute lottery draws from the session log alone (what `live-console verify-draw` runs).

Input is the logged actions of a session in recording order, as plain dicts
({"id", "ts", "name", "detail": {...}}); nothing from the running console is trusted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from console.core import actions as A

from .draw import DrawSequence, freeze_entrants
from .lottery import ineligible_reason

LOTTERY_NAMES = (A.LOTTERY_OPEN, A.LOTTERY_ENTRY, A.LOTTERY_CLOSE, A.LOTTERY_DRAW, A.LOTTERY_REROLL)
WINDOW_TOLERANCE_S = 2.0
"""Slack between wall-clock timestamps and the engine's monotonic entry window."""


@dataclass
class DrawReport:
    draw_id: str
    status: str  # "valid" | "invalid" | "incomplete"
    reasons: list[str] = field(default_factory=list)
    entrants: int = 0
    winners: list[str] = field(default_factory=list)
    session_id: Any = None

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    def line(self) -> str:
        where = f" (session {self.session_id})" if self.session_id is not None else ""
        if self.status == "valid":
            return (f"{self.draw_id}{where}: VALID — {self.entrants} entrant(s), winners "
                    f"{', '.join(self.winners) or '(none)'}; seed matches the commitment and the "
                    "winners follow from seed + entrants.")
        if self.status == "incomplete":
            return f"{self.draw_id}{where}: NOT DRAWN — {'; '.join(self.reasons)}"
        return f"{self.draw_id}{where}: INVALID — {'; '.join(self.reasons)}"


def group_by_draw(actions: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in actions:
        if row["name"] in LOTTERY_NAMES:
            draw_id = str((row.get("detail") or {}).get("draw_id", ""))
            groups.setdefault(draw_id, []).append(row)
    return groups


def verify_draw(draw_id: str, rows: list[Mapping[str, Any]], session_id: Any = None) -> DrawReport:
    report = DrawReport(draw_id, "invalid", session_id=session_id)
    bad = report.reasons
    by_name: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_name.setdefault(row["name"], []).append(row)
    for name in (A.LOTTERY_OPEN, A.LOTTERY_CLOSE, A.LOTTERY_DRAW):
        if len(by_name.get(name, [])) > 1:
            bad.append(f"{name} logged {len(by_name[name])} times")
    opened = (by_name.get(A.LOTTERY_OPEN) or [None])[0]
    closed = (by_name.get(A.LOTTERY_CLOSE) or [None])[0]
    drawn = (by_name.get(A.LOTTERY_DRAW) or [None])[0]
    if opened is None:
        bad.append("no lottery.open in the log, so there is no commitment to check against")
        return report
    if drawn is None:
        report.status = "incomplete"
        report.reasons = ["no winners drawn in this log"] + bad
        return report
    if closed is None:
        bad.append("winners were drawn but the entrant list was never frozen (no lottery.close)")
        return report
    o, c, d = opened["detail"], closed["detail"], drawn["detail"]

    # 1. The revealed seed is the one committed to before anyone entered.
    try:
        seed = bytes.fromhex(str(d.get("seed", "")))
    except ValueError:
        seed = b""
        bad.append("the revealed seed is not valid hex")
    if seed and hashlib.sha256(seed).hexdigest() != o.get("commitment"):
        bad.append("SHA-256 of the revealed seed does not match the commitment published at open")

    # 2. The frozen entrant list is exactly the eligible entries logged while entries were open.
    if not (opened["id"] < closed["id"] < drawn["id"]):
        bad.append("open, close and draw are not logged in that order")
    rules = o.get("rules") or {}
    window = float(o.get("window_s", 0.0))
    entered: list[str] = []
    for entry in by_name.get(A.LOTTERY_ENTRY, []):
        e = entry["detail"]
        vid = str(e.get("viewer_id", ""))
        if entry["id"] < opened["id"]:
            bad.append(f"entry by {vid} logged before the lottery opened")
        elif entry["id"] > closed["id"]:
            bad.append(f"entry by {vid} logged after entries closed")
            continue
        if float(entry["ts"]) - float(opened["ts"]) > window + WINDOW_TOLERANCE_S:
            bad.append(f"entry by {vid} came after the {window:g} s entry window")
        if vid in entered:
            bad.append(f"{vid} entered more than once")
        reason = ineligible_reason(rules, vid, e)
        if reason:
            bad.append(f"{vid} was not eligible ({reason})")
        entered.append(vid)
    logged = [str(x) for x in c.get("entrants", [])]
    if logged != freeze_entrants(logged):
        bad.append("the frozen entrant list is not sorted and de-duplicated")
    if freeze_entrants(entered) != freeze_entrants(logged):
        missing = sorted(set(entered) - set(logged))
        extra = sorted(set(logged) - set(entered))
        parts = []
        if missing:
            parts.append(f"entered but left out: {', '.join(missing[:5])}")
        if extra:
            parts.append(f"listed without a logged entry: {', '.join(extra[:5])}")
        bad.append("entrants at close differ from the logged entries (" + "; ".join(parts) + ")")
    report.entrants = len(logged)

    # 3. The winners are what the published algorithm gives for this seed and these entrants.
    seq = DrawSequence(seed, logged)
    want = min(int(o.get("winners", 1)), len(logged))
    got = [str(w) for w in d.get("winners", [])]
    if len(got) != want:
        bad.append(f"{len(got)} winner(s) drawn but {want} were due")
    if seq.take(len(got)) != got:
        bad.append("the winners do not follow from the seed and the entrant list")
    report.winners = list(got)
    for reroll in by_name.get(A.LOTTERY_REROLL, []):
        extra = [str(w) for w in reroll["detail"].get("winners", [])]
        if reroll["id"] < drawn["id"]:
            bad.append("a reroll is logged before the draw")
        if seq.take(len(extra)) != extra:
            bad.append("a reroll's winners do not continue the draw sequence")
        report.winners.extend(extra)

    report.status = "invalid" if bad else "valid"
    return report


def verify_actions(actions: Iterable[Mapping[str, Any]], session_id: Any = None,
                   only: str | None = None) -> list[DrawReport]:
    groups = group_by_draw(actions)
    return [verify_draw(draw_id, rows, session_id) for draw_id, rows in groups.items()
            if only is None or draw_id == only]
