"""The simulated live-commerce audience: pure, seedable, driven by `step(dt)`.

No asyncio and no sleeping: the caller says how much time passed and gets that much room
activity back as events, so a test can replay a minute of show in milliseconds and a load test
can ask for 50,000 events/s. Time inside the audience is its own simulated clock (the sum of
`dt`); the injected clock only stamps events with wall time.

Each tick: a few viewers walk in, the present ones comment/like/gift/follow/order according to
their segment, reactions to host actions release their due items, the viewer count is
reported every few seconds, and a few viewers walk out (last, so nobody speaks after leaving).
"""

from __future__ import annotations

import logging
import math
import random
from typing import Any, Callable, Mapping, Sequence

from console.core import actions as act
from console.core.clock import Clock, SystemClock
from console.core.events import (
    Action, Comment, Event, Follow, Gift, Join, Leave, Like, Order, ViewerCount,
)

from .catalog import DemoProduct, demo_products, product_for
from .crowd import Crowd
from .personas import (
    COMMENT, FOLLOW, GIFT, GIFT_TABLE_SIZE, KIND_CUM, KINDS, INTENT_CUM, LIKE, LIKE_COUNTS, LIKE_CUM,
    SEGMENT_ACTIVITY, draw_gift_table,
)
from .phrases import (
    CARD_QUESTIONS, COUPON_AFTER, DRAW_REACTIONS, FLASH_CHANTS, INTENTS, TRYON_REACTIONS,
    WAIT_CHANTS,
)
from .reactions import (
    Buzz, Planned, Reaction, coupon_plans, lottery_plan, order_plan, poll_plan, product_texts,
    seconds_from,
)
from .textbank import TextBank

log = logging.getLogger(__name__)

PLATFORM = "demo"

CHURN_SHARE = 0.2
"""Share of the event budget spent on joins and leaves."""
VIEWER_COUNT_EVERY_S = 3.0
MOOD_MAX_RATE = 1000.0
MAX_STEP_S = 2.0
"""A longer dt is simulated in slices, so reactions and churn stay in order."""


def default_viewers(rate: float) -> int:
    """A room size that fits the rate: ~20 viewers per event/s, within reason."""
    return int(min(50_000, max(40, rate * 20)))


