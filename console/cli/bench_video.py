"""`live-console bench video`: try-on pipeline fps against the bare FaceLandmarker, same frames.

Frames (demo camera or a video file) are generated before any timing, so capture cost is its own
figure. Then (a) the bare FaceLandmarker runs on them — on the full frame, and on the face window
our tracker uses (BlazeFace does not find a face under ~25% of the frame width at all, so on a
wide shot the full-frame run is fast only because it finds nothing) — and (b) the full try-on
pipeline with the given items plus the conversion to the view (BGR→RGB, QImage-ready). Printed:
fps for each, their ratio, per-stage medians, frames over the 30 fps budget (each makes the
capture slot drop a frame) and RSS at start and end, for memory flatness over long runs.
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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--frames", type=int, default=300, help="frames through each run (default 300)")
    parser.add_argument("--size", default="1280x720", help="frame size WxH (default 1280x720)")
    parser.add_argument("--sku", action="append", default=None, help=f"products on air (default {' '.join(DEFAULT_SKUS)})")
    parser.add_argument("--camera", type=Path, default=None, help="video file instead of the demo camera")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / (2**20 if sys.platform == "darwin" else 2**10)


def _frames(args, width: int, height: int) -> tuple[list[np.ndarray], list[float]]:
    import cv2

    pool, capture_ms = [], []
    if args.camera:
        cap = cv2.VideoCapture(str(args.camera))
        if not cap.isOpened():
            raise SystemExit(f"bench video: cannot open the video file {args.camera}")
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
            raise SystemExit(f"bench video: no frames could be read from {args.camera}")
    else:
        from console.video.demo_camera import DemoCamera

        cam = DemoCamera(width=width, height=height, seed=0)
        for i in range(POOL):
            t = time.perf_counter()
            pool.append(cam.read(i / 30.0))
            capture_ms.append((time.perf_counter() - t) * 1000)
    return pool, capture_ms


def _order(n_pool: int, frames: int) -> list[int]:
    cycle = list(range(n_pool)) + list(range(n_pool - 2, 0, -1)) or [0]
    return [cycle[i % len(cycle)] for i in range(frames)]


def _bare(pool, order, window=None) -> dict:
    import cv2

    from console.video.tryon.tasks import create, mp_image

    task = create("face")
    times, found = [], 0
    try:
        for i, k in enumerate(order):
            frame = pool[k]
            t = time.perf_counter()
            if window is None:
                rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
            else:
                x, y, w, h = window
                rgb = cv2.cvtColor(frame[y : y + h, x : x + w], cv2.COLOR_BGR2RGB)
            result = task.detect_for_video(mp_image(rgb), i * 33 + 1)
            times.append((time.perf_counter() - t) * 1000)
            found += bool(result.face_landmarks)
    finally:
        task.close()
    total = sum(times) / 1000
    return {"fps": len(times) / total, "median_ms": float(np.median(times)), "faces_found": found, "frames": len(times)}


def _over_budget(times_ms: list[float], budget_ms: float = 1000 / 30) -> int:
    return int(sum(max(0, math.ceil(t / budget_ms) - 1) for t in times_ms))


def _bench_overlays():
    """A typical on-air state: a running shade poll and the product card."""
    from console.interact.views import OverlayState, PollView, ProductCardView

    return OverlayState(
        poll=PollView("bench", "下一个试哪个色？ Which shade next?", (("Ruby 正红", 41), ("Coral 珊瑚", 23), ("Nude 裸色", 36)), 100, 42.0, False),
        product_card=ProductCardView("LIP-001", "丝绒哑光口红 Velvet Matte Lipstick", 169.0, "CNY", "领券立减10元"),
    )


def run(args: argparse.Namespace) -> int:
    overlay_state = _bench_overlays()
    import cv2

    from console.video.tryon.catalog import Catalog
    from console.video.tryon.controller import TryOnController
    from console.video.tryon.face_tracker import FaceTracker
    from console.video.overlays.compositor import OverlayCompositor
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
    pool, capture_ms = _frames(args, width, height)
    order = _order(len(pool), args.frames)

    # The face window our tracker settles on (for the fair bare baseline).
    tracker = FaceTracker()
    for i in range(20):
        tracker.update(pool[0], None, i * 33)
    window = tracker._window
    tracker.close()

    bare_full = _bare(pool, order)
    bare_window = _bare(pool, order, window) if window else None

    def pipeline(skip_still: bool):
        controller = TryOnController(None, catalog)
        for sku in skus:
            controller.put_on(sku)
        # Stage history is a bounded window (last 600 frames) so the statistics themselves do not
        # grow with the run and blur the memory-flatness figure.
        proc = TryOnProcessor(controller, history=600, skip_still=skip_still)
        overlays = OverlayCompositor(lambda: overlay_state)
        for i in range(10):  # warm-up: model load, OpenCV tables
            proc.process(pool[order[i % len(order)]].copy(), -1000 + i * 33)
        proc.history.clear()
        rss_start = rss_mb()
        rss_marks = []
        worker_ms, view_ms, found = np.empty(len(order)), np.empty(len(order)), 0
        overlay_ms = np.empty(len(order))
        for i, k in enumerate(order):
            frame = pool[k].copy()  # the capture hands over a fresh buffer each frame
            t0 = time.perf_counter()
            out = proc.process(frame, i * 33)
            t_overlay = time.perf_counter()
            out = overlays.process(out, i * 33)
            t1 = time.perf_counter()
            overlay_ms[i] = (t1 - t_overlay) * 1000
            view = cv2.cvtColor(out, cv2.COLOR_BGR2RGB)  # what the view wraps in a QImage
            t2 = time.perf_counter()
            del view
            worker_ms[i] = (t2 - t0) * 1000
            view_ms[i] = (t2 - t1) * 1000
            found += proc.face_found
            if (i + 1) % max(1, args.frames // 10) == 0:
                rss_marks.append(round(rss_mb(), 1))
        rss_end = rss_mb()
        proc.close()
        proc.overlay_median_ms = float(np.median(overlay_ms))
        return proc, worker_ms, view_ms, found, rss_start, rss_end, rss_marks

    every = pipeline(False)
    every_fps = len(every[1]) / (sum(every[1]) / 1000)
    proc, worker_ms, view_ms, found, rss_start, rss_end, rss_marks = pipeline(True)
    pipeline_fps = len(worker_ms) / (sum(worker_ms) / 1000)
    stages = {"capture": float(np.median(capture_ms))}
    stages.update({k: round(v, 3) for k, v in proc.medians().items()})
    stages["overlay"] = proc.overlay_median_ms
    stages["view_conversion"] = float(np.median(view_ms))
    stages["worker_total"] = float(np.median(worker_ms))
    stages["worker_total_mean"] = float(np.mean(worker_ms))
    baseline = bare_full if bare_full["faces_found"] >= 0.9 * bare_full["frames"] else (bare_window or bare_full)
    figures = {
        "frames": args.frames,
        "size": f"{width}x{height}",
        "source": str(args.camera) if args.camera else "demo camera",
        "skus": skus,
        "bare_full_frame": bare_full,
        "bare_face_window": bare_window,
        "face_window": list(window) if window else None,
        "pipeline": {"fps": pipeline_fps, "faces_found": int(found), "frames": len(worker_ms),
                     "face_inference_share": proc.face_inference_share},
        "pipeline_every_frame_inference": {"fps": every_fps, "worker_median_ms": float(np.median(every[1])),
                                           "stage_median_ms": {k: round(v, 3) for k, v in every[0].medians().items()}},
        "ratio": pipeline_fps / baseline["fps"],
        "ratio_every_frame_inference": every_fps / baseline["fps"],
        "ratio_baseline": "full frame" if baseline is bare_full else "face window",
        "stage_median_ms": {k: round(v, 3) for k, v in stages.items()},
        "over_30fps_budget_drops": _over_budget(worker_ms.tolist()),
        "rss_mb": {"start": round(rss_start, 1), "end": round(rss_end, 1), "marks": rss_marks},
        "tryon_error": proc.error,
    }
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        return 0
    print(f"bench video — {figures['source']}, {figures['size']}, {args.frames} frames, items {' + '.join(skus)}")
    print(f"  capture (demo camera render / file decode), median   {stages['capture']:.2f} ms")
    print(f"  (a) bare FaceLandmarker, full frame     {bare_full['fps']:7.1f} fps  "
          f"({bare_full['median_ms']:.2f} ms, face found in {bare_full['faces_found']}/{bare_full['frames']})")
    if bare_window:
        print(f"  (a) bare FaceLandmarker, face window    {bare_window['fps']:7.1f} fps  "
              f"({bare_window['median_ms']:.2f} ms, face found in {bare_window['faces_found']}/{bare_window['frames']})")
    print(f"  (b) full pipeline (try-on + overlays + view conversion)    {pipeline_fps:7.1f} fps  "
          f"(face found in {found}/{len(worker_ms)})")
    print(f"      face landmarker ran on {proc.face_inference_share:.0%} of frames (held on a still head)")
    print(f"  (b') same, landmarker on every frame                              {every_fps:7.1f} fps")
    print(f"  ratio (b)/(a {figures['ratio_baseline']}): {figures['ratio']:.3f}   (target ≥ 0.9); "
          f"with every-frame inference (b')/(a): {figures['ratio_every_frame_inference']:.3f}")
    every_stages = figures["pipeline_every_frame_inference"]["stage_median_ms"]
    every_stages["worker_total"] = round(figures["pipeline_every_frame_inference"]["worker_median_ms"], 3)
    every_stages["worker_total_mean"] = round(1000 / every_fps, 3)
    print(f"  per-stage medians (ms; last 600 frames):  {'(b)':>8} {'(b)every':>9}")
    for key, value in stages.items():
        other = every_stages.get(key)
        print(f"    {key:<38} {value:7.3f} {'' if other is None else f'{other:9.3f}'}")
    print(f"  frames over the 30 fps budget (drops they cause): {figures['over_30fps_budget_drops']}")
    print(f"  RSS: start {rss_start:.1f} MB, end {rss_end:.1f} MB; along the run {rss_marks}")
    if proc.error:
        print(f"  try-on error: {proc.error}")
    return 0
