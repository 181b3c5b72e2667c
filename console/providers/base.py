"""What every platform adapter offers the console.

A provider declares its capabilities and the UI offers only those. `run()` is a coroutine on the
shared asyncio (qasync) loop: it publishes events into the hub until cancelled, reconnecting on
its own; it must never block the loop.
"""

from __future__ import annotations

import abc
from enum import StrEnum

from console.core.hub import SessionHub


class Capability(StrEnum):
    READ_COMMENTS = "read_comments"
    READ_GIFTS = "read_gifts"
    READ_LIKES = "read_likes"
    READ_VIEWERS = "read_viewers"
    READ_ORDERS = "read_orders"
    SEND_MESSAGE = "send_message"
    NATIVE_POLL = "native_poll"
    MODERATION = "moderation"


class Provider(abc.ABC):
    platform: str = ""
    """Short id stored with every event: "demo", "bilibili", "twitch", …"""
    display_name: str = ""
    is_demo: bool = False
    """The demo audience: labelled DEMO everywhere, never mixed into a real session."""
    capabilities: frozenset[Capability] = frozenset()

    @abc.abstractmethod
    async def run(self, hub: SessionHub) -> None:
        """Publish events into `hub` until cancelled."""

    def status_text(self) -> str:
        return self.display_name
