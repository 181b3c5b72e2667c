"""Issue 12: a damaged face model turns off only what needs the face; hand items keep being drawn,
and the session log's on-air record lists only what the video really shows."""

from __future__ import annotations

import shutil

import numpy as np

from console.core.hub import SessionHub
from console.core import actions as A
from console.video.tryon.catalog import Catalog
from console.video.tryon.controller import TryOnController
from console.video.tryon.models import KNOWN_SHA256, models_dir
from console.video.tryon.processor import TryOnProcessor
from test_tryon_hand_body import synthetic_hand


def test_hand_items_stay_on_when_the_face_model_is_damaged(tmp_path):
    for name in KNOWN_SHA256:
        shutil.copy(models_dir() / name, tmp_path / name)
    face = tmp_path / "face_landmarker.task"
    face.write_bytes(face.read_bytes()[:100_000])  # truncated: checksum mismatch

    hub = SessionHub()
    logged: list = []
    hub.subscribe(lambda batch: logged.extend(a for a in batch if a.name == A.TRYON_ON_AIR), kinds=["action"])
    controller = TryOnController(hub, Catalog.load())
    controller.put_on("LIP-001")
    controller.put_on("RING-001")
    image, _ = synthetic_hand()
    proc = TryOnProcessor(controller, models_dir=tmp_path, skip_still=False)
    try:
        out = image
        for i in range(8):
            out = proc.process(image.copy(), i * 33)
    finally:
        proc.close()
    assert "Face tracking is unavailable" in controller.status
    assert not np.array_equal(out, image)  # the ring is drawn on the hand
    last = logged[-1].detail
    assert last["skus"] == ["RING-001"] and last["not_drawn"] == ["LIP-001"]
    assert "face_landmarker.task" in last["reason"]
