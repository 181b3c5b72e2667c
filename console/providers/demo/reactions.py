"""How the simulated room answers the host: votes, lottery entries, claims, chants, questions.

Two shapes cover every action. A `Plan` decides up front who will type what and when (voters,
entrants, claimers, buyers) so the crowd behaves like people: most answer early, a few late,
some twice, some mistype. A `Buzz` is chatter at a rate that decays (questions after a product
card, "冲!" during a flash sale). Both hand back `Planned` items; the audience turns them into
events and drops those whose viewer has left the room.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from .catalog import DemoProduct, demo_products
from .crowd import Crowd
from .textbank import fill, keyword_comment, typo_of

MAX_PARTICIPANTS = 20_000
"""Keeps a reaction in a huge load-test room from planning more than a few ms of work at once."""


@dataclass(frozen=True, slots=True)
class Planned:
    t: float
    viewer: int
    text: str | None = None
    order: tuple[str, int, float] | None = None
    """(sku, quantity, amount) for an order."""


class Plan:
    """Items fixed in advance, released as simulated time passes."""

    def __init__(self, items: list[Planned]) -> None:
        self._items = sorted(items, key=lambda p: p.t)
        self._next = 0

    def due(self, t: float, crowd: Crowd, rng: random.Random) -> list[Planned]:
        start = self._next
        items = self._items
        end = start
        while end < len(items) and items[end].t <= t:
            end += 1
        self._next = end
        return items[start:end]

    def done(self, t: float) -> bool:
        return self._next >= len(self._items)

    def __len__(self) -> int:
        return len(self._items)


class Buzz:
    """Chatter from present viewers at `peak` comments/s decaying with time constant `tau`."""

    def __init__(self, t0: float, peak: float, tau: float, texts: Mapping[str, Sequence[str]],
                 weights: Sequence[float] = (1.0, 1.0, 1.0), hold: float = 0.0) -> None:
        self._t0, self._peak, self._tau, self._hold = t0, peak, max(tau, 0.1), hold
        self._texts = texts
        self._weights = weights
        self._last = t0
        self._carry = 0.0

    def _mass(self, t: float) -> float:
        """Expected comments from t0 to t: flat for `hold` seconds, then exponential decay."""
        dt = max(0.0, t - self._t0)
        flat = min(dt, self._hold)
        tail = max(0.0, dt - self._hold)
        return self._peak * (flat + self._tau * (1.0 - math.exp(-tail / self._tau)))

    def due(self, t: float, crowd: Crowd, rng: random.Random) -> list[Planned]:
        self._carry += self._mass(t) - self._mass(self._last)
        self._last = t
        n = int(self._carry)
        self._carry -= n
        out = []
        for idx in crowd.random_present(n, self._weights):
            lang = "zh" if crowd.zh[idx] else "en"
            out.append(Planned(t, idx, rng.choice(self._texts[lang])))
        return out

    def done(self, t: float) -> bool:
        return t - self._t0 > self._hold + 5 * self._tau


Reaction = Plan | Buzz


def _lang(crowd: Crowd, idx: int) -> str:
    return "zh" if crowd.zh[idx] else "en"


def seconds_from(value: Any, default: float) -> float:
    """A duration from an action's detail, kept sane (a typo of 1e9 s must not chant forever)."""
    seconds = float(value) if value not in (None, "") else default
    if not math.isfinite(seconds):
        raise ValueError(f"duration {value!r} is not a number of seconds")
    return min(max(seconds, 0.5), 3600.0)


def _typable(keywords: list[str], lang: str) -> list[str]:
    """English-speaking viewers type "1"/"A", not "一" or a Chinese option name, when they can."""
    if lang == "en":
        ascii_only = [k for k in keywords if k.isascii()]
        if ascii_only:
            return ascii_only
    return keywords


def _participants(crowd: Crowd, shares: Sequence[float]) -> list[int]:
    return crowd.sample_present(shares)[:MAX_PARTICIPANTS]


