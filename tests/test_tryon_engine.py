"""Try-on engine: model checks, smoothing, hold/fade, the processor, the demo camera."""

from __future__ import annotations

import shutil

import cv2
import numpy as np
import pytest

from console.video.tryon import geometry as g
from console.video.tryon.catalog import Catalog
from console.video.tryon.controller import TryOnController
from console.video.tryon.models import KNOWN_SHA256, ModelError, load_model, models_dir, provenance_sums
from console.video.tryon.processor import TryOnProcessor
from console.video.tryon.smoothing import OneEuro, Presence
from console.video.tryon.tasks import Timestamps
from test_tryon_helpers import track_still


@pytest.fixture(scope="module")
def catalog():
    return Catalog.load()


@pytest.fixture(scope="module")
def portrait(portrait_path):
    return cv2.imread(str(portrait_path))


def test_checksum_table_matches_provenance():
    assert provenance_sums() == KNOWN_SHA256


def test_vendored_models_verify():
    assert len(load_model("face_landmarker.task", "face")) > 1_000_000


@pytest.mark.parametrize("damage", ["truncate", "flip", "missing"])
def test_damaged_face_model_turns_tryon_off_with_a_clear_message(tmp_path, catalog, portrait, damage):
    for name in KNOWN_SHA256:
        shutil.copy(models_dir() / name, tmp_path / name)
    target = tmp_path / "face_landmarker.task"
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[: 100_000])
    elif damage == "flip":
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0xFF
        target.write_bytes(bytes(data))
    else:
        target.unlink()
    with pytest.raises(ModelError) as info:
        load_model("face_landmarker.task", "face", tmp_path)
    text = str(info.value)
    assert text.startswith("Face tracking is unavailable: the model file face_landmarker.task")
    assert ("missing" in text) and "Items that need it are off; everything else keeps working." in text
    if damage != "missing":
        assert "checksum mismatch" in text

    controller = TryOnController(None, catalog)
    statuses = []
    controller.subscribe(lambda: statuses.append(controller.status))
    controller.put_on("LIP-001")
    proc = TryOnProcessor(controller, models_dir=tmp_path)
    try:
        out = proc.process(portrait.copy(), 0)
        out2 = proc.process(portrait.copy(), 33)  # stays off, still no crash
    finally:
        proc.close()
    assert np.array_equal(out, portrait)  # passes through untouched
    assert proc.error == text and controller.status == text and statuses[-1] == text
    assert np.array_equal(out2, portrait)


def test_timestamps_strictly_increase():
    ts = Timestamps()
    assert [ts.next(t) for t in (5, 5, 3, 10, 10)] == [5, 6, 7, 10, 11]


def test_one_euro_reduces_jitter_and_follows_motion():
    rng = np.random.default_rng(1)
    f = OneEuro(min_cutoff=1.2, beta=0.04)
    raw, out = [], []
    for i in range(120):
        x = np.array([100.0, 50.0]) + rng.normal(0, 1.5, 2)
        raw.append(x)
        out.append(f(x, i / 30))
    assert np.std(np.array(out[30:]), axis=0).max() < 0.5 * np.std(np.array(raw[30:]), axis=0).min()
    # A fast move is followed, not left behind.
    for i in range(120, 150):
        y = f(np.array([100.0 + (i - 120) * 20.0, 50.0]), i / 30)
    assert abs(y[0] - (100 + 29 * 20)) < 40


def test_presence_holds_then_fades_never_snaps():
    p = Presence(hold_s=0.3, fade_out_s=0.35, fade_in_s=0.12)
    alphas = [p.update(True, i / 30) for i in range(10)]
    assert alphas[0] < 1 and alphas[-1] == 1.0 and all(b >= a for a, b in zip(alphas, alphas[1:]))
    lost = [p.update(False, (10 + i) / 30) for i in range(40)]
    t_hold = int(0.3 * 30)
    assert all(a == 1.0 for a in lost[: t_hold - 1])
    steps = np.abs(np.diff([1.0, *lost]))
    assert steps.max() < 0.2  # no snap
    assert lost[-1] == 0.0 and p.gone


def test_smoothing_reduces_landmark_jitter_on_noisy_still(portrait):
    rng = np.random.default_rng(7)
    frames = [
        np.clip(portrait.astype(np.int16) + rng.normal(0, 20, portrait.shape).astype(np.int16), 0, 255).astype(np.uint8)
        for _ in range(24)
    ]
    from console.video.tryon.face_tracker import FaceTracker

    spreads = {}
    for smooth in (False, True):
        tracker = FaceTracker(smooth=smooth, skip_still=False)
        pts = []
        try:
            for i, frame in enumerate(frames):
                track = tracker.update(frame, None, i * 33)
                if i >= 8:
                    pts.append(track.landmarks[:, :2].copy())
        finally:
            tracker.close()
        # Jitter = frame-to-frame movement of landmarks on a picture that does not move.
        spreads[smooth] = float(np.abs(np.diff(np.stack(pts), axis=0)).mean())
    assert spreads[False] > 0.02  # the noise really does shake the raw landmarks
    assert spreads[True] < 0.6 * spreads[False]


