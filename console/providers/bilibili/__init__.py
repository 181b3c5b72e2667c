"""Bilibili 直播开放平台 (open-live): signed REST game start/heartbeat/end and the binary chat
socket. Read-only: comments (with fan medal / guard), gifts, likes, super chats, guards, entries."""

from console.providers.registry import PlatformSpec, register

from .adapter import CREDENTIALS, SETTINGS, BilibiliProvider

register(PlatformSpec("bilibili", BilibiliProvider.display_name, lambda ctx: BilibiliProvider(ctx),
                      credentials=CREDENTIALS, settings=SETTINGS))

__all__ = ["BilibiliProvider"]
