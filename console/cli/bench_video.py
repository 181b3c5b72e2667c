"""`live-console bench video`: the video pipeline's fps against the bare FaceLandmarker.

Two sources, both generated before any timing (capture cost is its own figure): a *moving head*
(the demo camera at a talking host's tempo, or `--camera FILE`) and the demo camera's *still
head* (a host listening). Runs, each with its own landmarker:

  (a)  the bare FaceLandmarker: full-frame BGR→RGB + mp.Image + detect_for_video (MediaPipe's
       Python API as it comes, which builds a Python object per landmark), back to back on one
       thread — the baseline every ratio is taken against
  (a′) the same with the native call read straight into numpy, as the app's tracker reads it
       (console/video/tryon/landmarker_c.py): shows how much of (a) is the API's result objects
  (b)  the app's VideoPipeline (its threads, try-on + overlays + view conversion), landmarker on
       every frame, stages overlapped (track frame N+1 while frame N is rendered) — the headline
  (b−) the same with the stages one after the other on one thread (the previous design)
  (c)  the app as shipped (the landmarker rests on a still head) on both sources

Neither (a) nor (b) includes capture: every run's frames are made before its clocks (wall and
CPU) start, and capture's cost is printed on its own. The view's paint (GUI thread) is in none.
The runs alternate in blocks of frames within one process, so the noise of a shared machine
falls on all of them alike. The pipeline is fed as fast as it takes frames (never starved,
nothing dropped). Then (b) and (b−) are fed at a camera's 30 fps for capture→program latency.
Ratios are fps(run)/fps(a) on the same source. Also per run: the cores it used and its CPU time
per frame — on a machine whose other work leaves about one core free, fps can only follow CPU
per frame, and overlapping stages gains only where a second core is actually free.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

DEFAULT_SKUS = ["LIP-001", "GLASS-001", "EAR-001"]
POOL = 90
"""Distinct frames kept in memory; played forwards then backwards so motion stays continuous."""
BLOCK = 30
"""Frames per run before the next run takes its turn."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--frames", type=int, default=300, help="frames through each run (default 300)")
    parser.add_argument("--latency-frames", type=int, default=150,
                        help="frames fed at 30 fps to each overlapped/sequential pipeline for latency (default 150)")
    parser.add_argument("--size", default="1280x720", help="frame size WxH (default 1280x720)")
    parser.add_argument("--sku", action="append", default=None, help=f"products on air (default {' '.join(DEFAULT_SKUS)})")
    parser.add_argument("--camera", type=Path, default=None, help="video file as the moving-head source instead of the demo camera")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (2**20 if sys.platform == "darwin" else 2**10)


def _file_frames(path: Path, width: int, height: int) -> tuple[list[np.ndarray], list[float]]:
    import cv2

    pool, capture_ms = [], []
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise SystemExit(f"bench video: cannot open the video file {path}")
    while len(pool) < POOL:
        t = time.perf_counter()
        ok, frame = cap.read()
        if not ok:
            break
        if frame.shape[:2] != (height, width):
            frame = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
        capture_ms.append((time.perf_counter() - t) * 1000)
        pool.append(frame)
    cap.release()
    if not pool:
        raise SystemExit(f"bench video: no frames could be read from {path}")
    return pool, capture_ms


def _demo_frames(width: int, height: int, tempo: float) -> tuple[list[np.ndarray], list[float]]:
    from console.video.demo_camera import DemoCamera

    cam = DemoCamera(width=width, height=height, seed=0, tempo=tempo)
    pool, capture_ms = [], []
    for i in range(POOL):
        t = time.perf_counter()
        pool.append(cam.read(i / 30.0))
        capture_ms.append((time.perf_counter() - t) * 1000)
    return pool, capture_ms


def _order(n_pool: int, frames: int) -> list[int]:
    cycle = list(range(n_pool)) + list(range(n_pool - 2, 0, -1)) or [0]
    return [cycle[i % len(cycle)] for i in range(frames)]


