"""Polls: question + 2–6 options, votes by comment keyword, one vote per viewer, live tally.

The engine keeps the rules (one vote each, first vote counts unless changes are allowed, nothing
after close); a `PollBackend` turns platform traffic into votes. The local backend reads comment
keywords. A native backend (console/providers/native_poll.py) runs the same poll as a Twitch /
YouTube poll too: those platforms count their own votes and report only tallies, which the backend
hands back through `tallies()`; the engine adds them to the keyword votes for the overlay and keeps
them apart per source for the breakdown on hover.
"""

from __future__ import annotations

from console.messages import M, Message

from dataclasses import dataclass
from typing import Mapping, Protocol, Sequence

from console.core import actions as A
from console.core.events import ActionSource, Comment, Event, Viewer

from .keywords import default_option_keywords, matches_exact, normalize
from .outbox import Outbox
from .results import Result, ok, refused
from .views import PollView

MIN_OPTIONS, MAX_OPTIONS = 2, 6


@dataclass(frozen=True, slots=True)
class PollSpec:
    poll_id: str
    question: str
    options: tuple[str, ...]
    keywords: tuple[tuple[str, ...], ...]
    duration_s: float | None
    allow_change: bool = False


class PollBackend(Protocol):
    name: str

    def open(self, spec: PollSpec) -> None: ...

    def votes(self, events: Sequence[Event]) -> list[tuple[Viewer, int]]:
        """(viewer, option index) for every vote found in this batch, in order."""

    def close(self, spec: PollSpec) -> None: ...

    def tallies(self) -> Mapping[str, Sequence[int]]:
        """Votes counted by platforms themselves (native polls), per platform; {} for none."""

    def finished(self) -> bool:
        """True when every place the poll runs has closed it (a platform ended it early)."""


class KeywordPollBackend:
    """Votes are comments whose whole text is one option's keyword ("1", "A", "二", the name)."""

    name = "comments"

    def __init__(self) -> None:
        self._lookup: list[set[str]] = []

    def open(self, spec: PollSpec) -> None:
        self._lookup = [{normalize(k) for k in kws} for kws in spec.keywords]

    def votes(self, events: Sequence[Event]) -> list[tuple[Viewer, int]]:
        out: list[tuple[Viewer, int]] = []
        for ev in events:
            if isinstance(ev, Comment) and ev.viewer is not None:
                for index, kws in enumerate(self._lookup):
                    if matches_exact(ev.text, kws):
                        out.append((ev.viewer, index))
                        break
        return out

    def close(self, spec: PollSpec) -> None:
        self._lookup = []

    def tallies(self) -> Mapping[str, Sequence[int]]:
        return {}

    def finished(self) -> bool:
        return False


def build_spec(poll_id: str, question: str, options: Sequence[str],
               keywords: Sequence[Sequence[str]] | None, duration_s: float | None,
               allow_change: bool) -> PollSpec | Message:
    """The spec, or a message saying what is wrong with the input."""
    question = question.strip()
    labels = tuple(o.strip() for o in options)
    if not question:
        return M("poll.no_question")
    if not MIN_OPTIONS <= len(labels) <= MAX_OPTIONS:
        return M("poll.option_count", low=MIN_OPTIONS, high=MAX_OPTIONS, count=len(labels))
    if any(not label for label in labels):
        return M("poll.option_name")
    if keywords is None:
        kws = tuple(tuple(default_option_keywords(i, label)) for i, label in enumerate(labels))
    else:
        if len(keywords) != len(labels):
            return M("poll.keyword_lists")
        kws = tuple(tuple(k for k in group if normalize(k)) for group in keywords)
        if any(not group for group in kws):
            return M("poll.keyword_missing")
    owner: dict[str, int] = {}
    for index, group in enumerate(kws):
        for word in group:
            other = owner.setdefault(normalize(word), index)
            if other != index:
                return M("poll.keyword_clash", word=word, first=labels[other], second=labels[index])
    if duration_s is not None and duration_s <= 0:
        return M("poll.duration")
    return PollSpec(poll_id, question, labels, kws, duration_s, allow_change)


