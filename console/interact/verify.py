"""Recompute lottery draws from the session log alone (what `live-console verify-draw` runs).

Input is one session's records in the log's own order, as plain dicts: actions
{"table": "actions", "seq", "id", "ts", "name", "detail": {...}} and comment events
{"table": "events", "seq", "kind", "viewer_id", "msg_id", "payload": {...}}. Nothing from the
running console is trusted. The rules checked (README "Verifiable lottery draws"):

* the revealed seed hashes to the commitment logged at open;
* the entry window is the log's order: exactly the keyword comments between lottery.open and
  lottery.close count, each first one per viewer has one logged decision (entry or refusal), and
  each decision follows from the rules and the facts logged with it;
* the frozen list at close is the entrants, its count and SHA-256 are the ones logged (on air);
* winners and rerolls are what the algorithm gives for seed + list;
* the chain head shown on air at the draw is the hash of that record in this log.

Logs written before the hash chain (no `seq`) are checked the old way: by record id, without
the comments (the report says so).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from console.core import actions as A

from .draw import DrawSequence, entrants_digest, freeze_entrants
from .keywords import matches_entry
from .lottery import ineligible_reason

LOTTERY_NAMES = (A.LOTTERY_OPEN, A.LOTTERY_ENTRY, A.LOTTERY_REJECT, A.LOTTERY_CLOSE, A.LOTTERY_DRAW,
                 A.LOTTERY_REROLL, A.LOTTERY_VOID)


@dataclass
class DrawReport:
    draw_id: str
    status: str  # "valid" | "invalid" | "incomplete" (never drawn) | "void" (called off)
    reasons: list[str] = field(default_factory=list)
    entrants: int = 0
    winners: list[str] = field(default_factory=list)
    session_id: Any = None
    chained: bool = True

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    def line(self) -> str:
        where = f" (session {self.session_id})" if self.session_id is not None else ""
        if self.status == "valid":
            extra = "" if self.chained else " (log written before the hash chain: order by record id)"
            return (f"{self.draw_id}{where}: VALID — {self.entrants} entrant(s), winners "
                    f"{', '.join(self.winners) or '(none)'}; seed matches the commitment and the "
                    f"winners follow from seed + entrants{extra}.")
        if self.status == "incomplete":
            return f"{self.draw_id}{where}: NEVER DRAWN — {'; '.join(self.reasons)}"
        if self.status == "void":
            return f"{self.draw_id}{where}: VOID — {'; '.join(self.reasons)}"
        return f"{self.draw_id}{where}: INVALID — {'; '.join(self.reasons)}"


def _order(row: Mapping[str, Any]) -> int:
    return row["seq"] if row.get("seq") is not None else row["id"]


def group_by_draw(actions: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in actions:
        if row["name"] in LOTTERY_NAMES:
            draw_id = str((row.get("detail") or {}).get("draw_id", ""))
            groups.setdefault(draw_id, []).append(row)
    return groups


def _check_window(o, closed, decisions, comments, bad) -> list[str]:
    """The entrants by the log's order; appends what does not add up to `bad`."""
    lo, hi = o["seq"], closed["seq"]
    keyword, rules = str(o["detail"].get("keyword", "")), o["detail"].get("rules") or {}
    pending: dict[tuple[str, Any], list[Mapping[str, Any]]] = {}
    for d in decisions:
        det = d["detail"]
        if not lo < d["seq"] < hi:
            bad.append(f"the decision on {det.get('viewer_id')} is logged outside the entry window")
        pending.setdefault((str(det.get("viewer_id")), det.get("msg_id")), []).append(d)
    entered: list[str] = []
    for c in comments:
        vid = c.get("viewer_id")
        if vid is None or not lo < c["seq"] < hi or vid in entered:
            continue
        if not matches_entry(str((c.get("payload") or {}).get("text", "")), keyword):
            continue
        got = pending.get((str(vid), c.get("msg_id"))) or []
        if not got:
            bad.append(f"keyword comment #{c['seq']} by {vid} in the entry window has no logged decision")
            continue
        d = got.pop(0)
        reason = ineligible_reason(rules, str(vid), d["detail"])
        if d["name"] == A.LOTTERY_ENTRY:
            if reason:
                bad.append(f"{vid} was not eligible ({reason})")
            entered.append(str(vid))
        elif not reason:
            bad.append(f"{vid} was refused ({d['detail'].get('reason')}) although the rules admit them")
    for (vid, _), rest in pending.items():
        for d in rest:
            what = "entry" if d["name"] == A.LOTTERY_ENTRY else "refusal"
            bad.append(f"the {what} of {vid} names no keyword comment of theirs in the entry window")
    return entered