MOTION_FRAMES = 60
"""At least this many frames (2 s) for the head-motion figure, however short the run: over a few
frames the landmarks' own jitter (~0.3 px on a small face) would read as motion."""


def head_motion(pool: list[np.ndarray], order: list[int]) -> dict:
    """How much the head moves per frame (median landmark displacement), untimed."""
    import cv2

    from console.video.tryon.tasks import create, mp_image

    if len(order) < MOTION_FRAMES:
        order = _order(len(pool), MOTION_FRAMES)
    task = create("face")
    prev, moves, widths = None, [], []
    try:
        for i, k in enumerate(order[: min(len(order), 2 * POOL)]):
            frame = pool[k]
            h, w = frame.shape[:2]
            result = task.detect_for_video(mp_image(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)), i * 33 + 1)
            if not result.face_landmarks:
                prev = None
                continue
            pts = np.array([(p.x * w, p.y * h) for p in result.face_landmarks[0]], np.float32)
            if prev is not None:
                moves.append(float(np.median(np.linalg.norm(pts - prev, axis=1))))
                widths.append(float(np.ptp(pts[:, 0])))
            prev = pts
    finally:
        task.close()
    px = float(np.median(moves)) if moves else 0.0
    width = float(np.median(widths)) if widths else 0.0
    return {"px_per_frame": round(px, 2), "face_width_px": round(width, 1),
            "fraction_of_face_width": round(px / width, 4) if width else 0.0}


def _bench_overlays():
    """A typical on-air state: a running shade poll and the product card."""
    from console.interact.views import OverlayState, PollView, ProductCardView

    return OverlayState(
        poll=PollView("bench", "下一个试哪个色？ Which shade next?", (("Ruby 正红", 41), ("Coral 珊瑚", 23), ("Nude 裸色", 36)), 100, 42.0, False),
        product_card=ProductCardView("LIP-001", "丝绒哑光口红 Velvet Matte Lipstick", 169.0, "CNY", "领券立减10元"),
    )


def _over_budget(times_ms: list[float], budget_ms: float = 1000 / 30) -> int:
    return int(sum(max(0, math.ceil(t / budget_ms) - 1) for t in times_ms))