class Audience:
    def __init__(self, rate: float = 15.0, seed: int | None = None, viewers: int | None = None,
                 zh_ratio: float = 0.7, clock: Clock | None = None,
                 products: Sequence[DemoProduct] | None = None) -> None:
        if rate < 0:
            raise ValueError("rate must be ≥ 0 events/s")
        if not 0.0 <= zh_ratio <= 1.0:
            raise ValueError("zh_ratio must be between 0 and 1")
        self.seed = seed if seed is not None else random.SystemRandom().randrange(2**32)
        self._rng = rng = random.Random(self.seed)
        self._token = f"{rng.getrandbits(24):06x}"
        self._clock = clock or SystemClock()
        self.rate = float(rate)
        initial = default_viewers(rate) if viewers is None else max(0, int(viewers))
        self._base_viewers = max(initial, 1)
        self._sized_by_rate = viewers is None
        self.crowd = Crowd(rng, zh_ratio, max_known=max(initial * 2, 1000))
        for _ in range(initial):
            self.crowd.join()
        products = tuple(products) if products is not None else demo_products()
        if not products:
            products = (product_for("DEMO-ITEM"),)  # an empty catalog still gives the room a topic
        self._products = {p.sku: p for p in products}
        self.on_air: DemoProduct = products[0]
        self._bank = TextBank(self._token)
        self._reactions: list[Reaction] = []
        self._t = 0.0
        self._budget = 0.0
        self._next_count_at = 0.0
        self._storm_until = -1.0
        self._seq = 0
        self.generated = 0
        self._gift_table = draw_gift_table(rng)

    # --- public ---------------------------------------------------------------------------

    @property
    def sim_time(self) -> float:
        return self._t

    def present(self) -> int:
        return self.crowd.count()

    def set_rate(self, rate: float) -> None:
        """Change the rate mid-show; a room sized by its rate then grows or thins out gradually."""
        self.rate = max(0.0, float(rate))
        if self._sized_by_rate:
            self._base_viewers = max(default_viewers(self.rate), 1)
            self.crowd.max_known = max(self.crowd.max_known, self._base_viewers * 2)

    def step(self, dt: float) -> list[Event]:
        """Everything the room does in the next `dt` simulated seconds, oldest first."""
        out: list[Event] = []
        while dt > 1e-9:
            part = min(dt, MAX_STEP_S)
            out += self._tick(part)
            dt -= part
        self.generated += len(out)
        return out

    def react(self, action: Action) -> bool:
        """Start the room's response to a host action; False if it was ignored.

        Unknown names are ignored, and so is an action whose detail does not follow
        core/actions.py: a malformed action must not end the demo show.
        """
        try:
            return self._react(action)
        except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
            log.warning("demo audience ignored %s with unusable detail: %s", action.name, exc)
            return False

    def _react(self, action: Action) -> bool:
        respond = RESPONSES.get(action.name)
        if respond is None:
            return False
        reactions = respond(self, action.detail)
        if not reactions:
            return False
        self._reactions += reactions
        return True

    @property
    def chat_rate(self) -> float:
        """Comments/s a reaction's chatter peaks at, relative to the room's activity."""
        return max(0.5, 0.2 * self.rate)

    # --- internals ------------------------------------------------------------------------

    def _product(self, sku: object, name: object = None, price: object = None) -> DemoProduct:
        sku = str(sku or self.on_air.sku)
        if name is None and price is None and sku in self._products:
            return self._products[sku]
        try:
            price_value = float(price) if price is not None else None
        except (TypeError, ValueError):
            price_value = None
        known = self._products.get(sku)
        product = product_for(sku, str(name) if name else None, price_value, known)
        self._products[sku] = product
        return product

    def _mood(self, t: float) -> float:
        """Slow swell and ebb of the room (mean 1) so a quiet room is not a metronome.

        A load test asks for a flat rate, so above MOOD_MAX_RATE the room does not breathe.
        """
        if self.rate > MOOD_MAX_RATE:
            return 1.0
        return 1.0 + 0.18 * math.sin(t * 2 * math.pi / 47.0) + 0.1 * math.sin(t * 2 * math.pi / 13.0)

    def _target_viewers(self, t: float) -> float:
        return self._base_viewers * (1.0 + 0.2 * math.sin(t * 2 * math.pi / 900.0)
                                     + 0.06 * math.sin(t * 2 * math.pi / 173.0))

    def _next_id(self) -> str:
        self._seq += 1
        return f"demo-{self._token}-{self._seq}"

    def _tick(self, dt: float) -> list[Event]:
        rng, crowd = self._rng, self.crowd
        t_start = self._t
        self._t = t = t_start + dt
        self._budget += self.rate * dt * self._mood(t) * (0.7 + 0.6 * rng.random())
        n = int(self._budget)
        self._budget -= n

        n_churn = int(n * CHURN_SHARE + rng.random()) if n else 0
        present = crowd.count()
        gap = (self._target_viewers(t) - present) / self._base_viewers
        join_share = min(0.95, max(0.05, 0.5 + 2.0 * gap))
        n_join = sum(1 for _ in range(n_churn) if rng.random() < join_share) if n_churn < 64 \
            else int(n_churn * join_share + rng.random())
        n_leave = n_churn - n_join
        n_act = n - n_churn

        if t > self._storm_until and rng.random() < dt / 50.0:
            self._storm_until = t + rng.uniform(3.0, 8.0)  # a like storm sweeps the room

        joined = [crowd.join() for _ in range(n_join)]
        reaction_items: list[Planned] = []
        for reaction in self._reactions:
            reaction_items += [p for p in reaction.due(t, crowd, rng) if crowd.is_present(p.viewer)]
        self._reactions = [r for r in self._reactions if not r.done(t)]
        count_now = t >= self._next_count_at
        if count_now:
            self._next_count_at = t + VIEWER_COUNT_EVERY_S

        total = n_join + n_act + len(reaction_items) + count_now + n_leave
        if total == 0:
            return []
        wall_end = self._clock.now()
        tick = dt / total
        ts = wall_end - dt
        out: list[Event] = []
        viewers = crowd.viewers
        for idx in joined:
            ts += tick
            out.append(Join(PLATFORM, self._next_id(), ts, viewers[idx]))
        ts = self._activity(n_act, ts, tick, out)
        for p in reaction_items:
            ts += tick
            out.append(self._planned_event(p, ts))
        if count_now:
            ts += tick
            out.append(ViewerCount(PLATFORM, self._next_id(), ts, None, crowd.count()))
        if n_leave:
            leaving = dict.fromkeys(crowd.random_present(n_leave))
            for idx in leaving:
                ts += tick
                out.append(Leave(PLATFORM, self._next_id(), ts, viewers[idx]))
                crowd.leave(idx)
        return out

    def _planned_event(self, p: Planned, ts: float) -> Event:
        viewer = self.crowd.viewers[p.viewer]
        if p.order is not None:
            sku, qty, amount = p.order
            return Order(PLATFORM, self._next_id(), ts, viewer, sku, qty, amount)
        return Comment(PLATFORM, self._next_id(), ts, viewer, p.text or "")

    def _activity(self, n: int, ts: float, tick: float, out: list[Event]) -> float:
        """Append `n` comments/likes/gifts/follows/orders from present viewers; returns last ts."""
        crowd, rng = self.crowd, self._rng
        sizes = [len(m) * a for m, a in zip(crowd.present, SEGMENT_ACTIVITY)]
        if n <= 0 or sum(sizes) <= 0:
            return ts
        segs = rng.choices((0, 1, 2), weights=sizes, k=n)
        # Draw everything per segment in bulk (one `choices` call each), then walk the events.
        who, what, why, likes = {}, {}, {}, {}
        for s in (0, 1, 2):
            c = segs.count(s)
            if not c:
                continue
            who[s] = iter(rng.choices(crowd.present[s], k=c))
            kinds = rng.choices(KINDS, cum_weights=KIND_CUM[s], k=c)
            what[s] = iter(kinds)
            why[s] = iter(rng.choices(INTENTS, cum_weights=INTENT_CUM[s],
                                      k=kinds.count(COMMENT)))
            likes[s] = iter(rng.choices(LIKE_COUNTS, cum_weights=LIKE_CUM[s],
                                        k=kinds.count(LIKE)))
        storm = 4 if self._t <= self._storm_until else 1

        pools = self._bank.pools(self.on_air)
        zh_pools = {i: pools[("zh", i)] for i in INTENTS}
        en_pools = {i: pools[("en", i)] for i in INTENTS}
        viewers, zh, gifts = crowd.viewers, crowd.zh, self._gift_table
        rand, token = rng.random, self._token
        seq = self._seq
        for s in segs:
            idx = next(who[s])
            kind = next(what[s])
            seq += 1
            msg_id = f"demo-{token}-{seq}"
            ts += tick
            viewer = viewers[idx]
            if kind == COMMENT:
                pool = (zh_pools if zh[idx] else en_pools)[next(why[s])]
                out.append(Comment(PLATFORM, msg_id, ts, viewer, pool[int(rand() * len(pool))]))
            elif kind == LIKE:
                out.append(Like(PLATFORM, msg_id, ts, viewer, next(likes[s]) * storm))
            elif kind == GIFT:
                name, count, value = gifts[s][int(rand() * GIFT_TABLE_SIZE)]
                out.append(Gift(PLATFORM, msg_id, ts, viewer, name, count, value))
            elif kind == FOLLOW:
                if crowd.follow(idx):
                    out.append(Follow(PLATFORM, msg_id, ts, crowd.viewers[idx]))
                else:
                    out.append(Like(PLATFORM, msg_id, ts, viewer, 1))
            else:
                qty = 1 if rand() < 0.85 else (2 if rand() < 0.8 else 3)
                product = self.on_air
                out.append(Order(PLATFORM, msg_id, ts, viewer, product.sku, qty,
                                 round(product.price * qty, 2)))
        self._seq = seq
        return ts


