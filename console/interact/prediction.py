"""Predictions: viewers bet channel points on an outcome; the host locks and names the winner.

Only Twitch has them (channel points), so unlike polls there is no keyword fallback: the console
drives the platform's own prediction and shows the platform's tallies (viewers and points per
outcome). The engine keeps the host's side — what may be asked in which phase — and a
`PredictionBackend` (console/providers/native_prediction.py) makes the platform calls on the
asyncio loop and reports what the platform answered as a `Remote`.

Phases: starting (asked, no answer yet) → open (window counting; Twitch locks by itself when it
ends) → locked → resolved | canceled; or failed (the platform refused to start it). Nothing is
sent to the platform except on an explicit host action or a cue the host put in the show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

from console.core import actions as A
from console.core.events import ActionSource
from console.messages import M, Message

from .outbox import Outbox
from .results import Result, ok, refused

MIN_OUTCOMES, MAX_OUTCOMES = 2, 10
TITLE_MAX, OUTCOME_MAX = 45, 25
WINDOW_MIN_S, WINDOW_MAX_S = 30, 1800
RUNNING = ("starting", "open", "locked")


@dataclass(frozen=True, slots=True)
class PredictionSpec:
    prediction_id: str
    title: str
    outcomes: tuple[str, ...]
    window_s: int


@dataclass(frozen=True, slots=True)
class Remote:
    """The platform's view of the prediction, as last answered."""

    phase: str
    tallies: tuple[tuple[int, int], ...] = ()
    """(viewers, channel points) per outcome."""
    remote_id: str = ""
    winner: int | None = None
    top: tuple[str, ...] = ()
    """The biggest predictor's name per outcome ("" when none)."""
    outcome_ids: tuple[str, ...] = ()
    message: str = ""
    """Why it failed, or the last refused step (plain words)."""


@dataclass(frozen=True, slots=True)
class PredictionView:
    prediction_id: str
    title: str
    outcomes: tuple[tuple[str, int, int], ...]
    """(label, viewers, channel points) in order."""
    phase: str
    remaining_s: float | None
    winner: int | None = None
    message: str = ""
    top: tuple[str, ...] = ()

    @property
    def users(self) -> int:
        return sum(u for _, u, _ in self.outcomes)

    @property
    def points(self) -> int:
        return sum(p for _, _, p in self.outcomes)


class PredictionBackend(Protocol):
    def unavailable(self) -> Message | None:
        """None when this session can run a prediction, else why not (for the host)."""

    def open(self, spec: PredictionSpec, source: ActionSource) -> None: ...

    def lock(self, spec: PredictionSpec, source: ActionSource) -> None: ...

    def resolve(self, spec: PredictionSpec, winner: int, source: ActionSource) -> None: ...

    def cancel(self, spec: PredictionSpec, source: ActionSource) -> None: ...

    def remote(self, spec: PredictionSpec) -> Remote | None:
        """The platform's latest answer about `spec` (None before the first)."""


class NoPredictions:
    """A session without a platform that has predictions (DEMO, Douyin, YouTube …)."""

    def unavailable(self) -> Message | None:
        return M("prediction.twitch_only")

    def open(self, spec, source) -> None: ...
    def lock(self, spec, source) -> None: ...
    def resolve(self, spec, winner, source) -> None: ...
    def cancel(self, spec, source) -> None: ...

    def remote(self, spec) -> Remote | None:
        return None


def build_spec(prediction_id: str, title: str, outcomes: Sequence[str], window_s: float) -> PredictionSpec | Message:
    """The spec, or what is wrong with the input, checked against Twitch's limits before sending."""
    title = " ".join(str(title).split())
    labels = tuple(" ".join(str(o).split()) for o in outcomes)
    if not title:
        return M("prediction.no_title")
    if len(title) > TITLE_MAX:
        return M("prediction.title_long", length=len(title), max=TITLE_MAX)
    if not MIN_OUTCOMES <= len(labels) <= MAX_OUTCOMES:
        return M("prediction.outcome_count", low=MIN_OUTCOMES, high=MAX_OUTCOMES, count=len(labels))
    if any(not label for label in labels):
        return M("prediction.outcome_name")
    long = next((label for label in labels if len(label) > OUTCOME_MAX), None)
    if long is not None:
        return M("prediction.outcome_long", outcome=long, max=OUTCOME_MAX)
    if len({label.casefold() for label in labels}) != len(labels):
        return M("prediction.outcome_twice")
    if not WINDOW_MIN_S <= window_s <= WINDOW_MAX_S:
        return M("prediction.window", low=WINDOW_MIN_S, high=WINDOW_MAX_S, got=f"{window_s:g}")
    return PredictionSpec(prediction_id, title, labels, int(window_s))


