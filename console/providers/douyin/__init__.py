"""Douyin 直播数据推送: a signed-webhook receiver (aiohttp) plus the REST calls that start and stop
the push tasks; `[platform] use = "douyin"`. See provider.py for what a host needs to run it."""

from console.providers.registry import PlatformSpec, register

from .provider import DouyinProvider

register(PlatformSpec("douyin", "抖音 Douyin (push)", lambda ctx: DouyinProvider(ctx),
                      credentials=("APP_SECRET", "ACCESS_TOKEN"),
                      settings=("host", "port", "path", "signature", "max_age_s", "roomid", "appid",
                                "msg_types", "api_base")))

__all__ = ["DouyinProvider"]
