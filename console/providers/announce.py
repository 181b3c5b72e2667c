"""Lottery proofs in the platform's chat, where the platform lets the console send messages.

At open the commitment, at close the entrant count and the short hash of the frozen list, at the
draw the chain head: the same facts the video shows, so a viewer who only reads chat can check a
published log too. Listens to the hub's actions; sends on the asyncio loop; a failed send is
logged and never stops anything.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Callable, Iterable, Sequence

from console.core import actions as A
from console.core.events import Event

from .base import Capability

log = logging.getLogger(__name__)


def chat_line(name: str, detail: dict) -> str | None:
    """The chat text for one lottery action (bilingual, short), or None."""
    if name == A.LOTTERY_OPEN:
        c = str(detail.get("commitment", ""))[:16]
        return f"抽奖开始 / Giveaway open: “{detail.get('keyword', '')}” · 承诺 commit {c}"
    if name == A.LOTTERY_CLOSE:
        h = str(detail.get("entrants_sha256", ""))[:12]
        return f"报名截止 / Entries closed: {detail.get('entrant_count', 0)} 人 entrants · 名单 list {h}"
    if name == A.LOTTERY_DRAW and detail.get("chain_hash"):
        return f"已开奖 / Drawn · 记录 log #{detail.get('chain_seq')} {str(detail['chain_hash'])[:12]}"
    return None


class LotteryAnnouncer:
    def __init__(self, providers: Callable[[], Iterable]) -> None:
        self._providers = providers
        """The platforms connected now (they change when the host switches platform)."""
        self.sent: list[tuple[str, str]] = []
        """(platform, text) for every message a provider accepted."""

    @property
    def providers(self) -> list:
        return [p for p in self._providers() if Capability.SEND_MESSAGE in getattr(p, "capabilities", ())]

    def __call__(self, batch: Sequence[Event]) -> None:
        if not self.providers:
            return
        for ev in batch:
            text = chat_line(getattr(ev, "name", ""), dict(getattr(ev, "detail", {}) or {}))
            if text is None:
                continue
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # no loop (a test driving engines directly): nothing to send on
            for provider in self.providers:
                loop.create_task(self._send(provider, text))

    async def _send(self, provider, text: str) -> None:
        try:
            await provider.send_message(text)
            self.sent.append((provider.platform, text))
        except Exception as exc:  # noqa: BLE001 — chat is a courtesy; the video and log carry the proof
            log.warning("could not post the lottery proof to %s chat: %s", provider.platform, exc)
