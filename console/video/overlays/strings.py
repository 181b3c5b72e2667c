"""Words and number formats viewers read on the video, in Chinese or English."""

from __future__ import annotations

import math

_TEXT = {
    "poll": ("投票", "POLL"),
    "poll_closed": ("投票结束", "Poll closed"),
    "vote_hint": ("评论数字投票", "Comment a number to vote"),
    "votes": ("{n} 票", "{n} votes"),
    "total_votes": ("共 {n} 票", "{n} votes"),
    "lottery": ("抽奖", "GIVEAWAY"),
    "enter_hint": ("评论“{kw}”参与抽奖", "Comment “{kw}” to enter"),
    "entrants": ("已有 {n} 人参与", "{n} entered"),
    "drawing": ("即将开奖", "Drawing winners…"),
    "winners": ("中奖名单", "Winners"),
    "more_winners": ("另有 {n} 位", "+{n} more"),
    "verifiable": ("可验证抽奖", "Verifiable draw"),
    "commitment": ("承诺", "commit"),
    "seed": ("种子", "seed"),
    "entrant_list": ("名单 {n} 人 · {h}", "list of {n} · {h}"),
    "chain": ("记录 {h}", "log {h}"),
    "void": ("本次抽奖作废", "Giveaway void"),
    "coupon": ("优惠券", "COUPON"),
    "claim_hint": ("评论“{kw}”领券", "Comment “{kw}” to claim"),
    "code": ("券码", "Code"),
    "left": ("剩余 {n}/{q} 张", "{n}/{q} left"),
    "sold_out": ("已抢光", "All claimed"),
    "expires": ("{t} 后失效", "ends in {t}"),
    "like_goal": ("点赞满 {goal} 解锁", "Unlocks at {goal} likes"),
    "likes": ("{n} 赞", "{n} likes"),
    "flash_sale": ("限时抢购", "FLASH SALE"),
    "countdown": ("倒计时", "COUNTDOWN"),
    "now_showing": ("讲解中", "NOW SHOWING"),
    "pinned": ("置顶", "PINNED"),
}

_CURRENCY = {"CNY": "¥", "RMB": "¥", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$",
             "TWD": "NT$", "KRW": "₩"}


def t(key: str, lang: str, **kw: object) -> str:
    zh, en = _TEXT[key]
    return (en if lang == "en" else zh).format(**kw)


def mmss(seconds: float | None) -> str:
    """Whole seconds left, rounded up, so 0.2 s still shows 00:01 and the display never lies early."""
    if seconds is None:
        return ""
    s = max(0, math.ceil(seconds - 1e-9))
    if s >= 3600:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60:02d}:{s % 60:02d}"


def whole_seconds(seconds: float | None) -> int | None:
    return None if seconds is None else max(0, math.ceil(seconds - 1e-9))


def count(n: int, lang: str) -> str:
    """10 万 style for Chinese viewers, 100K for others."""
    if lang != "en":
        if n >= 100_000_000:
            return f"{n / 100_000_000:.1f}".rstrip("0").rstrip(".") + "亿"
        if n >= 10_000:
            return f"{n / 10_000:.1f}".rstrip("0").rstrip(".") + "万"
        return str(n)
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"
    if n >= 10_000:
        return f"{n / 1_000:.1f}".rstrip("0").rstrip(".") + "K"
    return f"{n:,}"


def price(value: float, currency: str = "CNY") -> str:
    symbol = _CURRENCY.get(currency.upper(), currency.upper() + " ")
    text = f"{value:,.2f}"
    if text.endswith(".00"):
        text = text[:-3]
    return symbol + text


def short_hex(value: str, n: int = 16) -> str:
    return value[:n] + "…" if len(value) > n else value
