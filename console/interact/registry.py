"""Interaction kinds: each one is a module in console/interact/kinds/ that registers itself.

A kind declares, in one place, everything the rest of the console needs to know about it:

- its engine (built per `Interactions`, fed hub events and ticks if it has `on_events`/`tick`),
- its actions: the operations the host, a preset or a run-of-show cue can call; their keyword
  parameters *are* the preset fields and cue fields (checked by signature when a file loads),
- how to stop it, what its running row says in the triggers panel and which buttons it offers
  (with a confirmation for irreversible steps),
- the overlay element that draws its view on the video (checked at start: a kind whose element
  is not registered is an error, not an invisible card).

Nothing else lists kinds by name: the controller, presets, the show runner, the triggers panel
and the cue sheet all read this registry (the OBS `obs_register_source` / Picard
`ExtensionPoint` pattern, like try-on items' `@register`).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:  # pragma: no cover
    from .controller import Interactions
    from .results import Result

Text = tuple[str, str]
"""(English, Chinese)."""

CALL_ONLY = frozenset({"source", "override_lint"})
"""Parameters every action takes that are not fields of a preset or a cue."""


@dataclass(frozen=True, slots=True)
class Confirm:
    """A question asked before an irreversible step; `{label}` in the text is the preset's label."""

    title: Text
    text: Text
    yes: Text


@dataclass(frozen=True, slots=True)
class Control:
    """A button on the kind's running row in the triggers panel."""

    key: str
    label: Text
    call: Callable[["Interactions"], "Result"]
    visible: Callable[[Any], bool] = lambda view: True
    confirm: Confirm | None = None
    text: Callable[[Any], Text] | None = None
    """The button's words for a view when they depend on it (a prediction's outcome names);
    None = `label`."""

    def label_for(self, view: Any) -> Text:
        return self.text(view) if self.text is not None and view is not None else self.label


@dataclass(frozen=True, slots=True)
class Action:
    name: str
    """The method name on `Interactions` and the `action` of a cue ("open_poll")."""
    fn: Callable[..., "Result"]
    label: Text
    kind: str

    def fields(self) -> dict[str, inspect.Parameter]:
        """The settings a preset or cue gives this action (everything but the controller,
        `source` and `override_lint`)."""
        params = list(inspect.signature(self.fn).parameters.values())[1:]
        return {p.name: p for p in params if p.name not in CALL_ONLY}

    def check(self, params: dict[str, Any]) -> str | None:
        """None if `params` fit this action, else why not (for a file's error message)."""
        try:
            inspect.signature(self.fn).bind(None, **params)
        except TypeError as exc:
            return str(exc)
        return None


@dataclass(slots=True)
class InteractionKind:
    name: str
    label: Text
    engine: Callable[["Interactions"], Any]
    """Builds this kind's engine for one controller (it has `view()`; optionally `on_events`,
    `tick`)."""
    stop: Callable[[Any, Any], "Result"]
    """`stop(engine, source)`: take it off the video (and end it)."""
    describe: Callable[[Any], Text]
    """The running row's text for a view, in both languages."""
    order: int = 50
    """Position in panels and snapshots (smaller first)."""
    overlay: str | None = None
    """Overlay element that draws the view; defaults to the kind's name."""
    draws: bool = True
    """False for a kind that drives something outside the video (the OBS link): no overlay element."""
    timed: bool = False
    """Its view counts down: panels refresh it every second while it is on."""
    controls: tuple[Control, ...] = ()
    confirm_start: Confirm | None = None
    """Asked before a preset of this kind runs (e.g. issuing coupon codes)."""
    actions: dict[str, Action] = field(default_factory=dict)
    preset_action: str | None = None

    @property
    def element(self) -> str | None:
        """The overlay element drawing it; None for a kind that draws nothing (`draws=False`)."""
        return (self.overlay or self.name) if self.draws else None

    def action(self, en: str, zh: str, *, preset: bool = False) -> Callable[[Callable], Callable]:
        """Decorator: register `fn(ix, …, source=…, override_lint=…) -> Result` as an action."""

        def deco(fn: Callable) -> Callable:
            if fn.__name__ in ACTIONS:
                raise ValueError(f"interaction action {fn.__name__!r} is registered twice")
            act = Action(fn.__name__, fn, (en, zh), self.name)
            self.actions[act.name] = act
            ACTIONS[act.name] = act
            if preset:
                self.preset_action = act.name
            return fn

        return deco


KINDS: dict[str, InteractionKind] = {}
ACTIONS: dict[str, Action] = {}


def register(kind: InteractionKind) -> InteractionKind:
    if kind.name in KINDS:
        raise ValueError(f"interaction kind {kind.name!r} is registered twice")
    KINDS[kind.name] = kind
    return kind


_loaded = False


def load_kinds() -> list[InteractionKind]:
    """Import every module in console/interact/kinds so each registers itself; in order."""
    global _loaded
    if not _loaded:
        from . import kinds as package

        for info in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{info.name}")
        _loaded = True
    return sorted(KINDS.values(), key=lambda k: (k.order, k.name))


def kind(name: str) -> InteractionKind:
    load_kinds()
    return KINDS[name]


def action(name: str) -> Action | None:
    load_kinds()
    return ACTIONS.get(name)


def preset_kinds() -> list[str]:
    return [k.name for k in load_kinds() if k.preset_action]