def test_no_face_leaves_frame_untouched(catalog):
    controller = TryOnController(None, catalog)
    for sku in ("LIP-001", "GLASS-001", "EAR-001", "HAT-001"):
        controller.put_on(sku)
    proc = TryOnProcessor(controller)
    rng = np.random.default_rng(3)
    base = cv2.GaussianBlur(rng.integers(0, 255, (360, 640, 3), dtype=np.uint8), (0, 0), 8)
    try:
        outs = [proc.process(base.copy(), i * 33) for i in range(6)]
        found = proc.face_found
    finally:
        proc.close()
    assert all(np.array_equal(out, base) for out in outs)
    assert not found and proc.error == ""


def test_processor_split_keeps_before_on_the_left(catalog, portrait):
    track = track_still(portrait)
    lips_x = track.landmarks[g.LIPS_OUTER, 0]
    mid = int(round(float(lips_x.mean())))
    controller = TryOnController(None, catalog)
    controller.put_on("LIP-001")
    controller.set_split(mid / portrait.shape[1])
    proc = TryOnProcessor(controller)
    for i in range(12):
        out = proc.process(portrait.copy(), i * 33)
    proc.close()
    assert lips_x.min() < mid - 5 < mid + 5 < lips_x.max()  # the wipe crosses the mouth
    diff = np.abs(out.astype(int) - portrait.astype(int)).sum(axis=2)
    handle = slice(256 - 16, 256 + 16)  # the wipe's round handle sits mid-height
    diff[handle] = 0
    assert diff[:, : mid - 3].max() == 0  # before: untouched
    assert diff[:, mid + 3 :].max() > 30  # after: lipstick
    assert "render.lipstick" in proc.medians() and "inference.face" in proc.medians()


def test_demo_camera_face_is_found_and_roll_followed():
    from console.video.demo_camera import DemoCamera

    cam = DemoCamera(seed=0)
    from console.video.tryon.face_tracker import FaceTracker

    tracker = FaceTracker()
    rolls, demo_rolls, found = [], [], []
    try:
        for i in range(60):
            t = i * 0.5  # large steps: a wide range of head roll in few frames
            track = tracker.update(cam.read(t), None, i * 33)
            found.append(tracker.found_last_frame)
            if track is not None and tracker.found_last_frame and i > 10:
                rolls.append(g.roll_degrees(track.landmarks))
                demo_rolls.append(cam.pose_at(t)[0])
    finally:
        tracker.close()
    assert found.index(True) <= 6  # window search finds the small face quickly
    assert sum(found) > 45
    # getRotationMatrix2D's positive angle turns the picture anticlockwise: eye-line angle falls.
    corr = np.corrcoef(rolls, demo_rolls)[0, 1]
    assert corr < -0.8, corr


def test_still_head_skips_every_other_inference_moving_head_does_not(portrait):
    from console.video.tryon.face_tracker import FaceTracker

    tracker = FaceTracker()
    try:
        for i in range(30):
            track = tracker.update(portrait, None, i * 33)
    finally:
        tracker.close()
    assert track is not None and track.alpha == 1.0
    assert 0.35 < tracker.skipped / 30 <= 0.5  # never two skips in a row

    tracker = FaceTracker()
    h, w = portrait.shape[:2]
    try:
        for i in range(30):
            shift = np.float32([[1, 0, 6 * i % 60 - 30], [0, 1, 0]])  # 6 px a frame: a moving head
            tracker.update(cv2.warpAffine(portrait, shift, (w, h), borderMode=cv2.BORDER_REFLECT), None, i * 33)
    finally:
        tracker.close()
    assert tracker.skipped <= 3


def test_lost_face_holds_then_fades_items_out(catalog, portrait):
    controller = TryOnController(None, catalog)
    controller.put_on("GLASS-001")
    proc = TryOnProcessor(controller)
    blank = np.full_like(portrait, 120)
    amounts = []
    try:
        for i in range(12):
            proc.process(portrait.copy(), i * 33)
        for i in range(12, 40):  # the host steps out of the picture
            out = proc.process(blank.copy(), i * 33)
            amounts.append(int(np.abs(out.astype(int) - blank.astype(int)).sum()))
    finally:
        proc.close()
    full = amounts[0]
    assert full > 0
    assert all(a == full for a in amounts[:8])  # held for ~0.3 s at full strength
    fading = amounts[8:]
    assert all(b <= a for a, b in zip(fading, fading[1:]))  # then only ever fainter
    assert fading[-1] == 0  # and gone
    steps = np.abs(np.diff(amounts)) / full
    assert steps.max() < 0.25  # no snap: each frame changes at most a quarter of the strength
