"""Douyin 直播数据推送: signature check and payload → core events. Pure, never raises.

A push is `POST` with headers x-nonce-str, x-timestamp (ms), x-roomid, x-msg-type, x-signature
and a JSON array body. Default signature (the documented scheme, "md5-base64"): the four x-
headers above sorted by name as `k=v` joined with `&`, then the raw body, then the secret;
MD5; base64. "hmac-sha256-base64" is offered for relays that re-sign with their own key.

Payload (per msg_type): common `msg_id, sec_openid, nickname, avatar_url, timestamp`;
live_comment `content`; live_gift `sec_gift_id, gift_num, gift_value` (fen, total);
live_like `like_num`; live_fansclub `fansclub_reason_type` (2 = joined the fans club, else a
level change — unverified, so only joins become Follow events), `fansclub_level`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from console.core.events import Comment, Event, Follow, Gift, Like, Viewer

SIGNED_HEADERS = ("x-msg-type", "x-nonce-str", "x-roomid", "x-timestamp")
SCHEMES = ("md5-base64", "hmac-sha256-base64")
MSG_TYPES = ("live_comment", "live_gift", "live_like", "live_fansclub")
FANSCLUB_JOINED = 2
MAX_BODY_BYTES = 1 << 20


def signature(headers: Mapping[str, str], body: bytes, secret: str, scheme: str = "md5-base64") -> str:
    """The x-signature a genuine push carries (also what the test client signs with)."""
    lower = {k.lower(): v for k, v in headers.items()}
    head = "&".join(f"{k}={lower[k]}" for k in sorted(SIGNED_HEADERS) if k in lower)
    if scheme == "hmac-sha256-base64":
        digest = hmac.new(secret.encode(), head.encode() + body, hashlib.sha256).digest()
    elif scheme == "md5-base64":
        digest = hashlib.md5(head.encode() + body + secret.encode()).digest()
    else:
        raise ValueError(f"unknown signature scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    return base64.b64encode(digest).decode()


def verify(headers: Mapping[str, str], body: bytes, secret: str, scheme: str = "md5-base64") -> bool:
    given = {k.lower(): v for k, v in headers.items()}.get("x-signature", "")
    if not given:
        return False
    return hmac.compare_digest(given.encode(), signature(headers, body, secret, scheme).encode())


@dataclass(slots=True)
class PushBatch:
    events: list[Event] = field(default_factory=list)
    skipped: int = 0
    """Items that were well-formed but carry nothing we log (fans-club level changes)."""
    invalid: int = 0
    """Items that could not be read (missing msg_id, wrong types); counted, never fatal."""
    error: str | None = None
    """Set when the whole body is unusable (not JSON, not an array, unknown msg_type)."""


def _text(item: dict, key: str, limit: int = 256) -> str:
    value = item.get(key)
    return str(value)[:limit] if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


def _count(item: dict, key: str, default: int = 1) -> int:
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(key)
    return max(0, min(int(value), 10_000_000))


def _ts(item: dict, fallback: float) -> float:
    value = item.get("timestamp")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        return fallback
    return value / 1000.0 if value > 1e11 else float(value)  # documented as ms; accept seconds


def _event(msg_type: str, item: dict, platform: str, now: float) -> Event | None:
    msg_id = _text(item, "msg_id")
    if not msg_id:
        raise ValueError("msg_id")
    openid = _text(item, "sec_openid") or _text(item, "sec_open_id")
    viewer = Viewer(openid, _text(item, "nickname") or openid) if openid else None
    base: dict[str, Any] = {"platform": platform, "msg_id": msg_id, "ts": _ts(item, now), "viewer": viewer}
    if msg_type == "live_comment":
        content = item.get("content")
        if not isinstance(content, str):
            raise ValueError("content")
        return Comment(**base, text=content)
    if msg_type == "live_gift":
        value = item.get("gift_value", 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ValueError("gift_value")
        name = _text(item, "gift_name") or _text(item, "sec_gift_id")
        return Gift(**base, gift_name=name, count=max(1, _count(item, "gift_num")), value=round(value / 100.0, 2))
    if msg_type == "live_like":
        return Like(**base, count=max(1, _count(item, "like_num")))
    if msg_type == "live_fansclub":
        reason = _count(item, "fansclub_reason_type", 0)
        return Follow(**base) if reason == FANSCLUB_JOINED else None
    raise ValueError("msg_type")


def parse_push(msg_type: str, body: bytes | str, platform: str = "douyin", now: float = 0.0) -> PushBatch:
    """One push body → events. Bad items are counted and skipped; the rest still count."""
    out = PushBatch()
    if msg_type not in MSG_TYPES:
        out.error = f"unknown x-msg-type {msg_type[:40]!r}"
        return out
    try:
        items = json.loads(body)
    except (ValueError, RecursionError, TypeError):
        out.error = "body is not valid JSON"
        return out
    if isinstance(items, dict):  # tolerate a single object where an array is documented
        items = [items]
    if not isinstance(items, list):
        out.error = "body must be a JSON array of messages"
        return out
    for item in items:
        if not isinstance(item, dict):
            out.invalid += 1
            continue
        try:
            event = _event(msg_type, item, platform, now)
        except (ValueError, OverflowError):
            out.invalid += 1
            continue
        if event is None:
            out.skipped += 1
        else:
            out.events.append(event)
    return out
