"""Extension points: interaction kinds, overlay elements and trackers are registrations.

The "question of the moment" kind, the viewer-count element and the blur-background tracker
were each added as one module; these tests drive them through the real controller, show runner,
triggers panel, compositor and try-on processor.
"""

from __future__ import annotations

import numpy as np
import pytest

from console.core import actions as A
from console.core.events import ActionSource, ViewerCount
from console.interact import registry
from console.interact.presets import Preset
from console.interact.show import ShowRunner, parse_show
from console.video.overlays import registry as overlays
from console.video.overlays.compositor import OverlayCompositor
from console.video.overlays.layout import LAYOUTS


def _frame():
    return np.full((720, 1280, 3), 90, np.uint8)


def test_question_kind_runs_from_the_controller_a_cue_and_a_preset(room):
    hub, clock, ix, log = room
    res = ix.show_question("Does it transfer onto a mask?", viewer_name="小雨")
    assert res.ok
    view = ix.snapshot().question
    assert (view.viewer_name, view.text) == ("小雨", "Does it transfer onto a mask?")
    assert ix.stop("question").ok and ix.snapshot().question is None
    assert [a.name for a in log][-2:] == ["question.show", A.OVERLAY_CLEAR]
    assert not ix.show_question("   ").ok

    show = parse_show({"cue": [{"id": "q", "at_s": 0, "action": "show_question", "text": "Shade for olive skin?"}]})
    runner = ShowRunner(show, ix)
    runner.tick()
    assert runner.status["q"] == "fired" and ix.snapshot().question.text == "Shade for olive skin?"
    assert log[-1].source is ActionSource.CUE or any(a.source is ActionSource.CUE for a in log)

    ix.presets.append(Preset("faq", "FAQ", "常见问题", "question", {"text": "Is it vegan?"}))
    assert ix.run_preset("faq").ok and ix.snapshot().question.text == "Is it vegan?"


def test_a_cue_with_a_field_the_kind_does_not_declare_is_refused_at_load():
    from console.interact.show import ShowFileError

    with pytest.raises(ShowFileError, match="q"):
        parse_show({"cue": [{"id": "q", "at_s": 0, "action": "show_question", "txt": "typo"}]})


def test_question_card_is_drawn_in_its_slot(room):
    hub, clock, ix, _ = room
    comp = OverlayCompositor(ix.snapshot, aspect="16:9")
    bare = comp.process(_frame(), 0)
    assert comp.last_layout == []
    ix.show_question("Will the gloss stick to my hair?", viewer_name="Mia")
    out = comp.process(_frame(), 40)
    (placed,) = comp.last_layout
    assert placed.kind == "question" and placed.column == "bottom-left"
    x, y, w, h = placed.rect
    assert np.abs(out[y:y + h, x:x + w].astype(int) - bare[y:y + h, x:x + w]).mean() > 5
    assert y + h > 720 // 2  # bottom column: the host's face stays clear


def test_viewer_count_is_a_standing_element_switched_on_by_the_host(room):
    hub, clock, ix, _ = room
    hub.publish(ViewerCount("demo", "vc1", 0.0, None, 12_345))
    assert ix.snapshot().room.viewers == 12_345
    comp = OverlayCompositor(ix.snapshot, aspect="16:9", lang="en")
    comp.process(_frame(), 0)
    assert comp.last_layout == []  # off by default
    comp.set_enabled("viewers", True)
    bare = _frame()
    out = comp.process(bare.copy(), 10)
    (placed,) = comp.last_layout
    assert placed.kind == "viewers" and placed.column == "top-left"
    x, y, w, h = placed.rect
    assert y < 720 // 4 and w < 1280 * 0.29
    assert np.abs(out[y:y + h, x:x + w].astype(int) - bare[y:y + h, x:x + w]).mean() > 5


