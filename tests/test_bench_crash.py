"""`live-console bench crash`, tiny: one kill -9 of the real headless app with a lottery open."""

from __future__ import annotations

import json
import subprocess
import sys


def test_one_kill_is_recovered_and_the_lottery_verifies(tmp_path):
    out = subprocess.run([sys.executable, "-m", "console", "bench", "crash", "--kills", "1", "--rate", "2000",
                          "--seed", "3", "--json", "--db", str(tmp_path / "crash.sqlite")],
                         capture_output=True, text=True, timeout=280)
    assert out.returncode == 0, out.stdout + out.stderr
    summary = json.loads(out.stdout.splitlines()[-1])
    [r] = summary["rounds"]
    assert r["integrity"] == "ok" and r["resumed"] and r["restart_exit"] == 0
    assert r["drawn"] and r["verify"] == "valid" and r["entrants"] >= 1