# --- how the room answers each host action --------------------------------------------------------
# One function per action name (core/actions.py): returns the reactions to start (none = ignored).
# A new interaction kind that the demo room should answer adds one function here.

Respond = Callable[[Audience, Mapping[str, Any]], list[Reaction]]
RESPONSES: dict[str, Respond] = {}


def responds_to(name: str) -> Callable[[Respond], Respond]:
    def deco(fn: Respond) -> Respond:
        RESPONSES[name] = fn
        return fn

    return deco


@responds_to(act.POLL_OPEN)
def _poll(room: Audience, d: Mapping[str, Any]) -> list[Reaction]:
    return [poll_plan(room.sim_time, d, room.crowd, room._rng)]


@responds_to(act.LOTTERY_OPEN)
def _lottery(room: Audience, d: Mapping[str, Any]) -> list[Reaction]:
    return [lottery_plan(room.sim_time, d, room.crowd, room._rng)]


@responds_to(act.LOTTERY_DRAW)
def _draw(room: Audience, d: Mapping[str, Any]) -> list[Reaction]:
    return [Buzz(room.sim_time + 0.5, room.chat_rate, 6.0, DRAW_REACTIONS)]


@responds_to(act.COUPON_DROP)
def _coupon(room: Audience, d: Mapping[str, Any]) -> list[Reaction]:
    return coupon_plans(room.sim_time, d, room.crowd, room._rng, COUPON_AFTER)


