"""YouTube liveChatMessages → console events. Pure and total: JSON in, frozen events out.

`parse_page` reads one `liveChatMessages.list` answer: its items, the resume cursor
(`nextPageToken`), how long to wait (`pollingIntervalMillis`), `offlineAt` (the stream ended) and
the poll on screen (`activePollItem`). Super Chats stay comments (the words are what the host
reads) and also become a `Gift` with the amount; Super Stickers and memberships are gifts.
`parse_error` names what an error answer means (liveChatEnded, quotaExceeded, …).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from console.core.events import Comment, Event, Gift, Viewer

PLATFORM = "youtube"


def _d(v: Any) -> dict:
    return v if isinstance(v, dict) else {}


def _s(v: Any) -> str:
    return v if isinstance(v, str) else ("" if v is None or isinstance(v, (dict, list)) else str(v))


def _num(v: Any, default: float = 0.0) -> float:
    if isinstance(v, bool):
        return default
    if isinstance(v, (int, float)):
        return float(v) if v == v and abs(v) != float("inf") else default
    if isinstance(v, str):
        try:
            f = float(v)
            return f if f == f and abs(f) != float("inf") else default
        except ValueError:
            return default
    return default


def parse_time(v: Any, default: float = 0.0) -> float:
    if not isinstance(v, str) or not v:
        return default
    try:
        return datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
    except (ValueError, OverflowError):
        return default


@dataclass(frozen=True, slots=True)
class PollState:
    poll_id: str
    question: str
    options: tuple[str, ...]
    tallies: tuple[int, ...]
    status: str
    """"active" | "closed" (as YouTube says)."""


@dataclass(frozen=True, slots=True)
class Page:
    events: list[Event] = field(default_factory=list)
    next_page_token: str = ""
    polling_ms: int | None = None
    offline_at: float | None = None
    ended: bool = False
    """A chatEndedEvent arrived."""
    polls: list[PollState] = field(default_factory=list)
    """Poll items seen on this page (the active poll last)."""
    malformed: bool = False


def poll_state(item: Any) -> PollState | None:
    item = _d(item)
    details = _d(_d(item.get("snippet")).get("pollDetails"))
    meta = _d(details.get("metadata"))
    opts = [o for o in (meta.get("options") if isinstance(meta.get("options"), list) else []) if isinstance(o, dict)]
    pid = _s(item.get("id"))
    if not pid or not details:
        return None
    return PollState(pid, _s(meta.get("questionText")), tuple(_s(o.get("optionText")) for o in opts),
                     tuple(int(_num(o.get("tally"))) for o in opts), _s(details.get("status")) or "active")


def event_from_item(item: Any, now: float = 0.0) -> list[Event]:
    try:
        return _events(_d(item), now)
    except Exception:  # noqa: BLE001 — odd shapes never escape a parser
        return []


def _events(item: dict, now: float) -> list[Event]:
    sn, author = _d(item.get("snippet")), _d(item.get("authorDetails"))
    mid = _s(item.get("id"))
    if not mid:
        return []
    ts = parse_time(sn.get("publishedAt"), now)
    cid = _s(author.get("channelId")) or _s(sn.get("authorChannelId"))
    viewer = Viewer(cid, _s(author.get("displayName")) or cid) if cid else None
    t = _s(sn.get("type"))
    if t == "textMessageEvent":
        text = _s(_d(sn.get("textMessageDetails")).get("messageText")) or _s(sn.get("displayMessage"))
        return [Comment(PLATFORM, mid, ts, viewer, text=text)]
    if t == "superChatEvent":
        d = _d(sn.get("superChatDetails"))
        out: list[Event] = []
        words = _s(d.get("userComment"))
        if words:
            out.append(Comment(PLATFORM, mid, ts, viewer, text=words))
        out.append(Gift(PLATFORM, f"{mid}:superchat", ts, viewer,
                        gift_name=f"Super Chat {_s(d.get('amountDisplayString'))}".strip(), count=1,
                        value=round(_num(d.get("amountMicros")) / 1e6, 2)))
        return out
    if t == "superStickerEvent":
        d = _d(sn.get("superStickerDetails"))
        alt = _s(_d(d.get("superStickerMetadata")).get("altText"))
        return [Gift(PLATFORM, mid, ts, viewer, gift_name=f"Super Sticker {alt}".strip(), count=1,
                     value=round(_num(d.get("amountMicros")) / 1e6, 2))]
    if t == "newSponsorEvent":
        level = _s(_d(sn.get("newSponsorDetails")).get("memberLevelName"))
        return [Gift(PLATFORM, mid, ts, viewer, gift_name=f"Membership {level}".strip(), count=1)]
    if t == "memberMilestoneChatEvent":
        d = _d(sn.get("memberMilestoneChatDetails"))
        out = [Gift(PLATFORM, mid, ts, viewer, gift_name=f"Membership {int(_num(d.get('memberMonth')))} months",
                    count=1)]
        if _s(d.get("userComment")):
            out.append(Comment(PLATFORM, f"{mid}:comment", ts, viewer, text=_s(d.get("userComment"))))
        return out
    if t == "membershipGiftingEvent":
        d = _d(sn.get("membershipGiftingDetails"))
        return [Gift(PLATFORM, mid, ts, viewer, gift_name=f"Gift memberships {_s(d.get('giftMembershipsLevelName'))}".strip(),
                     count=max(1, int(_num(d.get("giftMembershipsCount"), 1))))]
    return []


def parse_page(data: Any, now: float = 0.0) -> Page:
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError):
            return Page(malformed=True)
    if not isinstance(data, dict):
        return Page(malformed=True)
    items = data.get("items") if isinstance(data.get("items"), list) else []
    events: list[Event] = []
    polls: list[PollState] = []
    ended = False
    for item in items:
        t = _s(_d(_d(item).get("snippet")).get("type"))
        if t == "chatEndedEvent":
            ended = True
        elif t == "pollEvent":
            p = poll_state(item)
            if p is not None:
                polls.append(p)
        else:
            events.extend(event_from_item(item, now))
    active = poll_state(data.get("activePollItem"))
    if active is not None:
        polls.append(active)
    ms = data.get("pollingIntervalMillis")
    polling = int(_num(ms)) if _num(ms, -1) >= 0 else None
    offline = parse_time(data.get("offlineAt"), 0.0) or None
    return Page(events, _s(data.get("nextPageToken")), polling, offline, ended, polls)


@dataclass(frozen=True, slots=True)
class ApiError:
    status: int
    reason: str
    """liveChatEnded | liveChatDisabled | liveChatNotFound | quotaExceeded | rateLimitExceeded | …"""
    message: str


def parse_error(status: int, body: Any) -> ApiError:
    if isinstance(body, (str, bytes)):
        try:
            body = json.loads(body)
        except (ValueError, RecursionError):
            body = {}
    err = _d(_d(body).get("error"))
    errors = err.get("errors") if isinstance(err.get("errors"), list) else []
    reason = next((_s(_d(e).get("reason")) for e in errors if _s(_d(e).get("reason"))), "")
    return ApiError(status, reason or _s(err.get("status")), _s(err.get("message")))
