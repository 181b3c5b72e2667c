"""MediaPipe/TFLite start-up chatter stays off stderr unless --verbose; real messages get through."""

import subprocess
import sys
from pathlib import Path

from console.native_logs import is_chatter

ROOT = Path(__file__).resolve().parent.parent
PORTRAIT = ROOT / "resources" / "media" / "astronaut.png"


def test_chatter_lines_are_recognised_and_errors_are_not():
    assert is_chatter(b"W0000 00:00:1796288523.322606   25247 face_landmarker_graph.cc:181] Sets FaceBlendshapesGraph")
    assert is_chatter(b"I0000 00:00:1796288523.322606   25247 gl_context.cc:369] GL version")
    assert is_chatter(b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.")
    assert is_chatter(b"WARNING: Logging before InitGoogle() is written to STDERR")
    assert is_chatter(b"INFO: [environment.cc:36] Creating LiteRT environment with options")
    assert is_chatter(b"INFO: [accelerator_registry.cc:54] RegisterAccelerator: ptr=0x7fd8b00335d0, name=CpuAccelerator")
    assert is_chatter(b"WARNING: [model_load.cc:402] Sparsity tensors may not yet be fully supported.")
    assert is_chatter(b"WARNING: Read-only tensor #3 (model_1/model/up_sampling2d_1/mul) has an unaligned buffer "
                      b"(0x7fd8cc68620e, required alignment 4); copying to an aligned heap buffer.")
    assert not is_chatter(b"ERROR: [model_load.cc:90] Failed to load the model")
    assert not is_chatter(b"E0000 00:00:1796288523.322606   25247 calculator_graph.cc:887] INTERNAL: model broken")
    assert not is_chatter(b"F0000 00:00:1796288523.322606   25247 check.cc:1] Check failed")
    assert not is_chatter(b"live-console: could not start: the camera is busy")
    assert not is_chatter(b"Traceback (most recent call last):")


def _tryon(tmp_path, *extra):
    out = tmp_path / "out.png"
    return subprocess.run(
        [sys.executable, "-m", "console", "tryon", str(PORTRAIT), "--sku", "LIP-001", "--out", str(out), *extra],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )


def test_a_real_run_is_quiet_unless_verbose(tmp_path):
    quiet = _tryon(tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert "wrote" in quiet.stdout
    lines = [line for line in quiet.stderr.splitlines() if line.strip()]
    assert not [line for line in lines if is_chatter(line.encode())], quiet.stderr

    verbose = _tryon(tmp_path, "--verbose")
    assert verbose.returncode == 0
    # The same run with --verbose shows MediaPipe's start-up lines: the filter is what hid them.
    assert any(is_chatter(line.encode()) for line in verbose.stderr.splitlines()), verbose.stderr


def test_errors_still_reach_stderr_when_quiet(tmp_path):
    result = _tryon(tmp_path, "--sku", "NO-SUCH-SKU")
    assert result.returncode != 0
    assert "NO-SUCH-SKU" in result.stderr


def test_the_self_test_loading_hand_and_pose_models_is_quiet_unless_verbose():
    """The hand and pose models start LiteRT, whose lines look unlike MediaPipe's glog ones."""
    def run(*extra):
        return subprocess.run([sys.executable, "-m", "console", "--self-test", *extra], capture_output=True, text=True,
                              timeout=300, cwd=ROOT, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})

    quiet = run()
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    assert "HandLandmarker" in quiet.stdout
    noisy = [line for line in quiet.stderr.splitlines() if line.startswith(("INFO:", "WARNING: [", "WARNING: Read-only"))]
    assert not noisy, quiet.stderr
    verbose = run("--verbose")
    assert "LiteRT" in verbose.stderr or "XNNPACK" in verbose.stderr  # the filter, not the library, kept it quiet
