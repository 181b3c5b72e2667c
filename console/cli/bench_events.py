"""`live-console bench events`: demo audience → session hub → SQLite log, at a chosen rate.

Runs the real path the app runs (DemoProvider on an asyncio loop publishing batches into a
SessionHub whose "store" subscriber is the SessionStore writer thread) for a few seconds and
reports what each stage sustained, how far the writer fell behind, and how long the loop was
held. The log goes to a temporary file unless --db is given.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from console import __version__
from console.cli.bench_run import GcPauses, run_logged
from console.core.hub import SessionHub
from console.providers.demo import DemoConfig, DemoProvider
from console.store.writer import SessionStore

SUSTAINED_SHARE = 0.95
"""Generated and stored rates must reach this share of the requested rate."""
MAX_DRAIN_S = 1.0
"""After the run, the writer may need at most this long to catch up to count as keeping up."""
SAMPLE_S = 0.02


@dataclass
class BenchResult:
    requested_rate: float
    seconds: float
    generated: int
    generated_per_s: float
    hub_events: int
    hub_per_s: float
    store_rows: int
    store_rows_per_s: float
    """Rows on disk ÷ (run + drain) time: what the writer sustained end to end."""
    store_rows_during_run: int
    peak_pending: int
    drain_s: float
    steps: int
    mean_step_ms: float
    max_step_ms: float
    max_loop_stall_ms: float
    """Worst lateness of a 20 ms sleep on the loop: how long anything else had to wait."""
    gc_full_collections: int
    gc_max_pause_ms: float
    """Longest garbage-collector pause (any generation): often the cause of the worst stall."""
    store_errors: str | None
    sustained: bool
    verdict: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rate", type=float, default=50_000.0, help="events/s to ask for (default 50000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to run (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="demo audience seed (default 1)")
    parser.add_argument("--db", type=Path, default=None, help="keep the log in this file (default: temporary)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


async def _drive(provider: DemoProvider, hub: SessionHub, store: SessionStore,
                 seconds: float) -> dict[str, float]:
    loop = asyncio.get_running_loop()
    task = asyncio.create_task(provider.run(hub))
    started = time.perf_counter()
    peak_pending = 0
    max_stall = 0.0
    while (elapsed := time.perf_counter() - started) < seconds:
        before = loop.time()
        await asyncio.sleep(SAMPLE_S)
        max_stall = max(max_stall, loop.time() - before - SAMPLE_S)
        peak_pending = max(peak_pending, store.stats().pending)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    run_s = time.perf_counter() - started
    return {"run_s": run_s, "peak_pending": peak_pending, "max_stall": max(0.0, max_stall),
            "written_during_run": store.stats().written}


def measure(rate: float, seconds: float, seed: int | None, db_path: Path) -> BenchResult:
    errors: list[str] = []
    store = SessionStore(db_path, batch_window_s=0.25, on_error=errors.append)
    try:
        provider = DemoProvider(DemoConfig(rate=rate, seed=seed))
        store.start_session(platform=provider.platform, is_demo=True, app_version=__version__,
                            meta={"bench": "events", "rate": rate, "seed": provider.audience.seed})
        hub = SessionHub()
        hub.subscribe(store.enqueue_batch, name="store")
        with GcPauses() as pauses:
            figures = asyncio.run(_drive(provider, hub, store, seconds))
        drain_started = time.perf_counter()
        store.flush(timeout=60.0)
        drain_s = time.perf_counter() - drain_started
        stats = store.stats()
    finally:
        store.close()

    run_s = figures["run_s"]
    generated = provider.audience.generated
    gen_rate = generated / run_s
    store_rate = stats.written / (run_s + drain_s)
    problems = []
    if gen_rate < rate * SUSTAINED_SHARE:
        problems.append(f"the audience made only {gen_rate:,.0f} of {rate:,.0f} events/s")
    if stats.written < generated:
        problems.append(f"{generated - stats.written:,} events never reached the log")
    if drain_s > MAX_DRAIN_S:
        problems.append(f"the log needed {drain_s:.1f} s to catch up after the run")
    if errors:
        problems.append(f"the log reported: {errors[-1]}")
    verdict = (f"sustained {rate:,.0f} events/s into the log" if not problems
               else "NOT sustained: " + "; ".join(problems))
    return BenchResult(
        requested_rate=rate,
        seconds=round(run_s, 3),
        generated=generated,
        generated_per_s=round(gen_rate, 1),
        hub_events=hub.published,
        hub_per_s=round(hub.published / run_s, 1),
        store_rows=stats.written,
        store_rows_per_s=round(store_rate, 1),
        store_rows_during_run=int(figures["written_during_run"]),
        peak_pending=int(figures["peak_pending"]),
        drain_s=round(drain_s, 3),
        steps=provider.steps,
        mean_step_ms=round(1000 * provider.step_seconds / max(provider.steps, 1), 3),
        max_step_ms=round(1000 * provider.max_step_seconds, 3),
        max_loop_stall_ms=round(1000 * figures["max_stall"], 2),
        gc_full_collections=pauses.full,
        gc_max_pause_ms=round(1000 * pauses.max_pause, 2),
        store_errors=errors[-1] if errors else None,
        sustained=not problems,
        verdict=verdict,
    )


def _print_table(r: BenchResult) -> None:
    print(f"bench events — demo audience → hub → SQLite, {r.seconds:.1f} s at {r.requested_rate:,.0f} events/s requested")
    print(f"  generated      {r.generated:>12,}  {r.generated_per_s:>12,.0f} /s")
    print(f"  hub            {r.hub_events:>12,}  {r.hub_per_s:>12,.0f} /s")
    print(f"  store rows     {r.store_rows:>12,}  {r.store_rows_per_s:>12,.0f} /s  (incl. {r.drain_s:.2f} s drain)")
    print(f"  peak pending   {r.peak_pending:>12,}")
    print(f"  loop steps     {r.steps:>12,}  mean {r.mean_step_ms:.2f} ms, max {r.max_step_ms:.2f} ms,"
          f" worst loop stall {r.max_loop_stall_ms:.1f} ms")
    print(f"  gc             {r.gc_full_collections:>12,} full collections, longest pause {r.gc_max_pause_ms:.1f} ms")
    print(f"  {r.verdict}")


def run(args: argparse.Namespace) -> int:
    return run_logged(args, lambda db: measure(args.rate, args.seconds, args.seed, db), prefix="live-console-bench-",
                      table=_print_table, figures=asdict, ok=lambda r: r.sustained)