def _legacy_entries(o, closed, entries, bad) -> list[str]:
    entered: list[str] = []
    rules = o["detail"].get("rules") or {}
    for entry in entries:
        e = entry["detail"]
        vid = str(e.get("viewer_id", ""))
        if entry["id"] < o["id"]:
            bad.append(f"entry by {vid} logged before the lottery opened")
        elif entry["id"] > closed["id"]:
            bad.append(f"entry by {vid} logged after entries closed")
            continue
        if vid in entered:
            bad.append(f"{vid} entered more than once")
        reason = ineligible_reason(rules, vid, e)
        if reason:
            bad.append(f"{vid} was not eligible ({reason})")
        entered.append(vid)
    return entered


def verify_draw(draw_id: str, rows: list[Mapping[str, Any]], session_id: Any = None,
                comments: list[Mapping[str, Any]] | None = None,
                hashes: Mapping[int, bytes] | None = None) -> DrawReport:
    chained = all(r.get("seq") is not None for r in rows) and comments is not None
    report = DrawReport(draw_id, "invalid", session_id=session_id, chained=chained)
    bad = report.reasons
    by_name: dict[str, list[Mapping[str, Any]]] = {}
    for row in sorted(rows, key=_order):
        by_name.setdefault(row["name"], []).append(row)
    for name in (A.LOTTERY_OPEN, A.LOTTERY_CLOSE, A.LOTTERY_DRAW):
        if len(by_name.get(name, [])) > 1:
            bad.append(f"{name} logged {len(by_name[name])} times")
    opened = (by_name.get(A.LOTTERY_OPEN) or [None])[0]
    closed = (by_name.get(A.LOTTERY_CLOSE) or [None])[0]
    drawn = (by_name.get(A.LOTTERY_DRAW) or [None])[0]
    voided = (by_name.get(A.LOTTERY_VOID) or [None])[0]
    if opened is None:
        bad.append("no lottery.open in the log, so there is no commitment to check against")
        return report
    if drawn is None:
        if voided is not None:
            report.status = "void"
            report.reasons = [f"called off: {voided['detail'].get('reason', '')}"] + bad
        else:
            report.status = "incomplete"
            report.reasons = ["no winners were drawn in this log"] + bad
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

    # 2. The frozen entrant list is exactly the eligible entries of the window.
    if not (_order(opened) < _order(closed) < _order(drawn)):
        bad.append("open, close and draw are not logged in that order")
    if chained:
        decisions = sorted(by_name.get(A.LOTTERY_ENTRY, []) + by_name.get(A.LOTTERY_REJECT, []), key=_order)
        entered = _check_window(opened, closed, decisions, comments or [], bad)
    else:
        entered = _legacy_entries(opened, closed, by_name.get(A.LOTTERY_ENTRY, []), bad)
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
    if "entrants_sha256" in c and c["entrants_sha256"] != entrants_digest(logged):
        bad.append("the entrant-list hash logged at close (shown on air) is not the hash of the list")
    if "entrant_count" in c and c["entrant_count"] != len(logged):
        bad.append("the entrant count logged at close (shown on air) is not the length of the list")
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
        if _order(reroll) < _order(drawn):
            bad.append("a reroll is logged before the draw")
        if seq.take(len(extra)) != extra:
            bad.append("a reroll's winners do not continue the draw sequence")
        report.winners.extend(extra)

    # 4. The chain head shown on air at the draw is this log's record.
    if hashes is not None and "chain_seq" in d:
        have = hashes.get(int(d["chain_seq"]))
        if have is None or have.hex() != d.get("chain_hash"):
            bad.append(f"the log's record #{d['chain_seq']} does not have the chain hash shown on air "
                       "at the draw (the log was rewritten)")

    report.status = "invalid" if bad else "valid"
    return report


def verify_actions(actions: Iterable[Mapping[str, Any]], session_id: Any = None,
                   only: str | None = None) -> list[DrawReport]:
    """Actions only (no comments): the pre-chain check, by record id."""
    groups = group_by_draw(actions)
    return [verify_draw(draw_id, rows, session_id) for draw_id, rows in groups.items()
            if only is None or draw_id == only]


def verify_records(records: list[Mapping[str, Any]], session_id: Any = None,
                   only: str | None = None) -> list[DrawReport]:
    """One session's records in log order: the chain, then every draw (see module doc)."""
    from console.store.chain import check_chain

    chained = any(r.get("seq") is not None for r in records)
    actions = [r for r in records if r["table"] == "actions"]
    groups = group_by_draw(actions)
    if only is not None:
        groups = {k: v for k, v in groups.items() if k == only}
    if not groups:
        return []
    if not chained:
        return [verify_draw(k, v, session_id) for k, v in groups.items()]
    n, _head, problems = check_chain(records)
    hashes = {r["seq"]: bytes(r["hash"]) for r in records if r.get("seq") is not None and r.get("hash")}
    comments = [r for r in records if r["table"] == "events" and r.get("kind") == "comment"
                and r.get("seq") is not None]
    reports = [verify_draw(k, v, session_id, comments, hashes) for k, v in groups.items()]
    if problems:
        for rep in reports:
            rep.reasons = [f"the session log's hash chain is broken: {problems[0]}"
                           + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else "")] + rep.reasons
            rep.status = "invalid"
    return reports
