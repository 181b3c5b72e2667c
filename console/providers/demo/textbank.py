"""Expands the templates in phrases.py into ready-made comment pools, once per product.

Drawing a comment at 50,000 events/s must cost one `random.choice`, so all formatting happens
here, when a product first goes on air, and the pools are cached per sku. Keyword comments
(votes, lottery entries, coupon claims) are built per viewer because they depend on the action.
"""

from __future__ import annotations

import random
from typing import Mapping, Sequence

from console.core.events import MAX_COMMENT_CHARS

from .catalog import DemoProduct, demo_products
from .phrases import CHATTER, EMOJI, EMOJI_ONLY, INTENT_EMOJI, INTENTS, PRAISE, TEMPLATES

LANGS: tuple[str, ...] = ("zh", "en")
VARIANTS_PER_TEMPLATE = 8
VARIANTS_PLAIN = 4
EMOJI_SHARE = 0.35
MAX_CACHED_PRODUCTS = 64


def price_text(price: float) -> str:
    return f"{price:.0f}" if float(price).is_integer() else f"{price:.2f}".rstrip("0")


def fill(template: str, product: DemoProduct, lang: str, rng: random.Random,
         others: Sequence[DemoProduct] | None = None) -> str:
    """One rendering of `template` about `product` (slots absent from the template are ignored)."""
    others = demo_products() if others is None else others
    other = rng.choice([p for p in others if p.sku != product.sku] or [product])
    text = template
    if "{p}" in text:
        text = text.replace("{p}", product.name_zh if lang == "zh" else product.name_en)
    if "{p2}" in text:
        text = text.replace("{p2}", other.name_zh if lang == "zh" else other.name_en)
    if "{price}" in text:
        text = text.replace("{price}", price_text(product.price))
    while "{shade}" in text:
        text = text.replace("{shade}", rng.choice(product.shade_names(lang)), 1)
    if "{size}" in text:
        text = text.replace("{size}", rng.choice(product.size_names(lang)))
    return text[:MAX_COMMENT_CHARS]


def decorate(text: str, rng: random.Random, emoji_set: Sequence[str] = EMOJI) -> str:
    if rng.random() >= EMOJI_SHARE or not emoji_set:
        return text
    emoji = rng.choice(emoji_set) * rng.choice((1, 1, 2, 3))
    return (text + emoji)[:MAX_COMMENT_CHARS]


def render_pool(templates: Sequence[str], product: DemoProduct, lang: str,
                rng: random.Random, emoji_set: Sequence[str] = EMOJI,
                others: Sequence[DemoProduct] | None = None) -> tuple[str, ...]:
    # The catalog is read once per pool, not once per rendering: a product change happens on
    # the loop, and re-reading the catalog per template made it stall the UI for ~150 ms.
    others = demo_products() if others is None else others
    out: dict[str, None] = {}
    for template in templates:
        has_slot = "{" in template
        for _ in range(VARIANTS_PER_TEMPLATE if has_slot else VARIANTS_PLAIN):
            out[decorate(fill(template, product, lang, rng, others), rng, emoji_set)] = None
    return tuple(out)


class TextBank:
    """Comment pools per (language, intent) for each product that has been on air."""

    def __init__(self, seed_token: str) -> None:
        self._seed_token = seed_token
        self._cache: dict[str, Mapping[tuple[str, str], tuple[str, ...]]] = {}

    def pools(self, product: DemoProduct) -> Mapping[tuple[str, str], tuple[str, ...]]:
        key = f"{product.sku}|{product.name_zh}|{product.price}"
        pools = self._cache.get(key)
        if pools is None:
            if len(self._cache) >= MAX_CACHED_PRODUCTS:
                self._cache.pop(next(iter(self._cache)))
            # A per-product generator keeps pools identical however the show got to this product.
            rng = random.Random(f"{self._seed_token}:{key}")
            pools = {}
            others = demo_products()
            for lang in LANGS:
                for intent in INTENTS:
                    pool = render_pool(TEMPLATES[lang][intent], product, lang, rng,
                                       INTENT_EMOJI.get(intent, EMOJI), others)
                    if intent in (PRAISE, CHATTER):
                        pool += EMOJI_ONLY
                    pools[(lang, intent)] = pool
            self._cache[key] = pools
        return pools

    def size(self, product: DemoProduct) -> int:
        return sum(len(p) for p in self.pools(product).values())


# --- keyword comments (votes, entries, claims) ------------------------------------------------

_FULLWIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
_LOOKALIKE = {"1": "l", "0": "o", "2": "z", "a": "s", "e": "r", "o": "p", "i": "u"}


def keyword_comment(keyword: str, lang: str, rng: random.Random) -> str:
    """A viewer typing `keyword` the way people do; the result always contains it verbatim."""
    roll = rng.random()
    if roll < 0.6:
        text = keyword
    elif roll < 0.75:
        text = keyword + rng.choice(EMOJI)
    elif roll < 0.85:
        text = keyword + keyword
    elif roll < 0.95:
        text = (f"{keyword}{keyword}{keyword}" if len(keyword) <= 2 else f"{keyword}!")
    else:
        # Wrapped in words: a strict vote counter may (rightly) not count these.
        text = (f"选{keyword}" if lang == "zh" else f"vote {keyword}")
    return text[:MAX_COMMENT_CHARS]


def typo_of(keyword: str, rng: random.Random) -> str:
    """A near miss: what a hurried thumb types instead of `keyword` (never contains it)."""
    for _ in range(4):
        roll = rng.random()
        if roll < 0.35 and any(ch in _FULLWIDTH for ch in keyword):
            # Full-width digits/letters from a Chinese IME: engines may choose to normalise them.
            candidate = "".join(_FULLWIDTH.get(ch, ch) for ch in keyword)
        elif roll < 0.6 and len(keyword) > 1:
            cut = rng.randrange(len(keyword))
            candidate = keyword[:cut] + keyword[cut + 1:]
        else:
            pos = rng.randrange(len(keyword))
            ch = keyword[pos]
            swap = _LOOKALIKE.get(ch.lower(), "?")
            candidate = keyword[:pos] + swap + keyword[pos + 1:]
        if candidate and keyword not in candidate:
            return candidate[:MAX_COMMENT_CHARS]
    return "?"
