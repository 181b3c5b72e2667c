"""Twitch EventSub frames → console events. Pure: JSON in, frozen events out, never raises.

An EventSub WebSocket frame is `{"metadata": {message_id, message_type, message_timestamp,
subscription_type?, subscription_version?}, "payload": {...}}`. `parse_frame` sorts it into a
`Frame`; `events_from_notification` turns a notification's `event` into console events. Anything
malformed becomes `Frame("malformed")` or no events — a platform glitch never stops the show.

Cheers stay comments (the words are what the host reads) and also become a `Gift` of bits
(1 bit = US$0.01) so value rankings see them. Raids become a `Join` of the raiding channel,
counting the viewers it brings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from console.core.events import Comment, Event, Follow, Gift, Join, Viewer

PLATFORM = "twitch"
SUB_VALUE_USD = {"1000": 4.99, "2000": 9.99, "3000": 24.99}
TIER_NAME = {"1000": "Tier 1", "2000": "Tier 2", "3000": "Tier 3"}


@dataclass(frozen=True, slots=True)
class Frame:
    type: str
    """session_welcome | session_keepalive | session_reconnect | notification | revocation |
    malformed | other."""
    message_id: str = ""
    ts: float = 0.0
    session_id: str = ""
    keepalive_s: float | None = None
    reconnect_url: str = ""
    subscription_type: str = ""
    subscription_status: str = ""
    event: dict[str, Any] = field(default_factory=dict)


def _d(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def parse_ts(value: Any, default: float = 0.0) -> float:
    """RFC 3339 with nanoseconds ("2023-07-19T14:56:51.634234626Z") → epoch seconds."""
    if not isinstance(value, str) or not value:
        return default
    text = value.strip().replace("Z", "+00:00")
    if "." in text:  # Python parses at most microseconds: trim the fraction to 6 digits
        head, _, rest = text.partition(".")
        digits = "".join(ch for ch in rest if ch.isdigit())
        tz = rest[len(digits):]
        text = f"{head}.{digits[:6] or '0'}{tz}"
    try:
        return datetime.fromisoformat(text).timestamp()
    except (ValueError, OverflowError):
        return default


def parse_frame(text: str | bytes, now: float = 0.0) -> Frame:
    try:
        data = json.loads(text)
    except (ValueError, TypeError, RecursionError):
        return Frame("malformed")
    if not isinstance(data, dict):
        return Frame("malformed")
    meta, payload = _d(data.get("metadata")), _d(data.get("payload"))
    mtype = _s(meta.get("message_type"))
    msg_id = _s(meta.get("message_id"))
    ts = parse_ts(meta.get("message_timestamp"), now)
    if not mtype:
        return Frame("malformed")
    if mtype in ("session_welcome", "session_reconnect"):
        session = _d(payload.get("session"))
        keep = session.get("keepalive_timeout_seconds")
        keep_s = float(keep) if isinstance(keep, (int, float)) and not isinstance(keep, bool) and keep > 0 else None
        return Frame(mtype, msg_id, ts, session_id=_s(session.get("id")), keepalive_s=keep_s,
                     reconnect_url=_s(session.get("reconnect_url")))
    if mtype == "session_keepalive":
        return Frame(mtype, msg_id, ts)
    if mtype in ("notification", "revocation"):
        sub = _d(payload.get("subscription"))
        sub_type = _s(meta.get("subscription_type")) or _s(sub.get("type"))
        return Frame(mtype, msg_id, ts, subscription_type=sub_type,
                     subscription_status=_s(sub.get("status")), event=_d(payload.get("event")))
    return Frame("other", msg_id, ts)


def _viewer(event: dict, prefix: str) -> Viewer | None:
    uid = _s(event.get(f"{prefix}_id"))
    if not uid:
        return None
    name = _s(event.get(f"{prefix}_name")) or _s(event.get(f"{prefix}_login")) or uid
    return Viewer(uid, name)


def _int(value: Any, default: int = 0) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return default


def events_from_notification(frame: Frame) -> list[Event]:
    """Console events for one notification frame (empty for types we do not show)."""
    try:
        return _events(frame)
    except Exception:  # noqa: BLE001 — defensive: odd payload shapes never escape a parser
        return []


def _events(frame: Frame) -> list[Event]:
    ev, t, ts, mid = frame.event, frame.subscription_type, frame.ts, frame.message_id
    if t == "channel.chat.message":
        msg_id = _s(ev.get("message_id")) or mid
        text = _s(_d(ev.get("message")).get("text"))
        viewer = _viewer(ev, "chatter_user")
        out: list[Event] = [Comment(PLATFORM, msg_id, ts, viewer, text=text)]
        bits = _int(_d(ev.get("cheer")).get("bits"))
        if bits > 0:
            out.append(Gift(PLATFORM, f"{msg_id}:bits", ts, viewer, gift_name="Bits", count=bits,
                            value=round(bits * 0.01, 2)))
        return out
    if t == "channel.follow":
        return [Follow(PLATFORM, mid, ts, _viewer(ev, "user"))]
    if t in ("channel.subscribe", "channel.subscription.message"):
        if t == "channel.subscribe" and ev.get("is_gift") is True:
            return []  # the gifter's channel.subscription.gift carries the value once
        tier = _s(ev.get("tier")) or "1000"
        return [Gift(PLATFORM, mid, ts, _viewer(ev, "user"), gift_name=f"Sub {TIER_NAME.get(tier, tier)}",
                     count=1, value=SUB_VALUE_USD.get(tier, 0.0))]
    if t == "channel.subscription.gift":
        tier = _s(ev.get("tier")) or "1000"
        total = max(1, _int(ev.get("total"), 1))
        viewer = None if ev.get("is_anonymous") is True else _viewer(ev, "user")
        return [Gift(PLATFORM, mid, ts, viewer or Viewer("anonymous", "Anonymous"),
                     gift_name=f"Gift sub {TIER_NAME.get(tier, tier)}", count=total,
                     value=round(SUB_VALUE_USD.get(tier, 0.0) * total, 2))]
    if t == "channel.raid":
        return [Join(PLATFORM, mid, ts, _viewer(ev, "from_broadcaster_user"),
                     count=max(1, _int(ev.get("viewers"), 1)))]
    return []
