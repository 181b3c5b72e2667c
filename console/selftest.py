"""`--self-test`: prove an installed (or source) Live Console has everything it needs to go on air.

Run on every frozen build in CI and by a host's support call ("run the self-test and send me the
output"). Each check prints one line — OK/FAIL/SKIP, what it checked, the detail, milliseconds —
and the exit status is 0 only when nothing failed. A check that cannot run yet because its part of
the app is not in this build says SKIP with the reason, never a fake OK.

The resources folder can be pointed elsewhere (`--resources DIR` or LIVE_CONSOLE_RESOURCES) so a
test can hand it a damaged copy and see the failure named.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.util
import os
import platform
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from console import APP_NAME, __version__
from console.resources import resources_dir

RESOURCES_ENV = "LIVE_CONSOLE_RESOURCES"
_PROVENANCE_ROW = re.compile(r"^\|\s*([\w.-]+\.(?:task|tflite))\s*\|\s*([0-9a-fA-F]{64})\s*\|", re.M)


class Skip(Exception):
    """Raised by a check whose part of the app is not in this build."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    status: str  # "OK", "FAIL" or "SKIP"
    detail: str
    ms: float

    @property
    def failed(self) -> bool:
        return self.status == "FAIL"

    def line(self) -> str:
        return f"{self.status:<5} {self.name:<40} {self.detail}  ({self.ms:.0f} ms)"


def run_check(name: str, fn: Callable[[], str]) -> CheckResult:
    start = time.perf_counter()
    try:
        detail, status = fn(), "OK"
    except Skip as skip:
        detail, status = str(skip), "SKIP"
    except Exception as exc:  # a self-test reports every failure; it never stops at the first
        detail, status = f"{type(exc).__name__}: {exc}".strip(), "FAIL"
        if os.environ.get("LIVE_CONSOLE_SELFTEST_TRACE"):
            traceback.print_exc()
    return CheckResult(name, status, " ".join(detail.split()), (time.perf_counter() - start) * 1000)


# -- models ------------------------------------------------------------------------------------


def expected_models(models_dir: Path) -> dict[str, str]:
    """file name → sha256, from the table in PROVENANCE.md (the single source of truth)."""
    text = (models_dir / "PROVENANCE.md").read_text(encoding="utf-8")
    table = {name: digest.lower() for name, digest in _PROVENANCE_ROW.findall(text)}
    if not table:
        raise ValueError(f"no model rows found in {models_dir / 'PROVENANCE.md'}")
    return table


def _task_for(name: str):
    """The MediaPipe task of the registered tracker that uses model file `name`."""
    from mediapipe.tasks.python import vision

    from console.video.tryon.trackers import for_model_file

    spec = for_model_file(name)
    if spec is None or spec.task is None:
        raise ValueError(f"no tracker uses model {name}")
    return spec.task(vision)


def check_model(path: Path, sha256: str) -> str:
    if not path.is_file():
        raise FileNotFoundError(f"{path.name} is missing from {path.parent}")
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        raise ValueError(f"{path.name} is damaged: sha256 {actual[:12]}... expected {sha256[:12]}...")
    from mediapipe.tasks.python import vision
    from mediapipe.tasks.python.core.base_options import BaseOptions

    task, options_cls, extra = _task_for(path.name)
    # From a buffer, not a path: MediaPipe's native loader trips on non-ASCII install paths.
    options = options_cls(
        base_options=BaseOptions(model_asset_buffer=data),
        running_mode=vision.RunningMode.IMAGE,
        **extra,
    )
    instance = task.create_from_options(options)
    instance.close()
    return f"sha256 ok, {task.__name__} created and closed ({len(data) / 1e6:.1f} MB)"


# -- rendering ---------------------------------------------------------------------------------


def _portrait(resources: Path):
    import cv2

    image = cv2.imread(str(resources / "media" / "astronaut.png"), cv2.IMREAD_COLOR)
    if image is None:
        raise FileNotFoundError(f"demo portrait missing or unreadable in {resources / 'media'}")
    return image


def check_qt() -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage, QImageReader, QPainter
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "live-console"])
    formats = {bytes(f).decode() for f in QImageReader.supportedImageFormats()}
    missing = {"png", "jpeg"} - formats
    if missing:
        raise RuntimeError(f"Qt image formats missing: {', '.join(sorted(missing))}")
    image = QImage(64, 32, QImage.Format.Format_RGB32)
    image.fill(QColor("#202020"))
    painter = QPainter(image)
    painter.setPen(QColor("white"))
    painter.drawText(4, 20, "直播 Live")
    painter.end()
    buffer = QBuffer(data := QByteArray())
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "JPEG"):
        raise RuntimeError("Qt could not encode a JPEG (imageformats plugin not loaded)")
    label = QLabel("self-test")
    label.show()
    app.processEvents()
    label.close()
    detail = f"{app.platformName()} platform, formats png+jpeg, jpeg {data.size()} bytes"
    return f"{detail}, {chinese_glyphs(app.font())}"


