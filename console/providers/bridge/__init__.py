"""Generic bridge: any collector (Taobao, Kuaishou, TikTok, in-house) feeds the console over a
local WebSocket in schema v1 (see parse.py and the README); `[platform] use = "bridge"`."""

from console.providers.registry import PlatformSpec, register

from .provider import BridgeProvider

register(PlatformSpec("bridge", "Bridge 桥接 (bring your own collector)", lambda ctx: BridgeProvider(ctx),
                      credentials=("TOKEN",), settings=("host", "port", "max_frame_bytes")))

__all__ = ["BridgeProvider"]
