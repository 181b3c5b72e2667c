"""The self-test run from source: it passes on a good install and names what is broken otherwise.

Run as a subprocess (as a host or CI runs it), so its QApplication and MediaPipe instances never
share a process with the rest of the suite.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from console.selftest import CheckResult, expected_models, run_check

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "resources" / "models"


def run_selftest(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "console.selftest", *args],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        cwd=ROOT,
    )


def report_lines(stdout: str) -> dict[str, str]:
    """check name → status, from the one-line-per-check report."""
    lines = {}
    for line in stdout.splitlines():
        status, _, rest = line.partition(" ")
        if status in {"OK", "FAIL", "SKIP"}:
            lines[rest.strip().split("  ")[0].strip()] = status
    return lines


@pytest.fixture(scope="module")
def good_run() -> subprocess.CompletedProcess[str]:
    return run_selftest()


def test_selftest_from_source_passes_and_reports_every_check(good_run):
    assert good_run.returncode == 0, good_run.stdout + good_run.stderr
    lines = report_lines(good_run.stdout)
    names = {f"model {name}" for name in expected_models(MODELS)}
    expected = {"import cv2", "import mediapipe", "qt offscreen", "try-on frame", "hand try-on frame",
                "body try-on frame", "overlay frame", "session store"}
    for name in names | expected:
        assert lines.get(name) == "OK", (name, good_run.stdout)
    assert set(lines) == names | expected
    assert good_run.stdout.strip().splitlines()[-1].startswith("self-test OK")
    # Every line carries its duration.
    check_lines = [l for l in good_run.stdout.splitlines() if l.split(" ")[0] == "OK"]
    assert all(l.rstrip().endswith(" ms)") for l in check_lines)
    # The hand and pose trackers really ran (not just their models loaded), and Qt found a
    # Chinese font (os-deps installs Noto CJK; the frozen smoke fails without one).
    detail = {l.partition(" ")[2].strip().split("  ")[0].strip(): l for l in check_lines}
    assert "1 hand found" in detail["hand try-on frame"]
    assert "pose and person mask found" in detail["body try-on frame"]
    assert "Chinese text in " in detail["qt offscreen"]


def test_every_model_in_provenance_exists_with_its_sum():
    table = expected_models(MODELS)
    assert {"face_landmarker.task", "hand_landmarker.task", "pose_landmarker.task"} <= set(table)
    for name, digest in table.items():
        assert hashlib.sha256((MODELS / name).read_bytes()).hexdigest() == digest, name


def _copy_resources(tmp_path: Path) -> Path:
    copy = tmp_path / "resources"
    shutil.copytree(ROOT / "resources", copy, ignore=shutil.ignore_patterns("icons"))
    return copy


def test_corrupted_model_fails_and_is_named(tmp_path):
    resources = _copy_resources(tmp_path)
    victim = resources / "models" / "hand_landmarker.task"
    victim.chmod(victim.stat().st_mode | stat.S_IWUSR)
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the middle of the bundle
    victim.write_bytes(bytes(data))

    result = run_selftest("--resources", str(resources))

    assert result.returncode == 1, result.stdout
    fail_lines = [l for l in result.stdout.splitlines() if l.startswith("FAIL")]
    # The model's own check, and the hand try-on that cannot run without it; nothing else.
    assert len(fail_lines) == 2, result.stdout
    assert all("hand_landmarker.task" in l and "damaged" in l for l in fail_lines), fail_lines
    lines = report_lines(result.stdout)
    assert lines["model hand_landmarker.task"] == lines["hand try-on frame"] == "FAIL"
    assert lines["model face_landmarker.task"] == lines["body try-on frame"] == "OK"
    assert "self-test FAILED: model hand_landmarker.task" in result.stdout


def test_missing_model_fails_and_is_named(tmp_path):
    resources = _copy_resources(tmp_path)
    (resources / "models" / "selfie_segmenter.tflite").unlink()

    result = run_selftest("--resources", str(resources))

    assert result.returncode == 1
    line = next(l for l in result.stdout.splitlines() if "selfie_segmenter.tflite" in l)
    assert line.startswith("FAIL") and "missing" in line


def test_resources_env_var_is_honoured(tmp_path):
    resources = _copy_resources(tmp_path)
    (resources / "models" / "PROVENANCE.md").write_text("no table here\n", encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LIVE_CONSOLE_RESOURCES=str(resources))
    result = subprocess.run(
        [sys.executable, "-m", "console.selftest"], capture_output=True, text=True, timeout=240, env=env
    )
    assert result.returncode == 1
    assert str(resources) in result.stdout.splitlines()[0]
    assert report_lines(result.stdout)["model provenance"] == "FAIL"


def test_run_check_reports_failure_without_raising():
    def broken() -> str:
        raise ValueError("bad\nthing")

    result = run_check("demo", broken)
    assert isinstance(result, CheckResult)
    assert result.failed and result.detail == "ValueError: bad thing"
    assert result.line().startswith("FAIL  demo")


def test_chinese_glyph_report_names_the_font_or_the_boxes(qapp):
    from PySide6.QtGui import QFont

    from console.selftest import chinese_glyphs

    assert chinese_glyphs(qapp.font()).startswith("Chinese text in ")
    latin_only = QFont("DejaVu Sans")
    latin_only.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)  # no fallback to a CJK font
    assert chinese_glyphs(latin_only).startswith("(no Chinese font: 8 of 8 characters as boxes)")