class PredictionEngine:
    def __init__(self, clock, outbox: Outbox, backend: PredictionBackend | None = None) -> None:
        self.clock = clock
        self.outbox = outbox
        self.backend: PredictionBackend = backend or NoPredictions()
        self.spec: PredictionSpec | None = None
        self._started_at = 0.0

    def phase(self) -> str | None:
        if self.spec is None:
            return None
        remote = self.backend.remote(self.spec)
        phase = remote.phase if remote is not None else "starting"
        if phase == "open" and self.remaining_s() == 0.0:
            return "locked"  # the window is over: Twitch locks it by itself (read back shortly)
        return phase

    def remaining_s(self) -> float | None:
        if self.spec is None:
            return None
        return max(0.0, self.spec.window_s - (self.clock.monotonic() - self._started_at))

    def start(self, spec: PredictionSpec, source: ActionSource) -> Result:
        if self.phase() in RUNNING:
            return refused("prediction.running")
        why = self.backend.unavailable()
        if why is not None:
            return refused(why)
        self.spec, self._started_at = spec, self.clock.monotonic()
        self.backend.open(spec, source)
        return ok("prediction.starting", title=spec.title, seconds=spec.window_s)

    def lock(self, source: ActionSource) -> Result:
        # "starting": Twitch has not answered yet; the lock goes out right after the create.
        if self.phase() not in ("starting", "open") or self.spec is None:
            return refused("prediction.not_open")
        self.backend.lock(self.spec, source)
        return ok("prediction.locking")

    def resolve(self, winner: int | str, source: ActionSource) -> Result:
        if self.spec is None or self.phase() not in RUNNING:
            return refused("prediction.not_running")
        index = self._outcome_index(winner)
        if index is None:
            return refused("prediction.no_such_outcome", winner=str(winner),
                           outcomes=" / ".join(self.spec.outcomes))
        self.backend.resolve(self.spec, index, source)
        return ok("prediction.resolving", outcome=self.spec.outcomes[index])

    def cancel(self, source: ActionSource) -> Result:
        if self.spec is None or self.phase() not in RUNNING:
            return refused("prediction.not_running")
        self.backend.cancel(self.spec, source)
        return ok("prediction.canceling")

    def dismiss(self, source: ActionSource) -> Result:
        if self.phase() in RUNNING:
            return refused("prediction.still_running")
        if self.spec is None:
            return ok("stop.removed")
        self.spec = None
        self.outbox.emit(A.OVERLAY_CLEAR, {"kind": "prediction"}, source)
        return ok("stop.removed")

    def _outcome_index(self, winner: int | str) -> int | None:
        assert self.spec is not None
        if isinstance(winner, int) and not isinstance(winner, bool):
            return winner - 1 if 1 <= winner <= len(self.spec.outcomes) else None
        text = " ".join(str(winner).split()).casefold()
        if text.isdigit():
            return self._outcome_index(int(text))
        return next((i for i, o in enumerate(self.spec.outcomes) if o.casefold() == text), None)

    def view(self) -> PredictionView | None:
        spec = self.spec
        if spec is None:
            return None
        remote = self.backend.remote(spec)
        tallies = list(remote.tallies if remote else ())
        tallies += [(0, 0)] * (len(spec.outcomes) - len(tallies))
        phase = self.phase() or "starting"
        return PredictionView(
            prediction_id=spec.prediction_id, title=spec.title,
            outcomes=tuple((label, u, p) for label, (u, p) in zip(spec.outcomes, tallies)),
            phase=phase, remaining_s=self.remaining_s() if phase in ("starting", "open") else None,
            winner=remote.winner if remote else None, message=remote.message if remote else "",
            top=remote.top if remote else ())
