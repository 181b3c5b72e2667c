"""Lottery: keyword entries during a window, eligibility rules, a verifiable draw (see draw.py).

Every step is logged so `live-console verify-draw` can recompute the result from the log alone:
LOTTERY_OPEN carries the commitment and the rules, each LOTTERY_ENTRY the facts the rules were
checked against, LOTTERY_CLOSE the frozen entrant list, LOTTERY_DRAW the seed and the winners.
No rule can require a purchase: entering is always free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from console.core import actions as A
from console.core.events import ActionSource, Comment, Event, Segment, Viewer

from .draw import DrawSequence, commitment, freeze_entrants, new_seed
from .keywords import matches_entry, normalize
from .outbox import Outbox
from .results import Result, ok, refused
from .views import LotteryView

MAX_WINNERS = 100


@dataclass(frozen=True, slots=True)
class LotteryRules:
    """Who may enter. One entry per viewer and blocked viewers out are always on."""

    followers_only: bool = False
    min_watch_s: float = 0.0
    high_value_only: bool = False
    blocked: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> "LotteryRules":
        data = dict(data or {})
        unknown = set(data) - {"followers_only", "min_watch_s", "high_value_only", "blocked"}
        if unknown:
            raise ValueError(f"unknown lottery rule(s): {', '.join(sorted(unknown))}")
        return cls(
            followers_only=bool(data.get("followers_only", False)),
            min_watch_s=float(data.get("min_watch_s", 0.0)),
            high_value_only=bool(data.get("high_value_only", False)),
            blocked=frozenset(data.get("blocked", ())),
        )

    def to_detail(self) -> dict[str, Any]:
        return {
            "followers_only": self.followers_only,
            "min_watch_s": self.min_watch_s,
            "high_value_only": self.high_value_only,
            "blocked": sorted(self.blocked),
        }


def entry_facts(viewer: Viewer, watch_s: float) -> dict[str, Any]:
    """What the rules are checked against, logged with the entry."""
    return {
        "is_follower": viewer.is_follower,
        "segment": None if viewer.segment is None else str(viewer.segment),
        "watch_s": round(watch_s, 3),
    }


def ineligible_reason(rules: Mapping[str, Any], viewer_id: str, facts: Mapping[str, Any]) -> str | None:
    """Why a viewer may not enter, or None. Shared with verify-draw, so it reads logged dicts.

    Where a rule needs data the platform did not give (is_follower / segment is None), the viewer
    is not admitted: the rule was promised on air, and admitting unknowns would break it.
    """
    if viewer_id in set(rules.get("blocked", ())):
        return "blocked"
    if rules.get("followers_only") and facts.get("is_follower") is not True:
        return "not a follower" if facts.get("is_follower") is False else "platform did not say if they follow"
    if rules.get("high_value_only") and facts.get("segment") != str(Segment.HIGH_VALUE):
        return "not a high-value viewer"
    if float(facts.get("watch_s", 0.0)) < float(rules.get("min_watch_s", 0.0)):
        return "has not watched long enough"
    return None


class LotteryEngine:
    def __init__(self, clock, outbox: Outbox, *, watch_time: Callable[[Viewer], float],
                 is_blocked: Callable[[str], bool] = lambda _id: False) -> None:
        self.clock = clock
        self.outbox = outbox
        self.watch_time = watch_time
        self.is_blocked = is_blocked
        self.draw_id: str | None = None
        self.phase = "idle"
        self.keyword = ""
        self.window_s = 0.0
        self.winner_count = 1
        self.rules = LotteryRules()
        self._seed = b""
        self._commitment = ""
        self._opened_at = 0.0
        self._entrants: dict[str, str] = {}  # id -> display name, entry order
        self._sequence: DrawSequence | None = None
        self._winners: list[str] = []
        self.rejected: dict[str, str] = {}
        """Viewer id -> why their entry was refused (latest only; shown to the moderator)."""

    # -- opening and entries -------------------------------------------------------------------
    def start(self, keyword: str, window_s: float, winners: int, rules: LotteryRules,
              source: ActionSource) -> Result:
        if self.phase in ("open", "closed"):
            return refused("lottery.running")
        if not normalize(keyword):
            return refused("lottery.keyword")
        if window_s <= 0:
            return refused("lottery.window")
        if not 1 <= winners <= MAX_WINNERS:
            return refused("lottery.winners", max=MAX_WINNERS)
        self.draw_id = self.outbox.new_id("draw")
        self.phase, self.keyword, self.window_s = "open", keyword.strip(), float(window_s)
        self.winner_count, self.rules = int(winners), rules
        self._seed = new_seed()
        self._commitment = commitment(self._seed)
        self._opened_at = self.clock.monotonic()
        self._entrants, self._winners, self.rejected = {}, [], {}
        self._sequence = None
        self.outbox.emit(A.LOTTERY_OPEN, {
            "draw_id": self.draw_id, "keyword": self.keyword, "window_s": self.window_s,
            "winners": self.winner_count, "commitment": self._commitment,
            "rules": rules.to_detail(), "algorithm": "live-console-draw-v1",
        }, source)
        return ok("lottery.open", keyword=self.keyword, seconds=f"{window_s:g}", proof=self._commitment[:12])

    def remaining_s(self) -> float | None:
        if self.phase != "open":
            return None
        return max(0.0, self.window_s - (self.clock.monotonic() - self._opened_at))

    def on_events(self, batch: Sequence[Event]) -> bool:
        if self.phase != "open":
            return False
        self.tick()
        if self.phase != "open":
            return True
        changed = False
        for ev in batch:
            if not isinstance(ev, Comment) or ev.viewer is None or not matches_entry(ev.text, self.keyword):
                continue
            viewer = ev.viewer
            if viewer.id in self._entrants:
                continue  # one entry per viewer; repeats are normal chat, not errors
            facts = entry_facts(viewer, self.watch_time(viewer))
            reason = "blocked" if self.is_blocked(viewer.id) else ineligible_reason(
                self.rules.to_detail(), viewer.id, facts)
            if reason:
                self.rejected[viewer.id] = reason
                continue
            self._entrants[viewer.id] = viewer.name
            self.outbox.emit(A.LOTTERY_ENTRY, {"draw_id": self.draw_id, "viewer_id": viewer.id, **facts},
                             ActionSource.ENGINE)
            changed = True
        return changed

    def tick(self) -> list[Result]:
        if self.phase == "open" and self.remaining_s() == 0.0:
            return [self.close_entries(ActionSource.ENGINE)]
        return []

    def close_entries(self, source: ActionSource) -> Result:
        if self.phase != "open":
            return refused("lottery.not_open")
        self.phase = "closed"
        frozen = freeze_entrants(self._entrants)
        self.outbox.emit(A.LOTTERY_CLOSE, {"draw_id": self.draw_id, "entrants": frozen}, source)
        return ok("lottery.closed", count=len(frozen))

    # -- drawing -------------------------------------------------------------------------------
    def draw(self, source: ActionSource) -> Result:
        if self.phase == "open":
            self.close_entries(source)
        if self.phase != "closed":
            return refused("lottery.nothing_to_draw" if self.phase != "drawn" else "lottery.already_drawn")
        if not self._entrants:
            return refused("lottery.nobody")
        self._sequence = DrawSequence(self._seed, list(self._entrants))
        self._winners = self._sequence.take(self.winner_count)
        self.phase = "drawn"
        self.outbox.emit(A.LOTTERY_DRAW, {
            "draw_id": self.draw_id, "winners": list(self._winners), "seed": self._seed.hex(),
        }, source)
        names = ", ".join(self._entrants[w] for w in self._winners)
        if len(self._winners) == self.winner_count:
            return ok("lottery.winners_drawn", names=names)
        return ok("lottery.winners_short", names=names, count=len(self._winners), prizes=self.winner_count)

    def reroll(self, count: int, source: ActionSource) -> Result:
        if self.phase != "drawn" or self._sequence is None:
            return refused("lottery.reroll_first")
        if count < 1:
            return refused("lottery.reroll_count")
        extra = self._sequence.take(count)
        if not extra:
            return refused("lottery.reroll_nobody")
        self._winners.extend(extra)
        self.outbox.emit(A.LOTTERY_REROLL, {"draw_id": self.draw_id, "winners": extra}, source)
        return ok("lottery.rerolled", names=", ".join(self._entrants[w] for w in extra))

    def dismiss(self, source: ActionSource) -> Result:
        if self.phase == "open":
            self.close_entries(source)
        self.phase, self.draw_id = "idle", None
        return ok("lottery.removed")

    # -- reading -------------------------------------------------------------------------------
    @property
    def entrant_ids(self) -> list[str]:
        return list(self._entrants)

    @property
    def winner_ids(self) -> list[str]:
        return list(self._winners)

    def view(self) -> LotteryView | None:
        if self.phase == "idle" or self.draw_id is None:
            return None
        return LotteryView(
            draw_id=self.draw_id,
            keyword=self.keyword,
            phase=self.phase,
            remaining_s=self.remaining_s(),
            entrants=len(self._entrants),
            winners=tuple(self._entrants[w] for w in self._winners),
            commitment=self._commitment,
            seed=self._seed.hex() if self.phase == "drawn" else None,
        )
