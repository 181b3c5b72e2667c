"""`live-console bench output`: the real program pushed to a local RTMP (or SRT) server and read back.

The whole app runs headless (demo camera, three try-on items, an open poll on the video) and goes
live to nginx-rtmp on 127.0.0.1 (console/cli/rtmp_server.py). A last pipeline stage stamps each
program frame with its number as 24 black/white 16×16 blocks (20-bit counter + 4-bit check) in
the top-left corner, remembering when that frame was captured. A player in a separate process
reads the stream back over RTMP, decodes every frame and reads the stamp — so the latency is
capture → readable by a viewer's player (pipeline + encode + RTMP + server + decode), per frame.

Printed (the first `--warmup` seconds are left out): program fps, encode fps, delivered fps,
program frames that never reached the player, encoder/sender drops, CPU share (this process and
the encoder thread; the player separately), latency p50/p99/max. Goals (1280×720 at 30 fps):
≥ 29.5 fps delivered, 0 dropped, p99 ≤ 500 ms.

`--mic DEVICE` pushes that microphone instead of silence, plays a beep into it every second and
prints the A/V offset the player sees (console/cli/av_sync.py); `--mic virtual` is a private
PulseAudio server (console/cli/virtual_mic.py) for a machine without a sound card.

`--to srt` pushes over SRT (our caller, console/output/srt) to libsrt's srt-live-transmit on
127.0.0.1 instead, which relays the MPEG-TS it delivers over UDP to the player: the latency then
includes SRT's receive latency (120 ms by default, the listener's TSBPD hold).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DEFAULT_SKUS = ["LIP-001", "GLASS-001", "EAR-001"]
BITS, CHECK_BITS, BLOCK, ORIGIN = 20, 4, 16, 8


def _encode_stamp(n: int) -> list[int]:
    value = (n % (1 << BITS)) | (((n * 7 + 3) % (1 << CHECK_BITS)) << BITS)
    return [(value >> i) & 1 for i in range(BITS + CHECK_BITS)]


def read_stamp(gray: np.ndarray) -> int | None:
    """The frame number stamped into a luma image, or None when the check bits disagree."""
    y = ORIGIN + BLOCK // 2
    bits = [int(gray[y, ORIGIN + i * BLOCK + BLOCK // 2] > 128) for i in range(BITS + CHECK_BITS)]
    value = sum(b << i for i, b in enumerate(bits))
    n = value & ((1 << BITS) - 1)
    return n if value >> BITS == (n * 7 + 3) % (1 << CHECK_BITS) else None


class Stamp:
    """The bench's last pipeline stage: frame number into pixels, capture time into `captured`."""

    name = "bench-stamp"

    def __init__(self) -> None:
        self.count = 0
        self.captured: dict[int, float] = {}

    def process(self, image: np.ndarray, ts_ms: int) -> np.ndarray:
        n = self.count
        self.count += 1
        self.captured[n] = ts_ms / 1000.0  # the pipeline's ts_ms is the capture time (monotonic ms)
        for i, bit in enumerate(_encode_stamp(n)):
            x = ORIGIN + i * BLOCK
            image[ORIGIN : ORIGIN + BLOCK, x : x + BLOCK] = 255 if bit else 0
        return image

    def close(self) -> None:
        pass


def _player(url: str, results, stop, ready, audio: bool = False) -> None:
    """Separate process: play the stream like a viewer and report (frame number, time decoded,
    size, stream time) per frame, and with `audio` the stream times of the beeps it hears."""
    import av

    from console.cli.av_sync import OnsetFinder

    av.logging.set_level(av.logging.PANIC)
    cpu0 = time.process_time()
    seen = []
    finder = OnsetFinder()
    try:
        with av.open(url, timeout=(30, 30), options={"fflags": "nobuffer", "probesize": "200000",
                                                     "analyzeduration": "500000"}) as player:
            stream = player.streams.video[0]
            stream.codec_context.flags |= av.codec.context.Flags.low_delay
            # Frame threading would hold (threads − 1) frames back: a live player decodes at once.
            stream.codec_context.thread_type = "SLICE"
            streams = [stream] + (list(player.streams.audio[:1]) if audio else [])
            for frame in player.decode(*streams):
                if isinstance(frame, av.AudioFrame):
                    if frame.pts is not None:
                        finder.feed(frame.to_ndarray()[0], float(frame.pts * frame.time_base), frame.sample_rate)
                    continue
                t = time.monotonic()
                plane = frame.planes[0]
                gray = np.frombuffer(plane, np.uint8).reshape(frame.height, plane.line_size)
                pts = None if frame.pts is None else float(frame.pts * frame.time_base)
                seen.append((read_stamp(gray), t, frame.width, frame.height, pts))
                ready.set()
                if stop.is_set():
                    break
    except Exception as exc:  # noqa: BLE001 — reported to the bench, which says so
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    results.put(("done", seen, time.process_time() - cpu0, finder.onsets))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=60.0, help="measured time (default 60; the goal is stated over 300)")
    parser.add_argument("--warmup", type=float, default=8.0, help="seconds left out at the start (model load, first keyframe)")
    parser.add_argument("--size", default="1280x720", help="camera and program size WxH (default 1280x720)")
    parser.add_argument("--sku", action="append", default=None, help=f"products on air (default {' '.join(DEFAULT_SKUS)})")
    parser.add_argument("--mic", default=None, metavar="DEVICE",
                        help="push this microphone (name or index) and measure the A/V offset with beeps played "
                             "into it; 'virtual' = a private PulseAudio server (no sound card needed)")
    parser.add_argument("--to", choices=("rtmp", "srt"), default="rtmp",
                        help="push over RTMP to nginx-rtmp (default) or over SRT to libsrt's srt-live-transmit")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")


