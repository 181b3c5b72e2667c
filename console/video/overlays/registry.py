"""Overlay elements: each registers itself with its renderer and its layout slot per aspect.

An element module calls `register(Element(...))`. The element names the column it stacks in for
every output aspect (layout.py has the columns); a registered element without a slot for an
aspect, or an interaction kind whose element is not registered, is an error when the compositor
starts — never an element that is silently not drawn.

Elements drawing an interaction kind read that kind's view from the snapshot (`state.get(name)`);
standing elements (the viewer count) read the room and carry a `toggle` label, so the View menu
offers them without knowing them.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, Callable

Text = tuple[str, str]


class LayoutError(ValueError):
    """The overlay registry is inconsistent (a programming error, reported at start)."""


@dataclass(frozen=True, slots=True)
class Slot:
    column: str
    order: int = 0
    """Stacking order inside the column, from its anchored edge."""


@dataclass(frozen=True, slots=True)
class Element:
    name: str
    key: Callable[[Any, int, Any], tuple[Any, Any]]
    """`key(view, width, style)` -> (identity, full key) the tile cache uses."""
    render: Callable[[Any, int, Any], Any]
    """`render(view, width, style)` -> Tile."""
    slots: dict[str, Slot]
    """Output aspect ("16:9", "9:16") -> where it goes."""
    view: Callable[[Any], Any] | None = None
    """`view(state)` -> what to draw or None; default: the interaction kind's view of this name."""
    toggle: Text | None = None
    """Standing elements the host switches on/off (View menu label); None = shown whenever on air."""
    default_on: bool = True

    def view_of(self, state: Any) -> Any:
        return self.view(state) if self.view is not None else state.get(self.name)


ELEMENTS: dict[str, Element] = {}
_loaded = False


def register(element: Element) -> Element:
    if element.name in ELEMENTS:
        raise LayoutError(f"overlay element {element.name!r} is registered twice")
    ELEMENTS[element.name] = element
    return element


def load_elements() -> dict[str, Element]:
    """Import the built-in elements and every el_* module in this package."""
    global _loaded
    if not _loaded:
        package = importlib.import_module(__package__)
        importlib.import_module(f"{__package__}.elements")
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("el_"):
                importlib.import_module(f"{__package__}.{info.name}")
        _loaded = True
    return ELEMENTS


def check(columns: dict[str, tuple[str, ...]], kind_elements: dict[str, str | None]) -> None:
    """Every element has a slot in an existing column for every aspect; every interaction kind's
    element exists. `columns`: aspect -> column names; `kind_elements`: kind -> element name."""
    problems = []
    for el in ELEMENTS.values():
        for aspect, names in columns.items():
            slot = el.slots.get(aspect)
            if slot is None:
                problems.append(f"overlay element {el.name!r} has no layout slot for {aspect}")
            elif slot.column not in names:
                problems.append(f"overlay element {el.name!r} names unknown column {slot.column!r} for {aspect}")
    for kind, element in kind_elements.items():
        if element is None:
            continue  # a kind that draws nothing on the video (the OBS link's cues)
        if element not in ELEMENTS:
            problems.append(f"interaction kind {kind!r} is drawn by overlay element {element!r}, "
                            "which is not registered")
    if problems:
        raise LayoutError("; ".join(problems))
