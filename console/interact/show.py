"""Run-of-show: a TOML file of product segments and timed cues, fired by the clock or the producer.

    title = "Lipstick night"
    [[segment]]                      # what is on air, in order
    sku = "LIP-001"                  # a product of resources/catalog/ (name and price from there)
    duration_s = 30
    tryon = true                     # put it on the host (default: when it has a try-on)
    [[cue]]                          # what happens, at an offset from the start of the show
    id = "vote"
    at_s = 5
    action = "open_poll"             # a registered interaction action, or stop / run_preset
    question = "Which shade next?"
    options = ["Ruby", "Coral"]

Every other key of a cue is passed to that method; a file that names an unknown action or a
setting the method does not take is refused at load time, with the cue's id in the message.
Cues fire with source=CUE, so the log tells the run-of-show apart from the host's clicks.
"""

from __future__ import annotations

import inspect
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.commerce.catalog import Catalog, shared_catalog
from console.core import actions as A
from console.core.clock import Clock
from console.core.events import ActionSource
from console.i18n import pick
from console.messages import M
from console.validate.params import signature_problem
from console.validate.show_schema import check_cue, check_segment

from . import registry
from .controller import Interactions
from .outbox import Outbox
from .results import Result, ok, refused

CONTROL_ACTIONS = ("stop", "run_preset")
"""Cue actions that are not a kind's own: take any kind off the video, run a preset."""


def cue_actions() -> tuple[str, ...]:
    """Every action a cue may name: the registered kinds' actions, then stop / run_preset."""
    return (*(name for k in registry.load_kinds() for name in k.actions), *CONTROL_ACTIONS)
_RESERVED = {"id", "at_s", "action", "note"}