@responds_to(act.COUNTDOWN_START)
def _countdown(room: Audience, d: Mapping[str, Any]) -> list[Reaction]:
    t, chat = room.sim_time, room.chat_rate
    seconds = seconds_from(d.get("seconds"), 10.0)
    if not d.get("flash_sale"):
        return [Buzz(t, chat * 0.5, 3.0, WAIT_CHANTS, hold=seconds)]
    product = room._product(d.get("sku")) if d.get("sku") else room.on_air
    room.on_air = product
    return [Buzz(t, chat * 1.5, 5.0, FLASH_CHANTS, (0.5, 2.0, 1.0), hold=seconds),
            order_plan(t, product, seconds, room.crowd, room._rng, shares=(0.03, 0.12, 0.45))]


@responds_to(act.PRODUCT_CARD)
def _product_card(room: Audience, d: Mapping[str, Any]) -> list[Reaction]:
    product = room._product(d.get("sku"), d.get("name"), d.get("price"))
    room.on_air = product
    texts = product_texts(CARD_QUESTIONS, [product], room._rng)
    return [Buzz(room.sim_time, room.chat_rate, 10.0, texts, (1.5, 1.0, 1.5))]


@responds_to(act.SHOW_SEGMENT)
def _segment(room: Audience, d: Mapping[str, Any]) -> list[Reaction]:
    room.on_air = room._product(d.get("sku"))
    texts = product_texts(CARD_QUESTIONS, [room.on_air], room._rng)
    return [Buzz(room.sim_time, room.chat_rate * 0.5, 8.0, texts, (1.5, 1.0, 1.5))]


@responds_to(act.TRYON_ON_AIR)
def _tryon(room: Audience, d: Mapping[str, Any]) -> list[Reaction]:
    products = [room._product(s) for s in d.get("skus") or () if s]
    if not products:
        return []
    texts = product_texts(TRYON_REACTIONS, products, room._rng, per_template=2)
    return [Buzz(room.sim_time, room.chat_rate, 12.0, texts, (1.0, 1.5, 1.5))]
