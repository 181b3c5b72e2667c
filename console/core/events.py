"""Immutable session events: what the platform told us, and what the host did.

Built once (by a provider's parser, an engine or the UI), then shared read-only by every
subscriber of the hub, so nothing here may be mutated after construction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from json.encoder import encode_basestring
from types import MappingProxyType
from typing import Any, ClassVar, Mapping

MAX_COMMENT_CHARS = 200
"""How much of a comment a panel or overlay shows (a display concern: `clip_comment`)."""
COMMENT_SAFETY_CAP = 10_000
"""Storage keeps a comment as long as the platform allows (Bilibili ~40, Douyin ~100, Twitch 500,
YouTube 200 — all far below this); only abuse beyond this hard cap is cut, so memory and the log
stay bounded whatever a hostile collector sends."""


def clip_comment(text: str, limit: int = MAX_COMMENT_CHARS) -> str:
    """The displayed form of a comment: at most `limit` characters, an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Segment(StrEnum):
    NEW = "new"
    ACTIVE = "active"
    HIGH_VALUE = "high_value"


@dataclass(frozen=True, slots=True)
class Viewer:
    id: str
    name: str
    segment: Segment | None = None
    is_follower: bool | None = None
    """None where the platform does not say."""
    badges: tuple[str, ...] = ()
    """The standing the platform shows next to the name, as plain labels: a fan medal
    ("粉丝牌 喵喵 21"), a guard or member level ("舰长"), moderator. Empty where none."""


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""The stored payload text. One encoder, built once: `json.dumps` with options builds a new one
per call, which at 20,000 events/s is a measurable share of the writer's time."""


def _int_json(value: object) -> str | None:
    """`value` as JSON when it is a plain int (the fast path), else None (take the general one)."""
    return int.__repr__(value) if type(value) is int else None


def frozen_mapping(data: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True, slots=True)
class Event:
    """Base of everything that flows through the hub. `ts` is wall-clock seconds (epoch)."""

    kind: ClassVar[str] = "event"
    platform: str
    msg_id: str
    ts: float
    viewer: Viewer | None = None

    def payload(self) -> dict[str, Any]:
        """Kind-specific fields, as stored in the session log."""
        return {}

    def payload_json(self) -> str:
        return _dumps(self.payload())


@dataclass(frozen=True, slots=True)
class Comment(Event):
    kind: ClassVar[str] = "comment"
    text: str = ""

    def __post_init__(self) -> None:
        if len(self.text) > COMMENT_SAFETY_CAP:
            object.__setattr__(self, "text", clip_comment(self.text, COMMENT_SAFETY_CAP))

    def payload(self) -> dict[str, Any]:
        if self.viewer is not None and self.viewer.badges:
            return {"text": self.text, "badges": list(self.viewer.badges)}
        return {"text": self.text}

    def payload_json(self) -> str:
        # The hot path of every busy room; same text as the general encoder produces.
        if type(self.text) is str and (self.viewer is None or not self.viewer.badges):
            return '{"text":' + encode_basestring(self.text) + "}"
        return _dumps(self.payload())


@dataclass(frozen=True, slots=True)
class Like(Event):
    kind: ClassVar[str] = "like"
    count: int = 1

    def payload(self) -> dict[str, Any]:
        return {"count": self.count}

    def payload_json(self) -> str:
        count = _int_json(self.count)
        return _dumps(self.payload()) if count is None else '{"count":' + count + "}"


@dataclass(frozen=True, slots=True)
class Gift(Event):
    kind: ClassVar[str] = "gift"
    gift_name: str = ""
    count: int = 1
    value: float = 0.0
    """Total value in the platform's main currency unit (yuan, dollars)."""

    def payload(self) -> dict[str, Any]:
        return {"gift_name": self.gift_name, "count": self.count, "value": self.value}


@dataclass(frozen=True, slots=True)
class Follow(Event):
    kind: ClassVar[str] = "follow"


@dataclass(frozen=True, slots=True)
class Join(Event):
    kind: ClassVar[str] = "join"
    count: int = 1
    """People arriving with this join: a raid brings the raiding channel's viewers along."""

    def payload(self) -> dict[str, Any]:
        # One viewer is the common case and stays "{}", as every join was logged before.
        return {} if self.count == 1 else {"count": self.count}


@dataclass(frozen=True, slots=True)
class Leave(Event):
    kind: ClassVar[str] = "leave"


@dataclass(frozen=True, slots=True)
class ViewerCount(Event):
    kind: ClassVar[str] = "viewer_count"
    count: int = 0

    def payload(self) -> dict[str, Any]:
        return {"count": self.count}


@dataclass(frozen=True, slots=True)
class Order(Event):
    kind: ClassVar[str] = "order"
    sku: str = ""
    quantity: int = 1
    amount: float = 0.0

    def payload(self) -> dict[str, Any]:
        return {"sku": self.sku, "quantity": self.quantity, "amount": self.amount}


class ActionSource(StrEnum):
    HOST = "host"
    """A click or hotkey by the host or producer."""
    CUE = "cue"
    """Fired by the run-of-show."""
    ENGINE = "engine"
    """Recorded by an engine as a consequence (vote counted, entry accepted, winner drawn)."""
    SYSTEM = "system"
    """The console itself (camera lost, provider reconnecting)."""


@dataclass(frozen=True, slots=True)
class Action(Event):
    """Something the console did. Logged like an event; see core/actions.py for `name`s."""

    kind: ClassVar[str] = "action"
    name: str = ""
    source: ActionSource = ActionSource.HOST
    detail: Mapping[str, Any] = field(default_factory=lambda: frozen_mapping(None))

    def __post_init__(self) -> None:
        if not isinstance(self.detail, MappingProxyType):
            object.__setattr__(self, "detail", frozen_mapping(self.detail))

    def payload(self) -> dict[str, Any]:
        return {"name": self.name, "source": str(self.source), "detail": dict(self.detail)}


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls for cls in (Comment, Like, Gift, Follow, Join, Leave, ViewerCount, Order, Action)
}
