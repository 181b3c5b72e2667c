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
