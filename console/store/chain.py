"""The session log's hash chain: every record carries the hash of the one before it.

Records of one session (platform events and console actions alike) get a sequence number
`seq` = 1, 2, 3, … in the order the writer received them — the log's own order, which is the
order the engines saw them (the hub delivers to the log first, see core/hub.py) — and

    hash[n] = SHA-256( hash[n-1] ‖ field_1 ‖ field_2 ‖ … )      hash[0] = 32 zero bytes

where each field is written as a 4-byte big-endian byte length followed by the bytes:
text as UTF-8, integers in decimal ASCII, timestamps as decimal ASCII with exactly six digits
after the point (`"%.6f"`), NULL as zero bytes. The fields, in order:

    event:  "event",  session_id, seq, kind, platform, msg_id, ts, viewer_id, viewer_name, payload
    action: "action", session_id, seq, ts, name, source, platform, msg_id, detail

(`payload` and `detail` are the JSON text exactly as stored.) Each row stores `seq`,
`prev_hash` and `hash` (32-byte BLOBs). Changing, removing, inserting or renumbering any record
changes every hash after it, so a log that matches a chain head shown on air (at each draw) is
the log that was written during the show, up to that record.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any, Iterable, Sequence

GENESIS = bytes(32)
EVENT_TAG = "event"
ACTION_TAG = "action"


def _field(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bool):
        return str(int(value)).encode("ascii")
    if isinstance(value, int):
        return str(value).encode("ascii")
    if isinstance(value, float):
        return f"{value:.6f}".encode("ascii")
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def record_hash(prev: bytes, fields: Iterable[Any]) -> bytes:
    h = hashlib.sha256(prev)
    for value in fields:
        data = _field(value)
        h.update(len(data).to_bytes(4, "big"))
        h.update(data)
    return h.digest()


_sha256 = hashlib.sha256
_length = struct.Struct(">I").pack
_EVENT_HEAD = _length(len(b"event")) + b"event"
_ACTION_HEAD = _length(len(b"action")) + b"action"


def _b(value: str | None) -> bytes:
    return b"" if value is None else value.encode("utf-8")


def event_hash(prev: bytes, row: Sequence[Any], seq: int) -> bytes:
    """record_hash(prev, event_fields(row, seq)), unrolled: the writer chains 20k+ rows/s."""
    sid, kind, platform, msg_id, ts, vid, vname, payload = row[:8]
    parts = (b"%d" % sid, b"%d" % seq, _b(kind), _b(platform), _b(msg_id), b"%.6f" % ts, _b(vid),
             _b(vname), _b(payload))
    return _sha256(b"".join([prev, _EVENT_HEAD, *[_length(len(p)) + p for p in parts]])).digest()


def action_hash(prev: bytes, row: Sequence[Any], seq: int) -> bytes:
    """record_hash(prev, action_fields(row, seq)), unrolled."""
    sid, ts, name, source, detail, platform, msg_id = row[:7]
    parts = (b"%d" % sid, b"%d" % seq, b"%.6f" % ts, _b(name), _b(source), _b(platform), _b(msg_id),
             _b(detail))
    return _sha256(b"".join([prev, _ACTION_HEAD, *[_length(len(p)) + p for p in parts]])).digest()


def event_fields(row: Sequence[Any], seq: int) -> tuple[Any, ...]:
    """`row` is an events row as rows.EVENT_COLUMNS orders it."""
    session_id, kind, platform, msg_id, ts, viewer_id, viewer_name, payload = row[:8]
    return (EVENT_TAG, session_id, seq, kind, platform, msg_id, float(ts), viewer_id, viewer_name, payload)


def action_fields(row: Sequence[Any], seq: int) -> tuple[Any, ...]:
    """`row` is an actions row as rows.ACTION_COLUMNS orders it."""
    session_id, ts, name, source, detail, platform, msg_id = row[:7]
    return (ACTION_TAG, session_id, seq, float(ts), name, source, platform, msg_id, detail)


def fields_of(record: dict[str, Any]) -> tuple[Any, ...]:
    """The hashed fields of a record read back from the log: a dict with "table" and, in "raw",
    the payload/detail JSON text exactly as stored."""
    r = record
    if r["table"] == "events":
        return (EVENT_TAG, r["session_id"], r["seq"], r["kind"], r["platform"], r["msg_id"],
                float(r["ts"]), r["viewer_id"], r["viewer_name"], r["raw"])
    return (ACTION_TAG, r["session_id"], r["seq"], float(r["ts"]), r["name"], r["source"],
            r["platform"], r["msg_id"], r["raw"])


def check_chain(records: Iterable[dict[str, Any]]) -> tuple[int, bytes, list[str]]:
    """Recompute the chain over one session's records in `seq` order.

    Returns (records checked, head hash, problems in words). Records without a `seq` (written
    before the log had a chain) are counted as problems only if chained records come first.
    """
    prev, expected_seq, problems, n = GENESIS, 1, [], 0
    for r in records:
        if r.get("seq") is None:
            continue
        n += 1
        if r["seq"] != expected_seq:
            problems.append(f"record #{r['seq']} found where #{expected_seq} was expected "
                            "(records were removed, inserted or renumbered)")
            expected_seq = r["seq"]
        if bytes(r.get("prev_hash") or b"") != prev:
            problems.append(f"record #{r['seq']} does not carry the hash of the record before it")
        want = record_hash(prev, fields_of(r))
        if bytes(r.get("hash") or b"") != want:
            problems.append(f"record #{r['seq']} was changed after it was written (its hash does not match)")
        prev = bytes(r.get("hash") or b"")
        expected_seq += 1
        if len(problems) > 20:
            problems.append("… (stopped after 20 problems)")
            break
    return n, prev, problems
