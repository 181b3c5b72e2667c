"""`live-console bench ingest`: the comment path end to end, with the panels on screen (offscreen).

DEMO audience at the requested rate on the qasync loop → session hub → insight thread
(classifier, question groups, heatmap, dashboard) → engines → SQLite writer thread → comment
model (batched ≤ 30 Hz) + heatmap, radar and dashboard docks refreshing every second.

Reports sustained events/s, latency from the hub handing an event over to its row being in the
comment model (p50/p99), UI-thread stall (a 10 ms heartbeat timer on the Qt loop: how late each
tick fired; p50/p99/max), events lost anywhere on the way (must be 0) and RSS growth.
Targets (issue 10): ≥ 10,000 events/s, stall p99 ≤ 50 ms, 0 lost, ≤ +150 MB after 1,000,000
comments (`--rate 10000 --seconds 100`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

from console.cli.bench_run import GcPauses, run_logged

HEARTBEAT_MS = 10
TARGET_RATE = 10_000
TARGET_STALL_P99_MS = 50.0
TARGET_RSS_MB_PER_MILLION = 150.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rate", type=float, default=10_000.0, help="DEMO events/s (default 10000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to run (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="demo audience seed (default 1)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, AttributeError, ValueError):
        try:
            import resource
        except ImportError:  # Windows: no cheap way without psutil
            return 0.0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (2**20 if sys.platform == "darwin" else 2**10)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(rate: float, seconds: float, seed: int, db_path: Path) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QGridLayout, QWidget

    from console import __version__
    from console.commerce.catalog import shared_catalog
    from console.core.clock import SystemClock
    from console.core.hub import SessionHub
    from console.insight.service import Insight
    from console.interact.controller import Interactions
    from console.providers.demo import DemoConfig, DemoProvider
    from console.runloop import tune_gc
    from console.store.writer import SessionStore
    from console.ui.comments_dock import CommentsPanel, SessionReader
    from console.ui.comments_model import CommentsModel
    from console.ui.dashboard_dock import DashboardPanel
    from console.ui.heatmap_dock import HeatmapPanel
    from console.ui.radar_dock import RadarPanel

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)

    clock = SystemClock()
    errors: list[str] = []
    store = SessionStore(db_path, on_error=errors.append)
    provider = DemoProvider(DemoConfig(rate=rate, seed=seed), clock=clock)
    sid = store.start_session(platform=provider.platform, is_demo=True, app_version=__version__,
                              meta={"bench": "ingest", "rate": rate})
    hub = SessionHub()
    catalog = shared_catalog()
    insight = Insight(catalog)
    hub.subscribe(store.enqueue_batch, name="store")
    hub.set_backlog_probe(store.backlog_s)  # as the app does: the DEMO room waits for the log
    hub.subscribe(insight.on_events, name="insight")
    interactions = Interactions(hub, clock, catalog=catalog)
    model = CommentsModel()
    emitted = [0]
    insight.sig_comments.connect(lambda batch: emitted.__setitem__(0, emitted[0] + len(batch)))
    insight.sig_comments.connect(model.on_classified)

    window = QWidget()
    grid = QGridLayout(window)
    comments = CommentsPanel(model, reader=SessionReader(db_path, sid, insight.classifier))
    heat = HeatmapPanel(insight)
    grid.addWidget(comments, 0, 0, 2, 1)
    grid.addWidget(heat, 0, 1)
    grid.addWidget(RadarPanel(insight), 1, 1)
    grid.addWidget(DashboardPanel(insight), 1, 2)
    window.resize(1500, 900)
    window.show()
    qt_app.processEvents()

    ticks: list[float] = []
    beat = QTimer()
    beat.setInterval(HEARTBEAT_MS)
    beat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    tune_gc()  # as the app does after start-up
    rss_start = _rss_mb()

    async def drive() -> float:
        task = asyncio.create_task(provider.run(hub))
        beat.start()
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            await asyncio.sleep(0.05)
            interactions.tick()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        beat.stop()
        return time.perf_counter() - started

    with loop, GcPauses() as pauses:
        run_s = loop.run_until_complete(drive())
        drain_started = time.perf_counter()
        insight.wait_idle(timeout=120.0)
        qt_app.processEvents()
        model.flush()
        store.flush(timeout=120.0)
        drain_s = time.perf_counter() - drain_started
    rss_end = _rss_mb()
    stats = store.stats()
    store.close()
    insight.close()
    interactions.close()

    gaps = [(b - a) * 1000 - HEARTBEAT_MS for a, b in zip(ticks, ticks[1:])]
    stalls = [max(0.0, g) for g in gaps]
    latencies = [x * 1000 for x in model.latencies]
    published = hub.published
    lost_log = published - stats.written - stats.duplicates
    lost_insight = published - insight.processed
    lost_panel = emitted[0] - model.received
    comments_n = model.received
    result = {
        "requested_rate": rate,
        "seconds": round(run_s, 2),
        "events": published,
        "events_per_s": round(published / run_s, 1),
        "displayed_events": model.received,
        "latency_ms_p50": round(_pct(latencies, 0.50), 1),
        "latency_ms_p99": round(_pct(latencies, 0.99), 1),
        "ui_stall_ms_p50": round(_pct(stalls, 0.50), 1),
        "ui_stall_ms_p99": round(_pct(stalls, 0.99), 1),
        "ui_stall_ms_max": round(max(stalls, default=0.0), 1),
        "heartbeats": len(ticks),
        "gc_collections": pauses.collections,
        "gc_full_collections": pauses.full,
        "gc_max_pause_ms": round(1000 * pauses.max_pause, 1),
        "lost": max(0, lost_log) + max(0, lost_insight) + max(0, lost_panel),
        "lost_log": lost_log,
        "lost_insight": lost_insight,
        "lost_panel": lost_panel,
        "drain_s": round(drain_s, 2),
        "rss_start_mb": round(rss_start, 1),
        "rss_growth_mb": round(rss_end - rss_start, 1),
        "rss_growth_mb_per_million": (round((rss_end - rss_start) / comments_n * 1e6, 1)
                                      if comments_n >= 100_000 else None),
        "model_flushes": model.flushes,
        "heatmap_refreshes": heat.refreshes,
        "store_errors": errors[-1] if errors else None,
        "cpu_count": os.cpu_count(),
    }
    problems = []
    if result["events_per_s"] < TARGET_RATE * 0.95 and rate >= TARGET_RATE:
        problems.append(f"only {result['events_per_s']:,.0f} events/s")
    if result["ui_stall_ms_p99"] > TARGET_STALL_P99_MS:
        problems.append(f"UI stall p99 {result['ui_stall_ms_p99']} ms > {TARGET_STALL_P99_MS:.0f}")
    if result["lost"]:
        problems.append(f"{result['lost']} events lost")
    result["verdict"] = "targets met" if not problems else "NOT met: " + "; ".join(problems)
    result["ok"] = not problems
    window.close()
    return result


def _print(r: dict) -> None:
    print(f"bench ingest — DEMO → hub → insight → engines → SQLite → comment model + heatmap "
          f"(panels shown offscreen), {r['seconds']:.1f} s at {r['requested_rate']:,.0f}/s requested")
    print(f"  sustained         {r['events_per_s']:>12,.0f} events/s  ({r['events']:,} events, "
          f"{r['displayed_events']:,} shown in the comment model)")
    print(f"  latency to model  p50 {r['latency_ms_p50']:.1f} ms   p99 {r['latency_ms_p99']:.1f} ms")
    print(f"  UI-thread stall   p50 {r['ui_stall_ms_p50']:.1f} ms   p99 {r['ui_stall_ms_p99']:.1f} ms   "
          f"max {r['ui_stall_ms_max']:.1f} ms  ({r['heartbeats']:,} heartbeats of {HEARTBEAT_MS} ms)")
    print(f"  GC                {r['gc_collections']} collections ({r['gc_full_collections']} full), "
          f"longest pause {r['gc_max_pause_ms']:.1f} ms (every thread waits for it)")
    print(f"  lost              {r['lost']}  (log {r['lost_log']}, insight {r['lost_insight']}, "
          f"panel {r['lost_panel']}; drained in {r['drain_s']:.2f} s)")
    per_million = r["rss_growth_mb_per_million"]
    scale = (f"{per_million:+.1f} MB per million shown" if per_million is not None
             else "run ≥ 100,000 shown events for a per-million figure")
    print(f"  RSS growth        {r['rss_growth_mb']:+.1f} MB from {r['rss_start_mb']:.0f} MB ({scale})")
    print(f"  {r['verdict']}")


def run(args: argparse.Namespace) -> int:
    return run_logged(args, lambda db: measure(args.rate, args.seconds, args.seed, db), prefix="live-console-ingest-",
                      table=_print, figures=dict, ok=lambda r: r["ok"])
