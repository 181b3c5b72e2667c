"""YouTube Live: liveChatMessages polling (chat, Super Chat, Super Sticker, memberships), replies,
moderation and native polls, within the daily quota. Sign-in: installed-app OAuth with PKCE (auth.py)."""

from console.providers.registry import PlatformSpec, register

from .provider import YouTubeProvider

register(PlatformSpec("youtube", "YouTube Live", lambda ctx: YouTubeProvider(ctx),
                      credentials=("TOKEN", "API_KEY", "REFRESH_TOKEN", "CLIENT_ID", "CLIENT_SECRET"),
                      settings=("api_base", "auth_base", "live_chat_id", "history", "quota_per_day",
                                "quota_reserve", "show_hours", "quota_retry_s", "token_base", "send",
                                "native_polls")))

__all__ = ["YouTubeProvider"]