def keyword_plan(t0: float, keywords: Sequence[Sequence[str]], window: float, crowd: Crowd,
                 rng: random.Random, *, shares: Sequence[float], late: float, twice: float,
                 typo: float, preference: Sequence[float] | None = None) -> Plan:
    """Viewers type one of `keywords[choice]`: the shared engine of votes, entries and claims.

    Delays are exponential (most answer in the first quarter of the window), `late` of them
    answer after the window closed, `twice` type again, `typo` mistype.
    """
    options = [list(k) for k in keywords if k]
    if not options:
        return Plan([])
    pref = list(preference or [1.0] * len(options))
    tau = max(window, 1.0) * 0.25
    items: list[Planned] = []
    for idx in _participants(crowd, shares):
        lang = _lang(crowd, idx)
        choice = rng.choices(range(len(options)), weights=pref)[0] if len(options) > 1 else 0
        if rng.random() < late:
            delay = window + rng.uniform(0.3, 6.0)
        else:
            delay = min(rng.expovariate(1.0 / tau), window * 0.98)
        keyword = rng.choice(_typable(options[choice], lang))
        if rng.random() < typo:
            items.append(Planned(t0 + delay, idx, typo_of(keyword, rng)))
        else:
            items.append(Planned(t0 + delay, idx, keyword_comment(keyword, lang, rng)))
        if rng.random() < twice:
            if len(options) > 1 and rng.random() < 0.4:
                choice = rng.randrange(len(options))  # changed their mind
            again = rng.choice(_typable(options[choice], lang))
            items.append(Planned(t0 + delay + rng.uniform(0.5, 8.0), idx,
                                 keyword_comment(again, lang, rng)))
    return Plan(items)


def poll_plan(t0: float, detail: Mapping[str, Any], crowd: Crowd, rng: random.Random) -> Plan:
    keywords = [[str(k) for k in (opt.get("keywords") or ()) if str(k)]
                for opt in detail.get("options") or ()]
    # Rooms rarely split evenly: give each option its own pull so a favourite emerges.
    preference = [0.15 + rng.random() ** 2 for _ in keywords]
    return keyword_plan(t0, keywords, seconds_from(detail.get("duration_s"), 30.0), crowd, rng,
                        shares=(0.25, 0.6, 0.5), late=0.04, twice=0.06, typo=0.04,
                        preference=preference)


def lottery_plan(t0: float, detail: Mapping[str, Any], crowd: Crowd, rng: random.Random) -> Plan:
    keyword = str(detail.get("keyword") or "")
    return keyword_plan(t0, [[keyword]], seconds_from(detail.get("window_s"), 60.0), crowd, rng,
                        shares=(0.5, 0.85, 0.8), late=0.05, twice=0.12, typo=0.03)


def coupon_plans(t0: float, detail: Mapping[str, Any], crowd: Crowd,
                 rng: random.Random, texts_after: Mapping[str, Sequence[str]]) -> list[Reaction]:
    keyword = str(detail.get("keyword") or "")
    quantity = int(detail.get("quantity") or 0)
    present = max(crowd.count(), 1)
    # More people try than there are coupons, so "sold out" gets exercised.
    wanted = present * 0.4 if quantity <= 0 else min(present * 0.6, quantity * 1.5 + 5)
    scale = min(1.0, wanted / (present * 0.4))
    claims = keyword_plan(t0, [[keyword]], 20.0, crowd, rng,
                          shares=(0.3 * scale, 0.4 * scale, 0.6 * scale),
                          late=0.03, twice=0.08, typo=0.03)
    after = Buzz(t0 + 6.0, peak=max(0.3, len(claims) / 40), tau=8.0, texts=texts_after)
    return [claims, after]


def order_plan(t0: float, product: DemoProduct, window: float, crowd: Crowd,
               rng: random.Random, shares: Sequence[float]) -> Plan:
    items = []
    for idx in _participants(crowd, shares):
        qty = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
        delay = min(rng.expovariate(3.0 / max(window, 1.0)), window + 3.0)
        items.append(Planned(t0 + delay, idx, order=(product.sku, qty, round(product.price * qty, 2))))
    return Plan(items)


def product_texts(templates: Mapping[str, Sequence[str]], products: Sequence[DemoProduct],
                  rng: random.Random, per_template: int = 3) -> dict[str, tuple[str, ...]]:
    """Pre-rendered chatter about `products` (so a Buzz draws, never formats)."""
    out: dict[str, tuple[str, ...]] = {}
    others = demo_products()  # once: rendering runs on the loop when the host acts
    for lang, lines in templates.items():
        rendered: dict[str, None] = {}
        for product in products:
            for line in lines:
                for _ in range(per_template if "{" in line else 1):
                    rendered[fill(line, product, lang, rng, others)] = None
        out[lang] = tuple(rendered)
    return out