def run(args: argparse.Namespace) -> int:
    from console.cli.bench_video_runs import BareRun, PipelineRun, ViewConversion, percentile
    from console.video.demo_camera import TALKING
    from console.video.overlays.compositor import OverlayCompositor
    from console.video.tryon.catalog import Catalog
    from console.video.tryon.controller import TryOnController
    from console.video.tryon.processor import TryOnProcessor

    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print(f"bench video: --size must look like 1280x720, not {args.size!r}", file=sys.stderr)
        return 2
    skus = args.sku or DEFAULT_SKUS
    catalog = Catalog.load()
    unknown = [s for s in skus if s not in catalog]
    if unknown:
        print(f"bench video: unknown SKU {', '.join(unknown)}", file=sys.stderr)
        return 1
    if args.frames < 1 or args.latency_frames < 0:
        print("bench video: --frames must be ≥ 1 and --latency-frames ≥ 0", file=sys.stderr)
        return 2
    still, capture_ms = _demo_frames(width, height, 1.0)
    if args.camera:
        moving, _ = _file_frames(args.camera, width, height)
        moving_name = str(args.camera)
    else:
        moving, _ = _demo_frames(width, height, TALKING)
        moving_name = f"demo camera, talking host (tempo {TALKING:g})"
    order_moving, order_still = _order(len(moving), args.frames), _order(len(still), args.frames)
    motion = {"moving": head_motion(moving, order_moving), "still": head_motion(still, order_still)}

    controller = TryOnController(None, catalog)
    for sku in skus:
        controller.put_on(sku)
    overlay_state = _bench_overlays()

    def processors(skip_still: bool) -> list:
        # Stage history is bounded (last 600 frames) so statistics do not blur the RSS figure.
        return [lambda: TryOnProcessor(controller, history=600, skip_still=skip_still),
                lambda: OverlayCompositor(lambda: overlay_state), ViewConversion]

    rss_start = rss_mb()
    load_start = os.getloadavg() if hasattr(os, "getloadavg") else None
    runs = {
        "bare_moving": (BareRun(moving), order_moving),
        "bare_moving_arrays": (BareRun(moving, arrays=True), order_moving),
        "every_overlap": (PipelineRun(moving, processors(False), overlap=True), order_moving),
        "every_sequential": (PipelineRun(moving, processors(False), overlap=False), order_moving),
        "shipped_moving": (PipelineRun(moving, processors(True), overlap=True), order_moving),
        "bare_still": (BareRun(still), order_still),
        "shipped_still": (PipelineRun(still, processors(True), overlap=True), order_still),
    }
    rss_marks = []
    try:
        for name, (r, order) in runs.items():  # warm-up: models load, OpenCV tables, caches
            r.block(order[:10])
            r.reset()
        rounds = math.ceil(args.frames / BLOCK)
        for i in range(rounds):
            for name, (r, order) in runs.items():
                r.block(order[i * BLOCK : (i + 1) * BLOCK])
            if (i + 1) % max(1, rounds // 10) == 0:
                rss_marks.append(round(rss_mb(), 1))
        overlap, sequential = runs["every_overlap"][0], runs["every_sequential"][0]
        order_paced = _order(len(moving), args.latency_frames)
        for i in range(math.ceil(args.latency_frames / BLOCK)):
            chunk = order_paced[i * BLOCK : (i + 1) * BLOCK]
            overlap.paced(chunk)
            sequential.paced(chunk)
        figures = _figures(args, runs, motion, capture_ms, skus, moving_name, (width, height),
                           rss_start, rss_marks, percentile)
    finally:
        for r, _ in runs.values():
            r.close()
    figures["rss_mb"]["end"] = round(rss_mb(), 1)
    figures["machine"] = {"cpus": os.cpu_count(),
                          "load_average_1min": {"start": round(load_start[0], 2) if load_start else None,
                                                "end": round(os.getloadavg()[0], 2) if load_start else None}}
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        _print(figures)
    return 0


def _figures(args, runs, motion, capture_ms, skus, moving_name, size, rss_start, rss_marks, percentile) -> dict:
    r = {name: run for name, (run, _) in runs.items()}

    def pipe(name: str, bare: str) -> dict:
        run = r[name]
        tryon = run.processor("tryon")
        stages = {k: round(v, 3) for k, v in (tryon.medians() if tryon else {}).items()}
        stages.update({k: round(v, 3) for k, v in run.pipeline.stats().stage_ms.items() if k != "tryon"})
        out = {"fps": round(run.fps, 1), "ratio": round(run.fps / r[bare].fps, 3) if r[bare].fps else 0.0,
               "frames": run.frames, "cores_used": round(run.cpu_s / run.seconds, 2) if run.seconds else 0.0,
               "cpu_ms_per_frame": round(run.cpu_s / run.frames * 1000, 2) if run.frames else 0.0,
               "face_inference_share": round(tryon.face_inference_share, 3) if tryon else 0.0,
               "faces_found": tryon.face_found if tryon else False,
               "worker_median_ms": round(float(np.median(run.worker_ms)), 3) if run.worker_ms else 0.0,
               "over_30fps_budget_drops": _over_budget(run.worker_ms) if not run.pipeline.overlap else None,
               "stage_median_ms": stages, "tryon_error": tryon.error if tryon else "missing"}
        if run.latency_ms:
            out["latency_ms_at_30fps"] = {"p50": round(percentile(run.latency_ms, 50), 2),
                                          "p99": round(percentile(run.latency_ms, 99), 2),
                                          "frames": len(run.latency_ms), "dropped": run.paced_dropped}
        return out

    bare = {name: {**r[name].figures(), "cores_used": round(r[name].cpu_s / r[name].seconds, 2),
                   "cpu_ms_per_frame": round(r[name].cpu_s / r[name].frames * 1000, 2)}
            for name in ("bare_moving", "bare_moving_arrays", "bare_still")}
    every, seq = pipe("every_overlap", "bare_moving"), pipe("every_sequential", "bare_moving")
    lat_o, lat_s = every.get("latency_ms_at_30fps", {}), seq.get("latency_ms_at_30fps", {})
    return {
        "frames": args.frames, "block": BLOCK, "size": f"{size[0]}x{size[1]}", "skus": skus,
        "sources": {"moving": moving_name, "still": "demo camera, still head (tempo 1)"},
        "head_motion": motion,
        "capture_median_ms": round(float(np.median(capture_ms)), 3),
        "ratio_every_frame_inference": every["ratio"],
        "ratio_every_frame_inference_sequential": seq["ratio"],
        "ratio_every_frame_inference_vs_native_reader": round(r["every_overlap"].fps / r["bare_moving_arrays"].fps, 3)
        if r["bare_moving_arrays"].fps else 0.0,
        "ratio_still_head": pipe("shipped_still", "bare_still")["ratio"],
        "added_latency_ms_p50": round(lat_o.get("p50", 0.0) - lat_s.get("p50", 0.0), 2) if lat_o else None,
        "limits": _limits(r, bare["bare_moving"], every),
        "bare": bare,
        "pipelines": {"every_overlap": every, "every_sequential": seq,
                      "shipped_moving": pipe("shipped_moving", "bare_moving"),
                      "shipped_still": pipe("shipped_still", "bare_still")},
        "rss_mb": {"start": round(rss_start, 1), "marks": rss_marks},
    }


def _limits(r: dict, bare: dict, every: dict) -> dict:
    """What (b) can reach on this machine, from this run's own figures.

    One free core (the rest of the machine busy): fps follows CPU per frame, so (b) can reach at
    most cpu(a)/cpu(b) — overlapping stages cannot help. Two free cores: the longer of the two
    stages sets the pace; each is timed per frame in the one-thread run (b−), where neither
    waits for the other, against (a)'s time per frame.
    """
    seq = r["every_sequential"]
    track = float(np.median(seq.track_ms)) if seq.track_ms else 0.0
    render = float(np.median(seq.render_ms)) if seq.render_ms else 0.0
    bare_ms = 1000 / bare["fps"] if bare["fps"] else 0.0
    return {"one_core_ceiling": round(bare["cpu_ms_per_frame"] / every["cpu_ms_per_frame"], 3)
            if every["cpu_ms_per_frame"] else 0.0,
            "two_core_ceiling": round(bare_ms / max(track, render), 3) if max(track, render) else 0.0,
            "bare_ms_per_frame": round(bare_ms, 2), "track_stage_ms": round(track, 2),
            "render_stage_ms": round(render, 2), "cores_used_by_b": every["cores_used"]}


def _print(f: dict) -> None:
    p, b = f["pipelines"], f["bare"]
    m = f["head_motion"]
    print(f"bench video — {f['size']}, {f['frames']} frames per run in blocks of {f['block']}, runs interleaved; "
          f"items {' + '.join(f['skus'])}")
    print(f"  moving head: {f['sources']['moving']}: {m['moving']['px_per_frame']} px/frame "
          f"({m['moving']['fraction_of_face_width']:.2%} of the face width)")
    print(f"  still head:  {f['sources']['still']}: {m['still']['px_per_frame']} px/frame "
          f"({m['still']['fraction_of_face_width']:.2%})")
    print(f"  capture (demo camera render), median {f['capture_median_ms']:.2f} ms — in no run below: every run's "
          f"frames are made before its clocks start")
    print("  (a) = full-frame BGR→RGB + mp.Image + FaceLandmarker.detect_for_video (MediaPipe's Python API, a Python "
          "object per landmark), one thread")
    print("  (b) = the app's VideoPipeline: track thread (face window → RGB → mp.Image → native landmarker call read into "
          "numpy → smoothing) overlapped with the render thread (try-on items, overlays, a BGR→RGB view pass)")
    print(f"  {'run':<58} {'fps':>7} {'ratio':>6} {'cores':>6} {'cpu ms/f':>8}  landmarker ran on")
    rows = [
        ("(a) bare FaceLandmarker, moving head", b["bare_moving"], None),
        ("(a') bare, native call read into numpy (as the app reads it)", b["bare_moving_arrays"], None),
        ("(b) pipeline, every frame, stages overlapped, moving", p["every_overlap"], "bare"),
        ("(b-) pipeline, every frame, one thread (before), moving", p["every_sequential"], "bare"),
        ("(c) pipeline as shipped (rests on a still head), moving", p["shipped_moving"], "bare"),
        ("(a) bare FaceLandmarker, still head", b["bare_still"], None),
        ("(c) pipeline as shipped, still head", p["shipped_still"], "bare"),
    ]
    for label, row, _ in rows:
        ratio = f"{row['ratio']:6.3f}" if "ratio" in row else "      "
        share = f"{row['face_inference_share']:.0%} of frames" if "face_inference_share" in row else \
            f"(face found {row['faces_found']}/{row['frames']})"
        print(f"  {label:<58} {row['fps']:7.1f} {ratio} {row['cores_used']:6.2f} {row['cpu_ms_per_frame']:8.2f}  {share}")
    print(f"  ratio_every_frame_inference (b)/(a): {f['ratio_every_frame_inference']:.3f}   (goal ≥ 0.9); "
          f"before (b-)/(a): {f['ratio_every_frame_inference_sequential']:.3f}; still head (c)/(a): {f['ratio_still_head']:.3f}")
    print(f"  against (a') — the model without its API's result objects: (b)/(a') "
          f"{f['ratio_every_frame_inference_vs_native_reader']:.3f}")
    lim = f["limits"]
    print(f"  limits, from this run: one free core → (b) ≤ cpu(a)/cpu(b) = {b['bare_moving']['cpu_ms_per_frame']:.2f}/"
          f"{p['every_overlap']['cpu_ms_per_frame']:.2f} = {lim['one_core_ceiling']:.3f}; two free cores → the longer "
          f"stage sets the pace: track {lim['track_stage_ms']:.2f} ms, render {lim['render_stage_ms']:.2f} ms per frame "
          f"(b-) vs (a) {lim['bare_ms_per_frame']:.2f} ms → ≤ {lim['two_core_ceiling']:.3f}. (b) got {lim['cores_used_by_b']:.2f} cores.")
    lo, ls = p["every_overlap"].get("latency_ms_at_30fps"), p["every_sequential"].get("latency_ms_at_30fps")
    if lo and ls:
        print(f"  capture→program latency at 30 fps (ms): overlapped p50 {lo['p50']:.1f} p99 {lo['p99']:.1f}; "
              f"one thread p50 {ls['p50']:.1f} p99 {ls['p99']:.1f}; added p50 {f['added_latency_ms_p50']:+.1f}")
    cols = ("every_overlap", "every_sequential", "shipped_still")
    keys = []
    for c in cols:
        keys += [k for k in p[c]["stage_median_ms"] if k not in keys]
    print(f"  per-stage medians (ms):  {'(b)':>35} {'(b-)':>8} {'(c)still':>9}")
    for k in keys:
        vals = [p[c]["stage_median_ms"].get(k) for c in cols]
        print(f"    {k:<45} " + " ".join("       -" if v is None else f"{v:8.3f}" for v in vals))
    print(f"  one-thread frames over the 30 fps budget (drops they cause): {p['every_sequential']['over_30fps_budget_drops']}")
    load = f["machine"]["load_average_1min"]
    print(f"  machine: {f['machine']['cpus']} CPUs, load average (1 min) {load['start']} at start, {load['end']} at end "
          f"(other work shares these CPUs)")
    print(f"  RSS: start {f['rss_mb']['start']:.1f} MB, end {f['rss_mb']['end']:.1f} MB; along the run {f['rss_mb']['marks']}")
    errors = {c: p[c]["tryon_error"] for c in p if p[c]["tryon_error"]}
    if errors:
        print(f"  try-on errors: {errors}")
