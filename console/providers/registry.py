"""The one place platforms are found by name.

Each platform is a folder `console/providers/<name>/` whose `__init__.py` calls `register(...)`.
`load_all()` imports every such folder, so adding a platform touches no other module.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from dataclasses import dataclass
from typing import Callable

from .base import Provider, ProviderContext

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PlatformSpec:
    name: str
    display_name: str
    factory: Callable[[ProviderContext], Provider]
    is_demo: bool = False
    credentials: tuple[str, ...] = ()
    """Credential names (keyring key / env suffix), e.g. ("ACCESS_KEY_ID", "ACCESS_KEY_SECRET")."""
    settings: tuple[str, ...] = ()
    """Config keys of its `[<name>]` section, for the settings dialog and the README."""


_REGISTRY: dict[str, PlatformSpec] = {}


def register(spec: PlatformSpec) -> PlatformSpec:
    if spec.name in _REGISTRY and _REGISTRY[spec.name] is not spec:
        raise ValueError(f"platform {spec.name!r} registered twice")
    _REGISTRY[spec.name] = spec
    return spec


def load_all() -> dict[str, PlatformSpec]:
    import console.providers as pkg

    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.ispkg:
            try:
                importlib.import_module(f"{pkg.__name__}.{mod.name}")
            except Exception:  # noqa: BLE001 — one broken adapter must not hide the others
                log.exception("platform adapter %s failed to load", mod.name)
    return dict(_REGISTRY)


def get(name: str) -> PlatformSpec:
    specs = load_all()
    try:
        return specs[name]
    except KeyError:
        raise KeyError(f"unknown platform {name!r}; available: {', '.join(sorted(specs))}") from None


def names() -> list[str]:
    return sorted(load_all())
