"""Bilibili open-live wire format, pure: packets in, core events out. No I/O, never raises.

A WebSocket message holds one or more packets, each a 16-byte big-endian header
(`>I H H I I`: packet length, header length, protocol version, operation, sequence) and a body.
Version 2 bodies are zlib-compressed concatenations of further packets (split and recursed);
operation 5 bodies are JSON commands `{"cmd": …, "data": {…}}`. Everything a hostile or broken
server could send — short headers, lying lengths, zlib bombs, non-JSON, unknown commands — is
counted in `ParseStats` and skipped; the rest of the message still parses.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from console.core import actions
from console.core.events import Action, ActionSource, Comment, Event, Gift, Join, Like, Segment, Viewer

PLATFORM = "bilibili"
HEADER = struct.Struct(">IHHII")
HEADER_LEN = HEADER.size  # 16

VER_JSON, VER_CONTROL, VER_ZLIB, VER_BROTLI = 0, 1, 2, 3
OP_HEARTBEAT, OP_HEARTBEAT_REPLY, OP_MESSAGE, OP_AUTH, OP_AUTH_REPLY = 2, 3, 5, 7, 8

MAX_DEPTH = 3
"""Compressed batches nest one level in practice; deeper is a malformed (or hostile) frame."""
MAX_INFLATED = 8 * 1024 * 1024
"""Largest decompressed batch accepted; a zlib bomb stops here instead of eating memory."""

GUARD_NAMES = {1: "总督", 2: "提督", 3: "舰长"}
MILLI_YUAN = 1000
"""Gift `price`/`r_price` and guard `price` are in 1/1000 yuan (1000 = ¥1 = 10 电池)."""


@dataclass(slots=True)
class ParseStats:
    packets: int = 0
    commands: int = 0
    malformed: int = 0
    """Packets or bodies that could not be read (cut, lying lengths, bad zlib, not JSON)."""
    unknown_ops: int = 0
    unknown_cmds: Counter = field(default_factory=Counter)
    """Commands we do not map, by name: counted, never fatal."""


@dataclass(slots=True)
class Frame:
    """What one WebSocket message said."""

    events: list[Event] = field(default_factory=list)
    auth_code: int | None = None
    """The auth reply's `code` (0 = accepted, -101 = token rejected); None when no auth reply."""
    heartbeat_replies: int = 0
    ended_game_id: str | None = None
    """Set by INTERACTION_END: the platform closed the game (the chat is over)."""


def make_packet(op: int, body: bytes | str = b"", ver: int = VER_CONTROL, seq: int = 1) -> bytes:
    data = body.encode() if isinstance(body, str) else body
    return HEADER.pack(HEADER_LEN + len(data), HEADER_LEN, ver, op, seq) + data


def parse_message(data: bytes, stats: ParseStats | None = None, now: float = 0.0) -> Frame:
    """One binary WebSocket message → a Frame. Never raises."""
    stats = stats if stats is not None else ParseStats()
    frame = Frame()
    try:
        _packets(bytes(data), stats, frame, now, 0)
    except Exception:  # noqa: BLE001 — belt and braces: a parser bug must not kill the link
        stats.malformed += 1
    return frame


def _packets(buf: bytes, stats: ParseStats, frame: Frame, now: float, depth: int) -> None:
    pos, end = 0, len(buf)
    while pos < end:
        if end - pos < HEADER_LEN:
            stats.malformed += 1  # a cut header: nothing after it can be located
            return
        plen, hlen, ver, op, _seq = HEADER.unpack_from(buf, pos)
        if hlen < HEADER_LEN or plen < hlen or pos + plen > end:
            stats.malformed += 1  # lying lengths or a packet cut mid-body
            return
        body = buf[pos + hlen: pos + plen]
        pos += plen
        stats.packets += 1
        _packet(ver, op, body, stats, frame, now, depth)


