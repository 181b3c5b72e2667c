"""`live-console bench ingest` runs the real path end to end (tiny and slow here: it proves the
command works and loses nothing; the speed figures come from running it, never from a test)."""

import json
import subprocess
import sys


def test_bench_ingest_runs_and_loses_nothing():
    out = subprocess.run([sys.executable, "-m", "console", "bench", "ingest", "--rate", "300", "--seconds", "2", "--json"],
                         capture_output=True, text=True, timeout=240, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    result = json.loads(line)
    for key in ("events_per_s", "latency_ms_p99", "ui_stall_ms_p99", "lost", "rss_growth_mb"):
        assert key in result
    assert result["events"] > 100 and result["lost"] == 0
    assert result["displayed_events"] > 0 and result["heatmap_refreshes"] >= 1