class ShowFileError(ValueError):
    """The run-of-show file cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Segment:
    sku: str
    name: str
    duration_s: float
    start_s: float
    price: float | None = None
    tryon: bool | None = None
    """Put the product on the host when the segment starts; None = when it has a try-on."""


@dataclass(frozen=True, slots=True)
class Cue:
    id: str
    at_s: float
    action: str
    params: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True, slots=True)
class Show:
    title: str
    segments: tuple[Segment, ...]
    cues: tuple[Cue, ...]

    @property
    def duration_s(self) -> float:
        last_cue = max((c.at_s for c in self.cues), default=0.0)
        return max(sum(s.duration_s for s in self.segments), last_cue)

    def segment_at(self, elapsed_s: float) -> Segment | None:
        for seg in self.segments:
            if seg.start_s <= elapsed_s < seg.start_s + seg.duration_s:
                return seg
        return None


def _check_params(cue_id: str, action: str, params: dict[str, Any]) -> None:
    registered = registry.action(action)
    fn = registered.fn if registered is not None else getattr(Interactions, action)
    found = signature_problem(fn, params)  # unknown or missing settings, in the host's words
    problem = found[1] if found else None
    if problem is None:
        try:
            inspect.signature(fn).bind(None, **params)
        except TypeError as exc:
            problem = str(exc)
    if problem:
        raise ShowFileError(pick(f"cue {cue_id!r} ({action}): {problem}", f"提示 {cue_id!r}（{action}）：{problem}"))


def parse_show(data: dict[str, Any], name: str = "show", catalog: Catalog | None = None,
               problems: list[str] | None = None) -> Show:
    """`catalog` (default: the shipped one) gives segments their names and prices; a segment
    whose product is neither in it nor named in the file is refused.

    Every cue and segment is checked here (console/validate/show_schema.py). Without `problems`
    the first bad entry refuses the file (ShowFileError); with it, bad entries are skipped, each
    with a note appended there, and the rest of the show loads (what the app does)."""
    catalog = catalog if catalog is not None else shared_catalog()

    def bad(message: str) -> None:
        if problems is None:
            raise ShowFileError(message)
        problems.append(pick(f"{message}; skipped", f"{message}；已跳过"))

    segments: list[Segment] = []
    start = 0.0
    entries = data.get("segment", [])
    for i, raw in enumerate(entries if isinstance(entries, list) else [entries], 1):
        found = check_segment(raw, i)
        if found:
            for p in found:
                bad(pick(f"{name}: {p}", f"{name}：{p}"))
            continue
        try:
            duration = float(raw["duration_s"])
            sku = str(raw["sku"])
            product = catalog.find(sku)
            if product is None and "name" not in raw:
                raise ShowFileError(pick(f"{name}: segment {i} names {sku}, which is not in the product catalog "
                                         "(add it to resources/catalog/, or give the segment a name and price)",
                                         f"{name}：第 {i} 段的 {sku} 不在商品目录中"
                                         "（请加入 resources/catalog/，或为该段写上 name 和 price）"))
            price = float(raw["price"]) if "price" in raw else (product.price if product else None)
            tryon = raw.get("tryon")
            if tryon is not None and not isinstance(tryon, bool):
                raise ShowFileError(pick(f"{name}: segment {i} ({sku}): tryon must be true or false",
                                         f"{name}：第 {i} 段（{sku}）：tryon 应为 true 或 false"))
            seg = Segment(sku, str(raw.get("name") or f"{product.name_zh} {product.name_en}"), duration, start,
                          price, tryon)
        except (KeyError, TypeError, ValueError) as exc:
            bad(str(exc) if isinstance(exc, ShowFileError) else pick(f"{name}: segment {i} needs sku and duration_s ({exc})",
                                                                     f"{name}：第 {i} 段需要 sku 和 duration_s（{exc}）"))
            continue
        segments.append(seg)
        start += duration
    cues: list[Cue] = []
    seen: set[str] = set()
    entries = data.get("cue", [])
    for i, raw in enumerate(entries if isinstance(entries, list) else [entries], 1):
        try:
            cues.append(_parse_cue(raw, i, name, seen))
        except ShowFileError as exc:
            bad(str(exc))
    cues.sort(key=lambda c: c.at_s)  # stable: same-time cues keep file order
    return Show(str(data.get("title", name)), tuple(segments), tuple(cues))


def _parse_cue(raw: Any, i: int, name: str, seen: set[str]) -> Cue:
    if not isinstance(raw, dict):
        raise ShowFileError(pick(f"{name}: cue {i} is not a table ([[cue]] with keys under it)",
                                 f"{name}：第 {i} 个提示不是表（[[cue]] 下面写键）"))
    cue_id = str(raw.get("id") or f"cue-{i}")
    if cue_id in seen:
        raise ShowFileError(pick(f"{name}: two cues are called {cue_id!r}", f"{name}：有两个提示都叫 {cue_id!r}"))
    seen.add(cue_id)
    action = raw.get("action")
    if not isinstance(action, str) or action not in cue_actions():
        raise ShowFileError(pick(f"{name}: cue {cue_id!r} has unknown action {action!r} (one of: {', '.join(cue_actions())})",
                                 f"{name}：提示 {cue_id!r} 的动作 {action!r} 未知（可选：{'、'.join(cue_actions())}）"))
    try:
        at_s = float(raw["at_s"])
    except (KeyError, TypeError, ValueError):
        raise ShowFileError(pick(f"{name}: cue {cue_id!r} needs at_s (seconds from the start)",
                                 f"{name}：提示 {cue_id!r} 需要 at_s（从开始算起的秒数）")) from None
    if at_s < 0:
        raise ShowFileError(pick(f"{name}: cue {cue_id!r} is before the show starts (at_s < 0)",
                                 f"{name}：提示 {cue_id!r} 在节目开始之前（at_s < 0）"))
    params = {k: v for k, v in raw.items() if k not in _RESERVED}
    if "source" in params:
        raise ShowFileError(pick(f"{name}: cue {cue_id!r} may not set source (cues are always CUE)",
                                 f"{name}：提示 {cue_id!r} 不能设置 source（提示的来源总是 CUE）"))
    _check_params(cue_id, action, params)
    found = check_cue(raw, cue_id, action, params)
    if found:
        raise ShowFileError(pick(f"{name}: " + "; ".join(found), f"{name}：" + "；".join(found)))
    return Cue(cue_id, at_s, action, params, str(raw.get("note", "")))


def load_show(path: Path | str, catalog: Catalog | None = None, problems: list[str] | None = None) -> Show:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ShowFileError(pick(f"Cannot open the run-of-show {path}: {exc.strerror or exc}",
                                 f"无法打开节目单 {path}：{exc.strerror or exc}")) from None
    except tomllib.TOMLDecodeError as exc:
        raise ShowFileError(pick(f"{path.name} is not valid TOML: {exc}", f"{path.name} 不是有效的 TOML：{exc}")) from None
    return parse_show(data, path.name, catalog, problems)


class ShowRunner:
    def __init__(self, show: Show, controller: Interactions, clock: Clock | None = None) -> None:
        self.show = show
        self.controller = controller
        self.clock = clock or controller.clock
        self._outbox = Outbox(self.clock)
        self._started: float | None = None
        self.status: dict[str, str] = {c.id: "pending" for c in show.cues}
        """cue id -> "pending" | "fired" | "failed" | "skipped"."""
        self.results: dict[str, Result] = {}
        self.auto_fire = True
        """False: cues wait for the producer's "Fire now"; tick() still runs the engines' timers."""
        self._segment: Segment | None = None

    def start(self) -> None:
        if self._started is not None:
            return
        self._started = self.clock.monotonic()
        self._outbox.emit(A.SHOW_START, {"title": self.show.title, "cues": len(self.show.cues),
                                         "segments": len(self.show.segments)}, ActionSource.CUE)
        self._publish()

    def elapsed(self) -> float:
        return 0.0 if self._started is None else self.clock.monotonic() - self._started

    def current_segment(self) -> Segment | None:
        return self.show.segment_at(self.elapsed())

    @property
    def finished(self) -> bool:
        return all(s != "pending" for s in self.status.values())

    def upcoming(self, n: int = 5) -> list[Cue]:
        return [c for c in self.show.cues if self.status[c.id] == "pending"][:n]

    def _cue(self, cue_id: str) -> Cue | None:
        return next((c for c in self.show.cues if c.id == cue_id), None)

    def fire(self, cue_id: str) -> Result:
        """Fire a pending cue now (the producer's "go early"; tick() uses it when time comes)."""
        cue = self._cue(cue_id)
        if cue is None:
            return refused("cue.unknown", cue=cue_id)
        if self.status[cue.id] != "pending":
            return refused("cue.done_already", cue=cue_id, status=M(f"cue.status.{self.status[cue.id]}"))
        self.start()
        early = self.elapsed() < cue.at_s
        try:
            result = getattr(self.controller, cue.action)(**cue.params, source=ActionSource.CUE)
        except (TypeError, ValueError, KeyError) as exc:
            result = refused("cue.failed", cue=cue_id, error=str(exc))
        self.status[cue.id] = "fired" if result.ok else "failed"
        self.results[cue.id] = result
        self._outbox.emit(A.CUE_FIRE, {"cue_id": cue.id, "action": cue.action, "early": early,
                                       "ok": result.ok, "message": result.msg.text("en"),
                                       "message_key": result.msg.key}, ActionSource.CUE)
        self._publish()
        return result

    def skip(self, cue_id: str) -> Result:
        cue = self._cue(cue_id)
        if cue is None or self.status[cue.id] != "pending":
            return refused("cue.not_pending", cue=cue_id)
        self.status[cue.id] = "skipped"
        self._outbox.emit(A.CUE_SKIP, {"cue_id": cue.id, "action": cue.action}, ActionSource.CUE)
        self._publish()
        return ok("cue.skipped", cue=cue_id)

    def tick(self) -> list[Result]:
        """Fire every cue whose time has come (in order), then let the engines' timers run."""
        self.start()
        now = self.elapsed()
        self._enter_segment(self.show.segment_at(now))
        fired = [self.fire(c.id) for c in self.show.cues
                 if self.auto_fire and self.status[c.id] == "pending" and c.at_s <= now]
        return fired + self.controller.tick()

    def _enter_segment(self, seg: Segment | None) -> None:
        """A new segment is on air: say so once (the try-on follows it, the log records it)."""
        if seg is None or seg is self._segment:
            return
        self._segment = seg
        product = self.controller.catalog.find(seg.sku)
        has_tryon = bool(product and product.has_tryon)
        self._outbox.emit(A.SHOW_SEGMENT, {
            "index": self.show.segments.index(seg), "sku": seg.sku, "name": seg.name, "price": seg.price,
            "tryon": has_tryon if seg.tryon is None else bool(seg.tryon and has_tryon)}, ActionSource.CUE)
        self._publish()

    def _publish(self) -> None:
        actions = self._outbox.drain()
        if actions:
            self.controller.hub.publish_batch(actions)