def test_an_element_without_a_slot_is_an_error_at_start(room):
    hub, clock, ix, _ = room
    overlays.load_elements()
    overlays.register(overlays.Element("nowhere", lambda v, w, s: (1, 1), lambda v, w, s: None,
                                       {"16:9": overlays.Slot("top-left")}, view=lambda s: None))
    try:
        with pytest.raises(overlays.LayoutError, match="nowhere.*9:16"):
            OverlayCompositor(ix.snapshot)
    finally:
        del overlays.ELEMENTS["nowhere"]


def test_a_kind_without_its_overlay_element_is_an_error_at_start(room, monkeypatch):
    hub, clock, ix, _ = room
    monkeypatch.setattr(registry.KINDS["question"], "overlay", "question_card_missing")
    with pytest.raises(overlays.LayoutError, match="question"):
        OverlayCompositor(ix.snapshot)


def test_every_registered_element_has_a_slot_in_every_layout():
    overlays.load_elements()
    overlays.check({a: tuple(c.name for c in cols) for a, cols in LAYOUTS.items()},
                   {k.name: k.element for k in registry.load_kinds()})
    assert {"question", "viewers", "poll", "lottery"} <= set(overlays.ELEMENTS)


def test_skin_tone_tracker_is_registered_and_run_after_face_for_blush():
    from console.video.tryon.base import RENDERERS
    from console.video.tryon.catalog import load_renderers
    from console.video.tryon.trackers import run_order

    load_renderers()
    assert "skin_tone" in RENDERERS["blush"].needs
    assert [s.name for s in run_order(RENDERERS["blush"].needs)] == ["face", "skin_tone"]
    with pytest.raises(KeyError, match="no tracker"):
        run_order({"unheard_of"})


def test_skin_tone_reads_lighter_and_deeper_patches_apart():
    from console.video.tryon.base import FaceTrack
    from console.video.tryon.skin_tone_tracker import SkinToneTracker

    lm = np.zeros((478, 3), np.float32)
    lm[:, 0] = np.linspace(400, 880, 478)  # a face ~480 px wide
    lm[:, 1] = 360
    face = FaceTrack(lm)
    light = SkinToneTracker()
    deep = SkinToneTracker()
    for _ in range(40):
        t_light = light.update(np.full((720, 1280, 3), (170, 195, 235), np.uint8), face)
        t_deep = deep.update(np.full((720, 1280, 3), (40, 60, 95), np.uint8), face)
    assert t_light.ita > 28 and t_light.depth == 0.0
    assert t_deep.ita < 0 and t_deep.depth > 0.5
    assert light.update(np.zeros((720, 1280, 3), np.uint8), None) == t_light  # face lost: holds


def test_the_processor_runs_the_skin_tone_tracker_on_the_portrait(portrait_path):
    import cv2

    from console.video.tryon.controller import TryOnController
    from console.video.tryon.processor import TryOnProcessor

    ctl = TryOnController()
    sku = next(p.sku for p in ctl.catalog if p.item == "blush")
    ctl.put_on(sku)
    proc = TryOnProcessor(ctl, skip_still=False)
    image = cv2.imread(str(portrait_path))
    try:
        for i in range(4):
            proc.process(image.copy(), i * 33)
        assert "inference.skin_tone" in proc.last_timings and proc.face_found
    finally:
        proc.close()


def test_edited_presets_apply_without_the_window(tmp_path, room):
    """Preset persistence lives with the presets: a headless run uses the host's edits too."""
    from dataclasses import replace

    from console.interact.presets import load_presets, save_user_preset

    hub, clock, _, _ = room
    path = tmp_path / "presets_user.json"
    shipped = {p.id: p for p in load_presets(user_path=path)}
    edited = replace(shipped["shade_vote"], params={**shipped["shade_vote"].params, "duration_s": 90})
    save_user_preset(edited, path)
    from console.interact.controller import Interactions

    ix = Interactions(hub, clock, presets=load_presets(user_path=path))
    assert ix.run_preset("shade_vote").ok and ix.snapshot().poll.remaining_s == 90
    path.write_text("{not json", encoding="utf-8")  # a damaged file: the shipped presets, no crash
    assert {p.id: p for p in load_presets(user_path=path)}["shade_vote"].params["duration_s"] == 60
