"""Bridge schema v1: one JSON object per WebSocket message → one core event. Pure, never raises.

    {"v": 1, "type": "comment|gift|like|follow|join|viewer_count|order",
     "id": "<platform msg id>", "ts": <epoch s>, "user": {"id": "…", "name": "…"}, …type fields}

comment `text`; gift `name`, `count`, `value`; like `count`; viewer_count `count`;
order `sku`, `quantity`, `amount`. Unknown fields are ignored (collectors may send more);
an unknown `type` is counted and skipped (a newer collector talking to an older console);
anything else that is wrong is answered with an error frame naming the problem.

Everything a collector sends is untrusted: sizes are bounded, numbers must be finite and in
range, strings are strings. `parse_message` returns a `Parsed` outcome instead of raising, so
random bytes can never take the server down (a hypothesis test holds it to that).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Callable

from console.core.events import Comment, Event, Follow, Gift, Join, Like, Order, Viewer, ViewerCount

SCHEMA_VERSION = 1
MAX_MESSAGE_BYTES = 64 * 1024
"""One message is one event; anything bigger is abuse (answered with an error frame)."""
MAX_ID_CHARS = 256
MAX_NAME_CHARS = 256
MAX_COUNT = 10_000_000
MAX_AMOUNT = 1e9
KNOWN_TYPES = ("comment", "gift", "like", "follow", "join", "viewer_count", "order")


@dataclass(frozen=True, slots=True)
class Parsed:
    event: Event | None = None
    unknown_type: str | None = None
    """Set when the message was well-formed but of a type this console does not know."""
    error: str | None = None
    """Machine-readable code for the error frame: malformed_json, too_large, bad_version, invalid."""
    message: str = ""
    """Human-readable detail for the collector's author."""
    msg_id: str | None = None
    """The message's id when it could be read (echoed in error frames)."""


class _Invalid(Exception):
    pass


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _str(obj: dict, key: str, *, required: bool, limit: int, default: str = "") -> str:
    value = obj.get(key)
    if value is None:
        if required:
            raise _Invalid(f"'{key}' is required")
        return default
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _Invalid(f"'{key}' must be a string")
    text = str(value)
    if required and not text:
        raise _Invalid(f"'{key}' must not be empty")
    if len(text) > limit:
        raise _Invalid(f"'{key}' is longer than {limit} characters")
    return text


def _int(obj: dict, key: str, *, default: int | None, low: int = 0) -> int:
    value = obj.get(key)
    if value is None:
        if default is None:
            raise _Invalid(f"'{key}' is required")
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(f"'{key}' must be a whole number")
    if not low <= value <= MAX_COUNT:
        raise _Invalid(f"'{key}' must be between {low} and {MAX_COUNT}")
    return value


def _amount(obj: dict, key: str) -> float:
    value = obj.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Invalid(f"'{key}' must be a number")
    value = float(value)
    if not math.isfinite(value) or not 0 <= value <= MAX_AMOUNT:
        raise _Invalid(f"'{key}' must be between 0 and {MAX_AMOUNT:.0f}")
    return value


def _viewer(obj: dict, needed: bool) -> Viewer | None:
    user = obj.get("user")
    if user is None:
        if needed:
            raise _Invalid("'user' is required for this type")
        return None
    if not isinstance(user, dict):
        raise _Invalid("'user' must be an object")
    uid = _str(user, "id", required=True, limit=MAX_ID_CHARS)
    name = _str(user, "name", required=False, limit=MAX_NAME_CHARS, default=uid)
    return Viewer(uid, name or uid)


def _comment(o, base):
    return Comment(**base, viewer=_viewer(o, True), text=_str(o, "text", required=True, limit=10**9))


def _gift(o, base):
    return Gift(**base, viewer=_viewer(o, True), gift_name=_str(o, "name", required=True, limit=MAX_NAME_CHARS),
                count=_int(o, "count", default=1, low=1), value=_amount(o, "value"))


def _like(o, base):
    return Like(**base, viewer=_viewer(o, False), count=_int(o, "count", default=1, low=1))


def _follow(o, base):
    return Follow(**base, viewer=_viewer(o, True))


def _join(o, base):
    return Join(**base, viewer=_viewer(o, True))


def _viewer_count(o, base):
    return ViewerCount(**base, viewer=_viewer(o, False), count=_int(o, "count", default=None))


def _order(o, base):
    return Order(**base, viewer=_viewer(o, False), sku=_str(o, "sku", required=True, limit=MAX_NAME_CHARS),
                 quantity=_int(o, "quantity", default=1, low=1), amount=_amount(o, "amount"))


_BUILDERS: dict[str, Callable[[dict, dict], Event]] = {
    "comment": _comment, "gift": _gift, "like": _like, "follow": _follow, "join": _join,
    "viewer_count": _viewer_count, "order": _order,
}


def parse_message(raw: str | bytes, platform: str = "bridge", now: float = 0.0) -> Parsed:
    """One WebSocket message → a `Parsed` outcome. `now` stands in for a missing `ts`."""
    size = len(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw)
    if size > MAX_MESSAGE_BYTES:
        return Parsed(error="too_large", message=f"message is {size} bytes; the limit is {MAX_MESSAGE_BYTES}")
    try:
        obj = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError, TypeError) as exc:  # UnicodeDecodeError is a ValueError
        return Parsed(error="malformed_json", message=f"not valid JSON ({type(exc).__name__})")
    if not isinstance(obj, dict):
        return Parsed(error="malformed_json", message="each message must be one JSON object")
    msg_id = obj.get("id")
    msg_id = str(msg_id)[:MAX_ID_CHARS] if isinstance(msg_id, (str, int)) and not isinstance(msg_id, bool) else None
    if obj.get("v") != SCHEMA_VERSION or isinstance(obj.get("v"), bool):
        return Parsed(error="bad_version", message=f"'v' must be {SCHEMA_VERSION}", msg_id=msg_id)
    kind = obj.get("type")
    if not isinstance(kind, str):
        return Parsed(error="invalid", message="'type' must be a string", msg_id=msg_id)
    builder = _BUILDERS.get(kind)
    if builder is None:
        return Parsed(unknown_type=kind[:64], msg_id=msg_id)
    try:
        ident = _str(obj, "id", required=True, limit=MAX_ID_CHARS)
        ts = obj.get("ts", now)
        if isinstance(ts, bool) or not isinstance(ts, (int, float)) or not math.isfinite(ts) or ts < 0:
            raise _Invalid("'ts' must be epoch seconds")
        event = builder(obj, {"platform": platform, "msg_id": ident, "ts": float(ts)})
    except _Invalid as exc:
        return Parsed(error="invalid", message=f"{kind}: {exc}", msg_id=msg_id)
    return Parsed(event=event, msg_id=ident)


def error_frame(parsed: Parsed) -> str:
    """What the console answers to a message it could not use (the collector logs it)."""
    frame: dict[str, Any] = {"v": SCHEMA_VERSION, "type": "error", "error": parsed.error, "message": parsed.message}
    if parsed.msg_id is not None:
        frame["id"] = parsed.msg_id
    return json.dumps(frame, ensure_ascii=False)


def hello_frame(platform: str) -> str:
    """Sent once on connect so a collector knows it reached a console that speaks v1."""
    return json.dumps({"v": SCHEMA_VERSION, "type": "hello", "platform": platform, "types": list(KNOWN_TYPES)})