def _packet(ver: int, op: int, body: bytes, stats: ParseStats, frame: Frame, now: float, depth: int) -> None:
    if op == OP_MESSAGE and ver == VER_ZLIB:
        if depth >= MAX_DEPTH:
            stats.malformed += 1
            return
        try:
            d = zlib.decompressobj()
            inner = d.decompress(body, MAX_INFLATED)
            if d.unconsumed_tail or not d.eof:
                stats.malformed += 1  # too big once inflated, or cut short
                return
        except zlib.error:
            stats.malformed += 1
            return
        _packets(inner, stats, frame, now, depth + 1)
    elif op == OP_MESSAGE and ver == VER_BROTLI:
        stats.malformed += 1  # the web client's format; the open platform sends zlib
    elif op == OP_MESSAGE:
        _command(body, stats, frame, now)
    elif op == OP_AUTH_REPLY:
        try:
            reply = json.loads(body or b"{}")
            frame.auth_code = int(reply.get("code", -1)) if isinstance(reply, dict) else -1
        except (ValueError, TypeError):
            stats.malformed += 1
            frame.auth_code = -1
    elif op == OP_HEARTBEAT_REPLY:
        frame.heartbeat_replies += 1  # body: 4-byte popularity, not a viewer count; unused
    else:
        stats.unknown_ops += 1


def _command(body: bytes, stats: ParseStats, frame: Frame, now: float) -> None:
    try:
        msg = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        stats.malformed += 1
        return
    if not isinstance(msg, dict) or not isinstance(msg.get("cmd"), str):
        stats.malformed += 1
        return
    stats.commands += 1
    cmd, data = msg["cmd"], msg.get("data")
    handler = COMMANDS.get(cmd)
    if handler is None or not isinstance(data, dict):
        stats.unknown_cmds[cmd[:64]] += 1
        return
    handler(data, frame, now)


# -- field helpers: the platform's JSON is trusted for nothing --------------------------------
def _s(v: Any) -> str:
    return v if isinstance(v, str) else ("" if v is None or isinstance(v, (dict, list)) else str(v))


def _n(v: Any, default: float = 0.0) -> float:
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)) and v == v and abs(v) < 1e15:
        return float(v)
    if isinstance(v, str):
        try:
            return _n(float(v), default)
        except ValueError:
            return default
    return default


def _ts(data: dict, now: float) -> float:
    t = _n(data.get("timestamp"))
    return t if t > 0 else now


def _viewer(d: dict, guard_level: Any = None) -> Viewer | None:
    vid = _s(d.get("open_id")) or (_s(d.get("uid")) if _n(d.get("uid")) else "")
    if not vid:
        return None
    badges: list[str] = []
    guard = int(_n(guard_level if guard_level is not None else d.get("guard_level")))
    if guard in GUARD_NAMES:
        badges.append(GUARD_NAMES[guard])
    medal, level = _s(d.get("fans_medal_name")), int(_n(d.get("fans_medal_level")))
    wearing = d.get("fans_medal_wearing_status") is True
    if medal and wearing:
        badges.append(f"{medal} {level}")
    # A guard pays every month: the high-value viewers a host thanks by name. Wearing this room's
    # fan medal means they follow the room; not wearing one says nothing either way.
    return Viewer(vid, _s(d.get("uname")) or vid,
                  segment=Segment.HIGH_VALUE if guard in GUARD_NAMES else None,
                  is_follower=True if wearing else None, badges=tuple(badges))


def _notice(frame: Frame, msg_id: str, ts: float, what: str, **facts: Any) -> None:
    frame.events.append(Action(PLATFORM, msg_id, ts, name=actions.PLATFORM_NOTICE,
                               source=ActionSource.SYSTEM, detail={"what": what, **facts}))


# -- commands ---------------------------------------------------------------------------------
def _dm(d: dict, frame: Frame, now: float) -> None:
    mid = _s(d.get("msg_id"))
    if not mid:
        return
    text = _s(d.get("msg"))
    frame.events.append(Comment(PLATFORM, mid, _ts(d, now), _viewer(d), text=text))


def _gift(d: dict, frame: Frame, now: float) -> None:
    mid = _s(d.get("msg_id"))
    if not mid:
        return
    num = max(1, int(_n(d.get("gift_num"), 1)))
    # Only paid gifts carry money; free ones (小心心, 辣条) report silver seeds in `price`.
    # `r_price` is what was actually paid per item (discounts); `price` the list price.
    unit = _n(d.get("r_price")) or _n(d.get("price"))
    value = round(unit * num / MILLI_YUAN, 2) if d.get("paid") is True else 0.0
    frame.events.append(Gift(PLATFORM, mid, _ts(d, now), _viewer(d), gift_name=_s(d.get("gift_name")),
                             count=num, value=value))


