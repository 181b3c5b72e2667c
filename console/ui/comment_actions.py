"""What the host can do to one comment — pin, mark answered, reply, hide, block — all logged.

Reply goes through the platform when its provider can send messages; otherwise the reply is
put on the clipboard ("@name text") for the host to paste into the platform's own app.
Blocking always works locally (the panel hides the viewer, lotteries exclude them) and also
uses the platform's moderation when the provider has it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Callable

from PySide6.QtWidgets import QApplication

from console.core import actions as A
from console.core.events import Action, ActionSource
from console.i18n import pick

from .comments_model import CommentsModel, Row

log = logging.getLogger(__name__)


def _can(provider: Any, capability: str) -> bool:
    caps = getattr(provider, "capabilities", ()) or ()
    return any(str(c) == capability for c in caps)


class CommentActions:
    def __init__(self, model: CommentsModel, hub: Any, clock: Any, *, provider: Any = None,
                 interactions: Any = None, insight: Any = None,
                 notify: Callable[[str], None] | None = None, platforms: Any = None) -> None:
        self.model, self.hub, self.clock = model, hub, clock
        self.provider, self.interactions, self.insight = provider, interactions, insight
        self.platforms = platforms
        """The session's PlatformRunner: on a multistream each comment's reply or moderation goes
        to the platform it came from (`provider` is the fallback for rows without one)."""

    def provider_for(self, row: Row | None) -> Any:
        if row is not None and row.platform and self.platforms is not None:
            found = self.platforms.by_platform(row.platform)
            if found is not None:
                return found
        return self.provider

    def can_moderate(self, row: Row) -> bool:
        return bool(row.viewer_id) and _can(self.provider_for(row), "moderation")
        self.notify = notify or (lambda message: log.info(message))

    @property
    def platform(self) -> str:
        return getattr(self.provider, "platform", "") or "console"

    def _log(self, name: str, detail: dict) -> None:
        self.hub.publish(Action(self.platform, f"ui-{uuid.uuid4().hex[:12]}", self.clock.now(),
                                name=name, source=ActionSource.HOST, detail=detail))

    def _spawn(self, coro, what: str) -> bool:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            coro.close()
            return False

        def done(task: asyncio.Task) -> None:
            if not task.cancelled() and task.exception() is not None:
                self.notify(pick(f"{what} failed: {task.exception()}", f"{what}失败：{task.exception()}"))

        loop.create_task(coro).add_done_callback(done)
        return True

    # -- the five actions ----------------------------------------------------------------------
    def pin(self, row: Row) -> str:
        if self.interactions is None:
            return pick("Pinning needs the overlay engine.", "置顶需要画面叠加引擎。")
        result = self.interactions.pin_comment(row.viewer_name, row.text)
        if result.ok:
            row.pinned = True
        return result.message

    def answer(self, row: Row) -> list[str]:
        now = self.clock.now()
        if row.group_key and self.insight is not None:
            ids = self.insight.answer_group(row.group_key, now) or [row.msg_id]
        else:
            ids = [row.msg_id]
            if self.insight is not None:
                self.insight.answer_comment(row.ts, now)
        if row.msg_id not in ids:
            ids.append(row.msg_id)
        self.model.mark_answered(ids)
        self._log(A.COMMENT_ANSWERED, {"msg_ids": ids, "group": row.group_key,
                                       "latency_s": round(now - row.ts, 3)})
        return ids

    def answer_group(self, key: str) -> list[str]:
        """The radar's "Mark answered": every member of a question group at once."""
        if self.insight is None:
            return []
        ids = self.insight.answer_group(key, self.clock.now())
        self.model.mark_answered(ids)
        self._log(A.COMMENT_ANSWERED, {"msg_ids": ids, "group": key})
        return ids

    def reply_text(self, question: str, text: str) -> str:
        """A reply to a whole question group (no single message to thread it under)."""
        return self._send(None, "", "", text, question)

    def reply(self, row: Row, text: str) -> str:
        return self._send(row.msg_id, row.viewer_id, row.viewer_name, text, row.text, self.provider_for(row))

    def moderate(self, row: Row, action: str, duration_s: int | None = None) -> str:
        """Delete the message or time the viewer out on the platform the comment came from."""
        provider = self.provider_for(row)
        if not self.can_moderate(row):
            return pick("This platform has no moderation from here.", "该平台不支持从这里管理。")
        what = pick("Deleting the message", "删除消息") if action == "delete" else pick("Timing out", "禁言")
        if not self._spawn(provider.moderate(action, row.viewer_id, row.msg_id, duration_s), what):
            return pick("Not connected yet.", "尚未连接。")
        if action == "delete":
            self.model.hide(row)
        self._log(A.COMMENT_MODERATE, {"platform": provider.platform, "action": action, "msg_id": row.msg_id,
                                       "viewer_id": row.viewer_id, "duration_s": duration_s})
        return (pick("Deleted on the platform.", "已在平台删除。") if action == "delete" else
                pick(f"{row.viewer_name} timed out for {(duration_s or 0) // 60} min.",
                     f"已禁言 {row.viewer_name} {(duration_s or 0) // 60} 分钟。"))

    def _send(self, msg_id, viewer_id: str, viewer_name: str, text: str, question: str,
              provider: Any = None) -> str:
        provider = provider or self.provider
        text = " ".join(text.split())
        if not text:
            return pick("Nothing to send.", "没有可发送的内容。")
        via = "clipboard"
        if _can(provider, "send_message") and self._spawn(
                provider.send_message(text, reply_to=msg_id), pick("Sending the reply", "发送回复")):
            via = "platform"
            message = pick("Reply sent to the platform.", "回复已发送到平台。")
        else:
            clipboard = QApplication.clipboard()
            if clipboard is not None:
                clipboard.setText(f"@{viewer_name} {text}" if viewer_name else text)
            message = pick("This platform cannot send from here: the reply is on the clipboard.",
                           "该平台不支持从这里发送：回复已复制到剪贴板。")
        self._log(A.COMMENT_REPLY, {"msg_id": msg_id, "viewer_id": viewer_id, "text": text, "via": via,
                                    "question": question[:200]})
        return message

    def hide(self, row: Row) -> None:
        self.model.hide(row)
        self._log(A.COMMENT_HIDE, {"msg_id": row.msg_id, "viewer_id": row.viewer_id})

    def block(self, row: Row) -> str:
        if not row.viewer_id:
            return pick("This event has no viewer to block.", "该事件没有可屏蔽的观众。")
        self.model.block_viewer(row.viewer_id)
        if self.interactions is not None:
            self.interactions.block_viewer(row.viewer_id)
        provider = self.provider_for(row)
        remote = _can(provider, "moderation") and self._spawn(
            provider.moderate("ban", row.viewer_id, row.msg_id), pick("Blocking on the platform", "在平台屏蔽"))
        self._log(A.VIEWER_BLOCK, {"viewer_id": row.viewer_id, "viewer_name": row.viewer_name,
                                   "platform_moderation": bool(remote)})
        return (pick(f"{row.viewer_name} blocked here and on the platform.", f"已在本地和平台屏蔽 {row.viewer_name}。")
                if remote else pick(f"{row.viewer_name} blocked in this console.", f"已在本控制台屏蔽 {row.viewer_name}。"))

    def blocked_words(self, words: list[str]) -> None:
        self.model.set_blocked_words(words)
        self._log(A.BLOCKED_WORDS, {"words": words})
