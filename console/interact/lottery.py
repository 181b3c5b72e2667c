"""Lottery: keyword entries during a window, eligibility rules, a verifiable draw (see draw.py).

Every step is logged so `live-console verify-draw` can recompute the result from the log alone:
LOTTERY_OPEN carries the commitment and the rules; every keyword comment from a viewer who has
not entered yet gets a decision — LOTTERY_ENTRY or LOTTERY_REJECT, naming the comment and the
facts the rules were checked against; LOTTERY_CLOSE the frozen entrant list with its count and
hash (shown on air); LOTTERY_DRAW the seed, the winners and the log's chain head (shown on air).

The entry window is the log's own order: a comment counts iff it lies between lottery.open and
lottery.close in the session log. The hub delivers every batch to the log before the engines and
the controller records open/close inside the same delivery step (hub.ordered()), so the order
the engine decided in is the order anyone reading the log sees. The timer only decides *when*
the close record is written.

No rule can require a purchase: entering is always free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from console.core import actions as A
from console.messages import M
from console.core.events import ActionSource, Comment, Event, Segment, Viewer

from .draw import DrawSequence, commitment, entrants_digest, freeze_entrants, new_seed
from .keywords import matches_entry, normalize
from .outbox import Outbox
from .results import Result, ok, refused
from .seed_vault import SeedVault
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


def entry_facts(viewer: Viewer, watch_s: float, blocked: bool = False) -> dict[str, Any]:
    """What the rules are checked against, logged with the entry (or the refusal)."""
    return {
        "is_follower": viewer.is_follower,
        "segment": None if viewer.segment is None else str(viewer.segment),
        "watch_s": round(watch_s, 3),
        "blocked": bool(blocked),
    }


def ineligible_reason(rules: Mapping[str, Any], viewer_id: str, facts: Mapping[str, Any]) -> str | None:
    """Why a viewer may not enter, or None. Shared with verify-draw, so it reads logged dicts.

    Where a rule needs data the platform did not give (is_follower / segment is None), the viewer
    is not admitted: the rule was promised on air, and admitting unknowns would break it.
    """
    if viewer_id in set(rules.get("blocked", ())) or facts.get("blocked") is True:
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
                 is_blocked: Callable[[str], bool] = lambda _id: False,
                 chain_head: Callable[[], tuple[int, str] | None] = lambda: None,
                 vault: SeedVault | None = None) -> None:
        self.clock = clock
        self.outbox = outbox
        self.watch_time = watch_time
        self.is_blocked = is_blocked
        self.chain_head = chain_head
        """(seq, hex hash) of the newest record on disk; shown on air at each draw."""
        self.vault = vault if vault is not None else SeedVault()
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
        self._digest = ""
        self._chain: tuple[int, str] | None = None
        self.void_reason: str | None = None
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
        self._sequence, self._digest, self._chain, self.void_reason = None, "", None, None
        kept = self.vault.put(self.draw_id, self._seed)
        self.outbox.emit(A.LOTTERY_OPEN, {
            "draw_id": self.draw_id, "keyword": self.keyword, "window_s": self.window_s,
            "winners": self.winner_count, "commitment": self._commitment,
            "rules": rules.to_detail(), "algorithm": "live-console-draw-v1",
        }, source)
        return ok("lottery.open", keyword=self.keyword, seconds=f"{window_s:g}", proof=self._commitment[:12],
                  warning=None if kept else M("lottery.no_keyring"))

    def remaining_s(self) -> float | None:
        if self.phase != "open":
            return None
        return max(0.0, self.window_s - (self.clock.monotonic() - self._opened_at))

    def on_events(self, batch: Sequence[Event]) -> bool:
        if self.phase != "open":
            return False
        # This batch is already in the log ahead of any close record we write now, so by the
        # log's order it is inside the window: decide it first, close (if time is up) after.
        changed = False
        rules = self.rules.to_detail()
        for ev in batch:
            if not isinstance(ev, Comment) or ev.viewer is None:
                continue
            changed |= self._decide(ev.viewer, ev.msg_id, ev.text, rules,
                                    lambda v=ev.viewer: self.watch_time(v))
        self.tick()
        return changed or self.phase != "open"

    def _decide(self, viewer: Viewer, msg_id: str | None, text: str, rules: dict,
                watch_s: Callable[[], float], recovered: bool = False) -> bool:
        """Enter or refuse one keyword comment, and log the decision naming the comment."""
        if viewer.id in self._entrants or not matches_entry(text, self.keyword):
            return False  # one entry per viewer; repeats are normal chat, not errors
        facts = entry_facts(viewer, watch_s(), self.is_blocked(viewer.id))
        if recovered:
            facts["recovered"] = True
        reason = ineligible_reason(rules, viewer.id, facts)
        detail = {"draw_id": self.draw_id, "viewer_id": viewer.id, "msg_id": msg_id or None, **facts}
        if reason:
            self.rejected[viewer.id] = reason
            self.outbox.emit(A.LOTTERY_REJECT, {**detail, "reason": reason}, ActionSource.ENGINE)
            return False
        self._entrants[viewer.id] = viewer.name
        self.outbox.emit(A.LOTTERY_ENTRY, detail, ActionSource.ENGINE)
        return True

    def tick(self) -> list[Result]:
        if self.phase == "open" and self.remaining_s() == 0.0:
            return [self.close_entries(ActionSource.ENGINE)]
        return []

    def close_entries(self, source: ActionSource) -> Result:
        if self.phase != "open":
            return refused("lottery.not_open")
        self.phase = "closed"
        frozen = freeze_entrants(self._entrants)
        # Count and hash of the frozen list go on air: a viewer can later check a published
        # log's entrant list against what they saw, before anyone knew the winners.
        self._digest = entrants_digest(frozen)
        self.outbox.emit(A.LOTTERY_CLOSE, {"draw_id": self.draw_id, "entrants": frozen,
                                           "entrant_count": len(frozen), "entrants_sha256": self._digest},
                         source)
        return ok("lottery.closed_hash", count=len(frozen), digest=self._digest[:12])

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
        head = self.chain_head()
        self._chain = head
        detail: dict[str, Any] = {"draw_id": self.draw_id, "winners": list(self._winners),
                                  "seed": self._seed.hex()}
        if head is not None:
            detail["chain_seq"], detail["chain_hash"] = head
        self.outbox.emit(A.LOTTERY_DRAW, detail, source)
        self.vault.forget(self.draw_id)
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
        self.phase, self.draw_id, self.void_reason = "idle", None, None
        return ok("lottery.removed")

    def void(self, reason: str, source: ActionSource = ActionSource.SYSTEM) -> Result:
        """Call the lottery off, with the reason logged and shown on air (never redrawn silently)."""
        if self.draw_id is None or self.phase in ("idle", "drawn", "void"):
            return refused("lottery.nothing_to_void")
        self.outbox.emit(A.LOTTERY_VOID, {"draw_id": self.draw_id, "reason": reason}, source)
        self.vault.forget(self.draw_id)
        self.phase, self.void_reason = "void", reason
        return ok("lottery.void", reason=reason)

    def restore(self, actions: Sequence[Mapping[str, Any]], comments: Sequence[Mapping[str, Any]],
                first_seen: Mapping[str, float]) -> Result | None:
        """After a crash: take up the session's last undrawn lottery from its log.

        `actions` are the session's lottery records and `comments` its comment events after
        the lottery opened, both in log order (dicts as console.store.queries returns them);
        `first_seen` maps viewer id to the time of their first record in the session. Keyword
        comments the engine never got to decide are decided now (facts from the log, marked
        "recovered"), then entries close, so the host can draw the same lottery. Without the
        seed (no keyring, or a different machine) the lottery is void, with the reason on air.
        """
        from .lottery_restore import restore_lottery

        return restore_lottery(self, actions, comments, first_seen)

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
        head = self._chain
        return LotteryView(
            entrants_hash=self._digest or None,
            chain_head=None if head is None else f"#{head[0]} {head[1][:12]}",
            void_reason=self.void_reason,
            draw_id=self.draw_id,
            keyword=self.keyword,
            phase=self.phase,
            remaining_s=self.remaining_s(),
            entrants=len(self._entrants),
            winners=tuple(self._entrants[w] for w in self._winners),
            commitment=self._commitment,
            seed=self._seed.hex() if self.phase == "drawn" else None,
        )