def _like(d: dict, frame: Frame, now: float) -> None:
    viewer, ts = _viewer(d), _ts(d, now)
    count = max(1, int(_n(d.get("like_count"), 1)))
    # Older payloads lack msg_id; one aggregate per viewer per ~2 s makes this id unique.
    mid = _s(d.get("msg_id")) or f"like:{viewer.id if viewer else '?'}:{int(ts)}:{count}"
    frame.events.append(Like(PLATFORM, mid, ts, viewer, count=count))


def _super_chat(d: dict, frame: Frame, now: float) -> None:
    mid = _s(d.get("msg_id"))
    if not mid:
        return
    viewer, ts = _viewer(d), _ts(d, now)
    rmb = _n(d.get("rmb"))  # yuan, not milli-yuan
    text = _s(d.get("message"))
    if text:
        frame.events.append(Comment(PLATFORM, mid, ts, viewer, text=text))
    frame.events.append(Gift(PLATFORM, f"{mid}:superchat", ts, viewer, gift_name=f"醒目留言 SC ¥{rmb:g}",
                             count=1, value=round(rmb, 2)))


def _super_chat_del(d: dict, frame: Frame, now: float) -> None:
    ids = d.get("message_ids")
    ids = [int(_n(i)) for i in ids] if isinstance(ids, list) else []
    mid = _s(d.get("msg_id")) or f"scdel:{','.join(map(str, ids))}"
    _notice(frame, mid, _ts(d, now), "paid_message_removed", message_ids=ids)


def _guard(d: dict, frame: Frame, now: float) -> None:
    mid = _s(d.get("msg_id"))
    if not mid:
        return
    user = d.get("user_info") if isinstance(d.get("user_info"), dict) else {}
    level = int(_n(d.get("guard_level")))
    viewer = _viewer({**d, **user}, level)
    unit = _s(d.get("guard_unit")) or "月"
    num = max(1, int(_n(d.get("guard_num"), 1)))
    # `price` is per unit in 金瓜子 (1000 = ¥1). A unit other than 月 ("*3天", trial guards)
    # already describes the whole purchase, so the count is ignored then, as documented.
    count = num if unit == "月" else 1
    name = f"{GUARD_NAMES.get(level, '大航海')} {num}{unit}" if unit == "月" else f"{GUARD_NAMES.get(level, '大航海')} {unit}"
    frame.events.append(Gift(PLATFORM, mid, _ts(d, now), viewer, gift_name=name, count=count,
                             value=round(_n(d.get("price")) * count / MILLI_YUAN, 2)))


def _enter(d: dict, frame: Frame, now: float) -> None:
    viewer, ts = _viewer(d), _ts(d, now)
    mid = _s(d.get("msg_id")) or f"enter:{viewer.id if viewer else '?'}:{int(ts)}"
    frame.events.append(Join(PLATFORM, mid, ts, viewer))


def _live(what: str):
    def handle(d: dict, frame: Frame, now: float) -> None:
        ts = _ts(d, now)
        mid = _s(d.get("msg_id")) or f"{what}:{_s(d.get('room_id'))}:{int(ts)}"
        _notice(frame, mid, ts, what, title=_s(d.get("title"))[:200], area=_s(d.get("area_name"))[:50],
                room_id=_s(d.get("room_id")))
    return handle


def _interaction_end(d: dict, frame: Frame, now: float) -> None:
    game_id = _s(d.get("game_id"))
    ts = _ts(d, now)
    frame.ended_game_id = game_id
    _notice(frame, f"interaction_end:{game_id}:{int(ts)}", ts, "chat_ended", game_id=game_id)


COMMANDS = {
    "LIVE_OPEN_PLATFORM_DM": _dm,
    "LIVE_OPEN_PLATFORM_SEND_GIFT": _gift,
    "LIVE_OPEN_PLATFORM_LIKE": _like,
    "LIVE_OPEN_PLATFORM_SUPER_CHAT": _super_chat,
    "LIVE_OPEN_PLATFORM_SUPER_CHAT_DEL": _super_chat_del,
    "LIVE_OPEN_PLATFORM_GUARD": _guard,
    "LIVE_OPEN_PLATFORM_LIVE_ROOM_ENTER": _enter,
    "LIVE_OPEN_PLATFORM_LIVE_START": _live("live_start"),
    "LIVE_OPEN_PLATFORM_LIVE_END": _live("live_end"),
    "LIVE_OPEN_PLATFORM_INTERACTION_END": _interaction_end,
}