def _pct(values, q) -> float | None:
    return float(np.percentile(values, q)) if len(values) else None


class _Target:
    """Where the bench pushes (`push_url`), where its player reads (`play_url`), and the server."""

    def __init__(self, to: str, tmp: Path) -> None:
        if to == "srt":
            # libsrt's srt-live-transmit takes our SRT caller and relays the MPEG-TS it delivers
            # over UDP on 127.0.0.1, where the player (PyAV's FFmpeg reads udp://) plays it.
            from console.cli.srt_server import SrtListener, free_udp_port

            relay = free_udp_port()
            self.server = SrtListener(tmp / "srt", relay_port=relay).start()
            self.push_url = self.server.url("bench")
            self.play_url = f"udp://127.0.0.1:{relay}?overrun_nonfatal=1&fifo_size=1000000"
            self.label = "srt-live-transmit (libsrt) on 127.0.0.1 over SRT, relayed to the player over UDP"
        else:
            from console.cli.rtmp_server import RtmpServer

            self.server = RtmpServer(tmp / "nginx").start()
            self.push_url = self.play_url = self.server.url("bench")
            self.label = "nginx-rtmp on 127.0.0.1"

    @staticmethod
    def missing(to: str) -> str | None:
        if to == "srt":
            from console.cli.srt_server import available
        else:
            from console.cli.rtmp_server import available
        return available()


def run(args: argparse.Namespace) -> int:
    to = getattr(args, "to", "rtmp")
    missing = _Target.missing(to)
    if missing:
        print(f"bench output: needs a local {to.upper()} server: {missing}", file=sys.stderr)
        return 1
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print(f"bench output: --size must look like 1280x720, not {args.size!r}", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="bench-output-"))
    config = tmp / "config.toml"
    # The stream at the program's size (the local server counts as the "default" platform).
    virtual = None
    mic, beep_device = args.mic, None
    if mic == "virtual":
        from console.cli.virtual_mic import DEVICE, VirtualMic, VirtualMicError

        try:
            virtual = VirtualMic(Path(tempfile.mkdtemp(prefix="pa-"))).start()
        except VirtualMicError as exc:
            print(f"bench output: --mic virtual needs PulseAudio: {exc}", file=sys.stderr)
            return 1
        virtual.activate()
        mic = beep_device = DEVICE
    sound = f"microphone = {json.dumps(str(mic))}\n" if mic is not None else "microphone_enabled = false\n"
    config.write_text(f"[camera]\nwidth = {width}\nheight = {height}\n[push]\n{sound}"
                      f"[push.presets.default.\"16:9\"]\nwidth = {width}\nheight = {height}\n")
    target = _Target(to, tmp)
    try:
        return _bench(args, target, tmp, config, beep_device)
    finally:
        target.server.close()
        if virtual is not None:
            virtual.close()


