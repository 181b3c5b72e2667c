"""Twitch: EventSub WebSocket (chat, cheers, follows, subs, raids) and Helix (chat, moderation,
native polls, channel-points predictions). Sign-in with the Device Code flow (auth.py)."""

from console.providers.registry import PlatformSpec, register

from .provider import TwitchProvider

register(PlatformSpec("twitch", "Twitch", lambda ctx: TwitchProvider(ctx),
                      credentials=("TOKEN", "CLIENT_ID", "REFRESH_TOKEN"),
                      settings=("eventsub_url", "helix_base", "auth_base", "broadcaster", "client_id",
                                "keepalive_s", "validate_every_s", "send", "polls", "moderation", "native_polls",
                                "predictions")))

__all__ = ["TwitchProvider"]
