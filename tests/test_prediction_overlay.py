"""The prediction card on the video: drawn from the platform's tallies in every phase, fits beside
everything else in both aspects, and a prediction Twitch refused is not shown to viewers."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from console.interact.prediction import PredictionView
from console.interact.views import OverlayState, PollView
from console.video.demo_camera import DemoCamera
from console.video.overlays.compositor import OverlayCompositor
from console.video.overlays.el_prediction import render_prediction
from console.video.overlays.fonts import shared_fonts
from console.video.overlays.style import Style

OUTCOMES = (("Yes", 3, 1730), ("No", 2, 2800))


def view(phase, winner=None, remaining=42.0):
    return PredictionView("pr1", "Sold out before the break?", OUTCOMES, phase, remaining, winner)


@pytest.fixture(scope="module")
def frame() -> np.ndarray:
    shot = DemoCamera(1280, 720).read(1.5)
    return getattr(shot, "image", shot)


@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
def test_prediction_fits_beside_a_poll_without_overlap(aspect, frame):
    state = OverlayState(poll=PollView("p1", "下一款？", (("A", 3), ("B", 4)), 7, 30.0, False),
                         prediction=view("open"))
    comp = OverlayCompositor(lambda: state, aspect=aspect)
    out = comp.process(frame.copy(), 0)
    rects = {p.kind: p.rect for p in comp.last_layout}
    assert set(rects) == {"poll", "prediction"}
    a, b = rects["poll"], rects["prediction"]
    assert a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1] or a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0]
    cv2.imwrite(f"/tmp/prediction_{aspect.replace(':', 'x')}.png", out)


def test_each_phase_draws_something_different_and_the_winner_is_marked():
    style = Style(1.0, "en", shared_fonts())
    tiles = {phase: render_prediction(view(phase, 0 if phase == "resolved" else None), 420, style)
             for phase in ("starting", "open", "locked", "resolved", "canceled")}
    for name, tile in tiles.items():
        assert tile.w == 420 and tile.h > 100, name
    pixels = [t.premul.tobytes() for t in tiles.values()]
    assert len(set(pixels)) == len(pixels), "every phase reads differently on air"
    zh = render_prediction(view("resolved", 0), 420, Style(1.0, "zh", shared_fonts()))
    assert zh.premul.tobytes() != tiles["resolved"].premul.tobytes()
    cv2.imwrite("/tmp/prediction_resolved_en.png", tiles["resolved"].premul)  # BGR, premultiplied


def test_a_refused_prediction_is_not_on_air(frame):
    comp = OverlayCompositor(lambda: OverlayState(prediction=view("failed")))
    out = comp.process(frame.copy(), 0)
    assert comp.last_layout == [] or all(p.kind != "prediction" for p in comp.last_layout)
    assert np.array_equal(out, OverlayCompositor(lambda: OverlayState()).process(frame.copy(), 0))