CJK_SAMPLE = "直播带货 今天秒杀"


def chinese_glyphs(font) -> str:
    """Which fonts Qt draws Chinese with (after its own fallback), or a note when some characters
    would show as empty boxes (glyph 0, .notdef): the UI and the overlays speak Chinese."""
    from PySide6.QtGui import QTextLayout

    layout = QTextLayout(CJK_SAMPLE, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    runs = layout.glyphRuns()
    boxes = sum(1 for run in runs for index in run.glyphIndexes() if index == 0)
    families = sorted({run.rawFont().familyName() for run in runs})
    if boxes or not runs:
        return f"(no Chinese font: {boxes} of {len(CJK_SAMPLE.replace(' ', ''))} characters as boxes)"
    return f"Chinese text in {', '.join(families)}"


TRYON_SETTLE_FRAMES = 24
"""As the `tryon` command: the still is fed a few times so the face search and smoothing settle."""


def _try_on(resources: Path, image, skus: list[str]):
    """Products from the catalog through the app's own try-on processor on a still →
    (pixels changed, the last frame's Tracking, face found)."""
    import numpy as np

    from console.video.tryon.catalog import Catalog
    from console.video.tryon.controller import TryOnController
    from console.video.tryon.processor import TryOnProcessor

    catalog = Catalog.load(resources / "catalog")
    missing = [sku for sku in skus if sku not in catalog]
    if missing:
        raise RuntimeError(f"{', '.join(missing)} not in the product catalog ({resources / 'catalog'})")
    controller = TryOnController(None, catalog)
    for sku in skus:
        controller.put_on(sku)
    processor = TryOnProcessor(controller, models_dir=resources / "models")
    try:
        out, tracked = image, None
        for i in range(TRYON_SETTLE_FRAMES):
            tracked = processor.track(image, i * 33)
            out = processor.render(image.copy(), i * 33, tracked)
        if processor.error:
            raise RuntimeError(processor.error)
        face = processor.face_found
    finally:
        processor.close()
    changed = int(np.count_nonzero(np.any(out != image, axis=2)))
    if changed == 0:
        raise RuntimeError(f"{' + '.join(skus)} left the picture unchanged")
    return changed, tracked.tracking if tracked else None, face


def check_tryon(resources: Path) -> str:
    """A lipstick from the catalog (the face tracker) on the portrait."""
    from console.video.tryon.catalog import Catalog

    product = next((p for p in Catalog.load(resources / "catalog") if p.item == "lipstick"), None)
    if product is None:
        raise RuntimeError(f"no lipstick in the product catalog ({resources / 'catalog'})")
    changed, _, face = _try_on(resources, _portrait(resources), [product.sku])
    if not face:
        raise RuntimeError("no face found on the demo portrait")
    return f"{product.sku} ({product.item}) applied: face found, {changed} px changed"


HAND_SKU = "RING-001"
BODY_SKUS = ["NECK-001", "TOP-001"]
"""A necklace (pose tracker) and a top (pose + person segmentation) on the portrait."""


def check_hand_tryon(resources: Path) -> str:
    """A ring on the drawn hand: the hand tracker finds it and the ring is drawn."""
    from console.video.tryon.synthetic_hand import synthetic_hand

    image, _ = synthetic_hand()
    changed, tracking, _ = _try_on(resources, image, [HAND_SKU])
    if tracking is None or not tracking.hands:
        raise RuntimeError("the hand tracker found no hand on the drawn hand")
    return f"{HAND_SKU} applied: {len(tracking.hands)} hand found, {changed} px changed"


def check_body_tryon(resources: Path) -> str:
    changed, tracking, _ = _try_on(resources, _portrait(resources), BODY_SKUS)
    if tracking is None or tracking.pose is None:
        raise RuntimeError("the pose tracker found nobody on the demo portrait")
    if tracking.person_mask is None:
        raise RuntimeError("the person segmenter returned no mask on the demo portrait")
    return f"{' + '.join(BODY_SKUS)} applied: pose and person mask found, {changed} px changed"


def check_overlay(resources: Path) -> str:
    """A poll and a countdown drawn into a 720p program frame by the app's overlay compositor."""
    import cv2
    import numpy as np

    from console.interact.views import CountdownView, OverlayState, PollView
    from console.video.overlays.compositor import OverlayCompositor

    portrait = _portrait(resources)
    top = portrait[: portrait.shape[1] * 9 // 16]  # a 16:9 band from the top, face included
    frame = cv2.resize(top, (1280, 720), interpolation=cv2.INTER_CUBIC)
    state = OverlayState(
        poll=PollView("selftest-poll", "今天先试哪支口红？ Which lipstick first?",
                      (("丝绒哑光 Velvet", 12), ("镜面水光 Glass", 7)), 19, 45.0, False),
        countdown=CountdownView("selftest-countdown", "限时秒杀 Flash sale", 90.0, 120.0, True, None, None),
    )
    bare = OverlayCompositor(lambda: OverlayState(), aspect="16:9", lang="zh")
    drawn = OverlayCompositor(lambda: state, aspect="16:9", lang="zh")
    try:
        plain = bare.process(frame.copy(), 0)
        out = drawn.process(frame.copy(), 0)
        placed = sorted(p.kind for p in drawn.last_layout)
        warning = drawn.font_warning
    finally:
        bare.close()
        drawn.close()
    if out.shape != plain.shape:
        raise RuntimeError(f"overlay changed the frame size {plain.shape} -> {out.shape}")
    changed = int(np.count_nonzero(np.any(out != plain, axis=2)))
    if changed == 0 or len(placed) != 2:
        raise RuntimeError(f"the overlay compositor drew {changed} px for {placed or 'nothing'}")
    detail = f"{' + '.join(placed)} drawn, {changed} px"
    return detail + (" (no Chinese font: CJK text may show as boxes)" if warning else "")


def check_store() -> str:
    """A real session through the app's writer: open, log a comment, close, read it back."""
    from console.core.events import Comment, Viewer
    from console.store import queries
    from console.store.writer import SessionStore

    with tempfile.TemporaryDirectory(prefix="live-console-selftest-") as tmp:
        path = Path(tmp) / "selftest.db"
        store = SessionStore(path)
        try:
            session = store.start_session("selftest", is_demo=True, app_version=__version__)
            comment = Comment(
                platform="selftest", msg_id="selftest-1", ts=time.time(),
                viewer=Viewer(id="v1", name="self-test"), text="直播 ok",
            )
            store.enqueue_batch([comment])
            if not store.flush(timeout=10):
                raise RuntimeError("the session log did not write within 10 s")
        finally:
            store.close()
        if store.stats().last_error:
            raise RuntimeError(store.stats().last_error)
        db = queries.open_db(path)
        try:
            events = queries.session_events(db, session)
        finally:
            db.close()
        if [e["msg_id"] for e in events] != ["selftest-1"]:
            raise RuntimeError(f"the logged comment did not come back (got {len(events)} events)")
        return f"SessionStore wrote and read back a session ({path.stat().st_size} bytes)"


# -- runner ------------------------------------------------------------------------------------


def _version_of(module_name: str) -> str:
    module = importlib.import_module(module_name)
    return str(getattr(module, "__version__", "?"))


def checks(resources: Path) -> Iterator[tuple[str, Callable[[], str]]]:
    yield "import cv2", lambda: f"OpenCV {_version_of('cv2')}"
    yield "import mediapipe", lambda: f"MediaPipe {_version_of('mediapipe')}"
    models_dir = resources / "models"
    try:
        table = expected_models(models_dir)
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"

        def provenance_failed() -> str:
            raise RuntimeError(message)

        yield "model provenance", provenance_failed
        table = {}
    for name, digest in table.items():
        yield f"model {name}", (lambda n=name, d=digest: check_model(models_dir / n, d))
    yield "qt offscreen", check_qt
    yield "try-on frame", lambda: check_tryon(resources)
    yield "hand try-on frame", lambda: check_hand_tryon(resources)
    yield "body try-on frame", lambda: check_body_tryon(resources)
    yield "overlay frame", lambda: check_overlay(resources)
    yield "session store", check_store


def run(resources: Path | None = None, out: TextIO | None = None) -> list[CheckResult]:
    out = out or sys.stdout or open(os.devnull, "w")  # a windowed Windows exe has no stdout
    if hasattr(out, "reconfigure"):
        out.reconfigure(errors="replace")  # a cp1252 pipe must not turn a report into a crash
    resources = Path(resources or os.environ.get(RESOURCES_ENV) or resources_dir())
    mode = "frozen" if getattr(sys, "frozen", False) else "source"
    print(
        f"{APP_NAME} {__version__} self-test - {mode}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, resources {resources}",
        file=out,
    )
    results = []
    for name, fn in checks(resources):
        result = run_check(name, fn)
        results.append(result)
        print(result.line(), file=out, flush=True)
    failed = [r.name for r in results if r.failed]
    ok = sum(r.status == "OK" for r in results)
    skipped = sum(r.status == "SKIP" for r in results)
    # Worded on purpose not as "N passed, N failed": CI reads that shape as a test run's summary.
    verdict = "self-test FAILED: " + ", ".join(failed) if failed else "self-test OK"
    print(f"{verdict} - {ok} ok, {skipped} skipped, {len(failed)} with problems", file=out)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="live-console --self-test", description=__doc__.split("\n")[0])
    parser.add_argument("--resources", type=Path, help=f"resources folder to check (or ${RESOURCES_ENV})")
    args = parser.parse_args([] if argv is None else argv)
    results = run(args.resources)
    return 1 if any(r.failed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
