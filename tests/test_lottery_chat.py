"""The lottery's proofs (commitment, entrant count + list hash, chain head) go to chat where the
platform can send, through the real hub and engines."""

from __future__ import annotations

import asyncio

from console.core.clock import ManualClock
from console.core.events import Comment, Viewer
from console.core.hub import SessionHub
from console.interact.controller import Interactions
from console.providers.announce import LotteryAnnouncer
from console.providers.base import Capability


class ChatPlatform:
    """A platform that accepts chat messages (and one that cannot send at all)."""

    def __init__(self, platform: str, can_send: bool) -> None:
        self.platform = platform
        self.capabilities = frozenset({Capability.SEND_MESSAGE}) if can_send else frozenset()
        self.messages: list[str] = []

    async def send_message(self, text: str, reply_to: str | None = None) -> None:
        self.messages.append(text)


async def test_entrant_count_and_list_hash_reach_chat_at_close():
    hub, clock = SessionHub(), ManualClock()
    talk, mute = ChatPlatform("twitch", True), ChatPlatform("douyin", False)
    announcer = LotteryAnnouncer(lambda: [talk, mute])
    hub.subscribe(announcer, name="lottery-chat", kinds=["action"])
    ix = Interactions(hub, clock, presets=[])
    ix.chain_head = lambda: (42, "ab" * 32)
    assert ix.start_lottery("抽奖", window_s=30).ok
    hub.publish_batch([Comment("twitch", f"m{i}", 0.0, Viewer(f"v{i}", "n"), text="抽奖") for i in range(3)])
    assert ix.close_lottery_entries().ok
    assert ix.draw().ok
    for _ in range(20):
        await asyncio.sleep(0)
    view = ix.snapshot().lottery
    assert len(talk.messages) == 3 and not mute.messages
    assert view.commitment[:16] in talk.messages[0]
    assert "3 人 entrants" in talk.messages[1] and view.entrants_hash[:12] in talk.messages[1]
    assert "#42 abababababab" in talk.messages[2]