def _bench(args, target: _Target, tmp: Path, config: Path, beep_device=None) -> int:
    from console.app import AppOptions, ConsoleApp

    skus = args.sku or DEFAULT_SKUS
    url = target.push_url
    app = ConsoleApp(AppOptions(demo=True, camera="demo", db=tmp / "bench.db", config=config, headless=True, rate=5))
    stamp = Stamp()
    app.pipeline.add(stamp)  # after try-on and overlays: the last thing before the outputs
    program_ms: list[float] = []  # capture → program frame ready: the part of the latency before the push
    app.pipeline.program.connect(lambda frame: program_ms.append((time.monotonic() - frame.t_capture) * 1000))
    if app.tryon is not None:
        for sku in skus:
            app.tryon.put_on(sku)
    app.interactions.open_poll("下一个试哪个色？ Which shade next?", ["Ruby 正红", "Coral 珊瑚", "Nude 裸色"], duration_s=None)
    ctx = mp.get_context("spawn")
    results, stop_player, player_ready = ctx.Queue(), ctx.Event(), ctx.Event()
    player = ctx.Process(target=_player, args=(target.play_url, results, stop_player, player_ready, args.mic is not None),
                         daemon=True)
    beeper = None
    marks: dict[str, float | int] = {}

    async def main() -> None:
        app.start_video()
        if not app.go_live([url]):
            raise SystemExit(f"bench output: could not go live: {app.notices[-1:]}")
        push = app.live
        if args.mic is not None:
            if push.audio_kind != "microphone":
                raise SystemExit(f"bench output: the microphone did not open: {push.status().detail['audio_note']}")
            nonlocal beeper
            from console.cli.av_sync import BeepPlayer

            beeper = BeepPlayer(beep_device).start()
        stop = asyncio.Event()
        running = asyncio.create_task(app.run(stop=stop))  # platform, engines, ticks: the real session
        while push.senders[0].state != "live":
            await asyncio.sleep(0.05)
        player.start()
        # A new process on a busy machine can take a while: measure only once it plays.
        deadline = time.monotonic() + 120
        while not player_ready.is_set() and player.is_alive() and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        await asyncio.sleep(args.warmup)
        marks.update(t0=time.monotonic(), cpu0=sum(os.times()[:2]), processed0=app.pipeline.processed,
                     encoded0=push.status().frames, dropped0=push.status().dropped)
        await asyncio.sleep(args.seconds)
        status = push.status()
        marks.update(t1=time.monotonic(), cpu1=sum(os.times()[:2]), processed1=app.pipeline.processed,
                     encoded1=status.frames, dropped1=status.dropped, reconnects=status.detail["destinations"][0]["reconnects"],
                     encoder=status.detail["destinations"][0]["encoder"], kbps=status.detail["destinations"][0]["kbps"])
        await asyncio.sleep(5.0)  # let the last frames of the window reach the player (a loaded machine is slow)
        stop.set()
        await running
        if beeper is not None:
            beeper.stop()

    try:
        asyncio.run(main())
        encoder = next(iter(app.live.encoders.values()))
        encode_thread_t0 = encoder.t0
        mic = getattr(app.live, "_audio_source", None)
        mic_figures = None if args.mic is None else {
            "device": getattr(mic, "name", None), "state": getattr(mic, "kind", None),
            "sync_error_ms": mic.sync_error_ms() if hasattr(mic, "sync_error_ms") else None,
            "overflows": getattr(mic, "overflows", None), "drift_corrections": getattr(mic, "corrections", None)}
    finally:
        stop_player.set()
        app.shutdown()
    encoder_cpu = encoder.cpu_s / max(1e-9, time.monotonic() - encode_thread_t0)
    seen, player_cpu, error, onsets = [], 0.0, None, []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            kind, *rest = results.get(timeout=max(0.1, deadline - time.monotonic()))
        except Exception:  # noqa: BLE001 — queue.Empty
            break
        if kind == "error":
            error = rest[0]
        else:
            seen, player_cpu, onsets = rest
            break
    player.join(10)
    if player.is_alive():
        player.kill()

    t0, t1 = marks["t0"], marks["t1"]
    window = t1 - t0
    in_window = sorted({n for n in stamp.captured if t0 <= stamp.captured[n] < t1})
    arrived = {}
    sizes = set()
    for n, t, w, h, _ in seen:
        sizes.add((w, h))
        if n is not None and n not in arrived:
            arrived[n] = t
    delivered = [n for n in in_window if n in arrived]
    latency_ms = [(arrived[n] - stamp.captured[n]) * 1000 for n in delivered]
    unreadable = sum(1 for n, *_ in seen if n is None)
    figures = {
        "to": target.label,
        "seconds": round(window, 1),
        "size": f"{app.settings.width}x{app.settings.height}",
        "received_size": sorted(f"{w}x{h}" for w, h in sizes),
        "skus": skus,
        "encoder": marks.get("encoder"),
        "program_fps": (marks["processed1"] - marks["processed0"]) / window,
        "encode_fps": (marks["encoded1"] - marks["encoded0"]) / window,
        "delivered_fps": len(delivered) / window,
        "program_frames": len(in_window),
        "program_frames_not_delivered": len(in_window) - len(delivered),
        "encoder_and_sender_dropped": marks["dropped1"] - marks["dropped0"],
        "unreadable_stamps": unreadable,
        "reconnects": marks["reconnects"],
        "bitrate_kbps": marks["kbps"],
        "cpu_share_process": (marks["cpu1"] - marks["cpu0"]) / window,
        "cpu_share_encoder_thread": encoder_cpu,
        "encoder_skipped_over_rate": encoder.skipped,
        "cpu_share_player_process": player_cpu / max(1e-9, window + args.warmup),
        "cpu_count": os.cpu_count(),
        "latency_ms": {"p50": _pct(latency_ms, 50), "p99": _pct(latency_ms, 99), "max": max(latency_ms, default=None)},
        "capture_to_program_ms": {"p50": _pct(program_ms, 50), "p99": _pct(program_ms, 99)},
        "player_error": error,
    }
    if args.mic is not None:
        from console.cli.av_sync import offsets_ms

        at = sorted((stamp.captured[n], pts) for n, _, _, _, pts in seen if n in stamp.captured and pts is not None)
        beeps = beeper.onsets_between(t0, t1) if beeper is not None else []
        offs = offsets_ms(beeps, onsets, at)
        figures["av_offset_ms"] = {"p50": _pct(offs, 50), "p99_abs": _pct(np.abs(offs), 99),
                                   "min": min(offs, default=None), "max": max(offs, default=None),
                                   "beeps": len(beeps), "measured": len(offs)}
        figures["microphone"] = mic_figures
    figures["goals"] = {
        "delivered_fps>=29.5": figures["delivered_fps"] >= 29.5,
        "dropped==0": figures["program_frames_not_delivered"] == 0 and figures["encoder_and_sender_dropped"] == 0,
        "p99<=500ms": figures["latency_ms"]["p99"] is not None and figures["latency_ms"]["p99"] <= 500,
    }
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        return 0
    lat = figures["latency_ms"]
    fmt = lambda v: "n/a" if v is None else f"{v:.0f} ms"  # noqa: E731
    print(f"bench output — demo camera {figures['size']}, items {' + '.join(skus)} + open poll, "
          f"pushed with {figures['encoder']} to {target.label}, read back by a player process")
    print(f"  measured {figures['seconds']:.1f} s after {args.warmup:.0f} s warm-up; received size {', '.join(figures['received_size']) or 'none'}")
    print(f"  program {figures['program_fps']:5.1f} fps   encode {figures['encode_fps']:5.1f} fps   "
          f"delivered to the player {figures['delivered_fps']:5.1f} fps   ({figures['bitrate_kbps']:.0f} kbit/s)")
    print(f"  program frames not delivered {figures['program_frames_not_delivered']} of {figures['program_frames']}; "
          f"encoder/sender dropped {figures['encoder_and_sender_dropped']}; reconnects {figures['reconnects']}; "
          f"skipped over the preset rate {encoder.skipped}; unreadable stamps {unreadable}")
    print(f"  capture → readable latency  p50 {fmt(lat['p50'])}   p99 {fmt(lat['p99'])}   max {fmt(lat['max'])}"
          f"   (of which capture → program frame p50 {fmt(figures['capture_to_program_ms']['p50'])}, "
          f"p99 {fmt(figures['capture_to_program_ms']['p99'])})")
    print(f"  CPU (share of one core): this process {figures['cpu_share_process']:.2f} "
          f"(encoder's own thread {figures['cpu_share_encoder_thread']:.2f}, x264's worker threads not included), player {figures['cpu_share_player_process']:.2f}; "
          f"{figures['cpu_count']} cores")
    goals = "  ".join(f"{k} {'✓' if ok else '✗'}" for k, ok in figures["goals"].items())
    print(f"  goals: {goals}")
    if args.mic is not None:
        av_ = figures["av_offset_ms"]
        sign = lambda v: "n/a" if v is None else f"{v:+.0f} ms"  # noqa: E731
        print(f"  A/V offset p50 {sign(av_['p50'])}   p99 |offset| {fmt(av_['p99_abs'])}   range {sign(av_['min'])} … "
              f"{sign(av_['max'])}   ({av_['measured']} of {av_['beeps']} beeps; + = sound late)   microphone "
              f"“{mic_figures['device']}” ({mic_figures['state']}), its clock vs placement "
              f"{sign(mic_figures['sync_error_ms'])}, drift corrections {mic_figures['drift_corrections']}")
    if error:
        print(f"  player error: {error}")
    return 0
