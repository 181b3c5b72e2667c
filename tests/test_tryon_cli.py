"""`live-console tryon` and `live-console bench video` (figures printed, never asserted as times)."""

from __future__ import annotations

import json

import cv2
import numpy as np

from console.__main__ import main


def test_tryon_command_renders_products(tmp_path, portrait_path, capsys):
    out = tmp_path / "out.png"
    rc = main(["tryon", str(portrait_path), "--sku", "LIP-001", "--sku", "GLASS-002", "--sku", "EAR-002",
               "--shade", "LIP-001=2", "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    result = cv2.imread(str(out))
    original = cv2.imread(str(portrait_path))
    assert result.shape == original.shape
    changed = np.abs(result.astype(int) - original.astype(int)).max(axis=2) > 8
    assert 300 < changed.sum() < 0.2 * changed.size  # products drawn, the rest of the picture kept


def test_tryon_command_refuses_clearly(tmp_path, portrait_path, capsys):
    out = tmp_path / "out.png"
    assert main(["tryon", str(portrait_path), "--sku", "NOPE-1", "--out", str(out)]) == 1
    assert "unknown product SKU NOPE-1" in capsys.readouterr().err and not out.exists()

    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a picture")
    assert main(["tryon", str(bad), "--sku", "LIP-001", "--out", str(out)]) == 1
    assert "cannot read the image" in capsys.readouterr().err and not out.exists()

    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((360, 480, 3), 128, np.uint8))
    assert main(["tryon", str(blank), "--sku", "LIP-001", "--out", str(out)]) == 1
    assert "no face found" in capsys.readouterr().err and not out.exists()


def test_bench_video_prints_figures(capsys):
    rc = main(["bench", "video", "--frames", "12", "--latency-frames", "6", "--size", "640x360", "--json"])
    assert rc == 0
    figures = json.loads(capsys.readouterr().out)
    pipes = figures["pipelines"]
    for name in ("every_overlap", "every_sequential", "shipped_moving", "shipped_still"):
        assert pipes[name]["frames"] == 12 and pipes[name]["fps"] > 0 and pipes[name]["tryon_error"] == ""
    # Every-frame runs really ran the landmarker on every frame; the shipped one rests on a still head.
    assert pipes["every_overlap"]["face_inference_share"] == 1.0
    assert pipes["every_sequential"]["face_inference_share"] == 1.0
    assert figures["bare"]["bare_moving"]["fps"] > 0 and figures["ratio_every_frame_inference"] > 0
    assert figures["ratio_still_head"] > 0 and figures["ratio_every_frame_inference_sequential"] > 0
    # The moving source moves more than the still one (the point of having it).
    motion = figures["head_motion"]
    assert motion["moving"]["px_per_frame"] > 2 * motion["still"]["px_per_frame"]
    latency = pipes["every_overlap"]["latency_ms_at_30fps"]
    assert latency["frames"] + latency["dropped"] == 6 and latency["frames"] >= 1  # a busy machine drops some
    stages = pipes["every_overlap"]["stage_median_ms"]
    for key in ("inference.face", "render.lipstick", "render.glasses", "render.earrings", "overlays", "view_conversion"):
        assert key in stages
    assert figures["rss_mb"]["start"] > 0