class PollEngine:
    def __init__(self, clock, outbox: Outbox, backend: PollBackend | None = None) -> None:
        self.clock = clock
        self.outbox = outbox
        self.backend: PollBackend = backend or KeywordPollBackend()
        self.spec: PollSpec | None = None
        self.closed = True
        self._opened_at = 0.0
        self._tally: list[int] = []
        self._voted: dict[str, int] = {}

    @property
    def is_open(self) -> bool:
        return self.spec is not None and not self.closed

    def open(self, spec: PollSpec, source: ActionSource) -> Result:
        if self.is_open:
            return refused("poll.running")
        self.spec, self.closed = spec, False
        self._opened_at = self.clock.monotonic()
        self._tally = [0] * len(spec.options)
        self._voted = {}
        self.backend.open(spec)
        self.outbox.emit(A.POLL_OPEN, {
            "poll_id": spec.poll_id, "question": spec.question,
            "options": [{"label": l, "keywords": list(k)} for l, k in zip(spec.options, spec.keywords)],
            "duration_s": spec.duration_s, "allow_change": spec.allow_change,
            "backend": self.backend.name,
        }, source)
        hint = " / ".join(f"{k[0]}={l}" for l, k in zip(spec.options, spec.keywords))
        return ok("poll.open", question=spec.question, hint=hint)

    def close(self, source: ActionSource) -> Result:
        if not self.is_open:
            return refused("poll.none")
        assert self.spec is not None
        self.closed = True
        self.backend.close(self.spec)
        merged, sources = self._merged()
        detail = {"poll_id": self.spec.poll_id, "tally": merged}
        if sources:
            detail["by_platform"] = {src: list(v) for src, v in sources}
        self.outbox.emit(A.POLL_CLOSE, detail, source)
        best = max(merged)
        if best == 0:
            return ok("poll.closed_empty")
        leaders = [l for l, n in zip(self.spec.options, merged) if n == best]
        return ok("poll.closed", leaders=" / ".join(leaders), best=best, total=sum(merged))

    def _merged(self) -> tuple[list[int], tuple[tuple[str, tuple[int, ...]], ...]]:
        """Keyword votes plus every platform's own tally, and the per-source split (when >1 source)."""
        native = self.backend.tallies()
        n = len(self._tally)
        merged = list(self._tally)
        sources: list[tuple[str, tuple[int, ...]]] = []
        for platform, votes in native.items():
            row = tuple((list(votes) + [0] * n)[:n])
            sources.append((platform, row))
            merged = [a + b for a, b in zip(merged, row)]
        if not sources:
            return merged, ()
        return merged, (("comments", tuple(self._tally)), *sources)

    def dismiss(self, source: ActionSource) -> Result:
        result = self.close(source) if self.is_open else ok("poll.removed")
        self.spec = None
        return result

    def remaining_s(self) -> float | None:
        if self.spec is None or self.spec.duration_s is None:
            return None
        return max(0.0, self.spec.duration_s - (self.clock.monotonic() - self._opened_at))

    def tick(self) -> list[Result]:
        if self.is_open and (self.remaining_s() == 0.0 or self.backend.finished()):
            return [self.close(ActionSource.ENGINE)]
        return []

    def on_events(self, batch: Sequence[Event]) -> bool:
        if not self.is_open:
            return False
        self.tick()  # a vote arriving after the timer ran out is late, even before the next tick
        if not self.is_open:
            return True
        assert self.spec is not None
        changed = False
        for viewer, index in self.backend.votes(batch):
            previous = self._voted.get(viewer.id)
            if previous is not None and (not self.spec.allow_change or previous == index):
                continue
            if previous is not None:
                self._tally[previous] -= 1
            self._voted[viewer.id] = index
            self._tally[index] += 1
            changed = True
            detail = {"poll_id": self.spec.poll_id, "viewer_id": viewer.id, "option": index}
            if previous is not None:
                detail["previous"] = previous
            self.outbox.emit(A.POLL_VOTE, detail, ActionSource.ENGINE)
        return changed

    def tally(self) -> list[int]:
        return self._merged()[0]

    def view(self) -> PollView | None:
        if self.spec is None:
            return None
        merged, sources = self._merged()
        return PollView(
            poll_id=self.spec.poll_id,
            question=self.spec.question,
            options=tuple(zip(self.spec.options, merged)),
            total=sum(merged),
            remaining_s=None if self.closed else self.remaining_s(),
            closed=self.closed,
            by_platform=sources,
        )
