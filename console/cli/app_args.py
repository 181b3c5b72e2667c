"""The app's own flags: GUI (default) or `--headless`, and the options both share."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import time
from pathlib import Path

from console.validate.settings_schema import seconds_arg

_PROCESS_START = time.monotonic()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true", help="use the DEMO platform (simulated audience) and, with no webcam, the demo camera")
    parser.add_argument("--platform", action="append", metavar="NAME",
                        help="platform to connect (repeatable for a multistream; default: [platform] use in the settings, else demo)")
    parser.add_argument("--camera", metavar="SRC", help="camera: device index, video file path, or 'demo' (default: webcam, else demo)")
    parser.add_argument("--db", type=Path, metavar="PATH", help="session log (SQLite); default under the user data dir")
    parser.add_argument("--config", type=Path, metavar="PATH", help="settings file (TOML); default under the user config dir")
    parser.add_argument("--lang", choices=("en", "zh_CN"), help="interface language")
    parser.add_argument("--headless", action="store_true", help="run the whole pipeline without a window")
    parser.add_argument("--quit-after", type=seconds_arg, metavar="SECONDS", help="end cleanly after this many seconds")
    parser.add_argument("--screenshot", type=Path, metavar="PATH", help="save a picture of the main window just before quitting")
    parser.add_argument("--show", type=Path, metavar="FILE", help="run-of-show file (TOML) to run unattended")
    parser.add_argument("--rate", type=float, metavar="EVENTS_PER_S", help="demo audience rate (quiet 2 … load test 50000)")
    parser.add_argument("--push", action="append", metavar="URL",
                        help="go live: push the program to this RTMP/SRT address (repeatable; the stream key may end the URL "
                             "or come from the keyring / LIVE_CONSOLE_PUSH_KEY); headless starts at once, the window on Go live")
    parser.add_argument("--virtual-camera", action="store_true",
                        help="send the program to the virtual camera (OBS Virtual Camera / v4l2loopback) from the start")
    parser.add_argument("--obs", action="store_true",
                        help="link to OBS (obs-websocket v5; [obs] host/port, password in the keyring) so obs_scene/obs_source cues reach it")
    parser.add_argument("--self-test", action="store_true", help="check the installation (models, Qt, try-on, overlay, SQLite) and exit 0/1")
    resume = parser.add_mutually_exclusive_group()
    resume.add_argument("--continue-session", dest="resume", action="store_const", const="continue",
                        help="after a crash: continue the interrupted session (and its open lottery)")
    resume.add_argument("--new-session", dest="resume", action="store_const", const="new",
                        help="after a crash: start a new session (the old one stays, marked interrupted)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more, and show MediaPipe's and TensorFlow Lite's start-up messages on stderr")
    parser.add_argument("--print-first-frame", action="store_true", help=argparse.SUPPRESS)


def _options(args: argparse.Namespace):
    from console.app import AppOptions

    return AppOptions(
        demo=args.demo,
        platforms=[n for arg in args.platform for n in arg.split(",")] if args.platform else None,
        camera=args.camera,
        db=args.db,
        config=args.config,
        lang=args.lang,
        headless=args.headless,
        quit_after=args.quit_after,
        screenshot=args.screenshot,
        show=args.show,
        rate=args.rate,
        resume=getattr(args, "resume", None) or ("new" if args.headless else "ask"),
        push=args.push,
        virtual_camera=args.virtual_camera,
        obs=args.obs,
    )


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from console.core.secrets_scrub import install_log_scrubbing

    install_log_scrubbing()  # a password in a camera URL or a token in an error never hits the log
    if args.self_test:
        from console import selftest

        return selftest.main()
    if args.headless:
        return run_headless(args)
    from console.ui.launch import run_gui

    return run_gui(_options(args), print_first_frame=args.print_first_frame, process_start=_PROCESS_START)


def run_headless(args: argparse.Namespace) -> int:
    from console.app import ConsoleApp

    try:
        app = ConsoleApp(_options(args))
    except Exception as exc:  # noqa: BLE001 — one clear line instead of a traceback
        print(f"live-console: could not start: {exc}", file=sys.stderr)
        return 1

    push_summary: list = []

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):
                pass  # Windows: Ctrl+C still raises KeyboardInterrupt, handled below
        app.start_video()
        if args.push:
            app.go_live()
        if args.print_first_frame:
            asyncio.create_task(_report_first_frame(app))
        await app.run(quit_after=args.quit_after, stop=stop)
        if app.live is not None:
            push_summary.append(app.live.status())

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        app.shutdown()
    stats = app.store.stats()
    video = app.pipeline.stats()
    print(
        f"session {app.session_id} ({'DEMO' if app.provider.is_demo else app.platforms.session_platform}): "
        f"{stats.written} records saved to {app.db_path}; "
        f"{video.processed} frames processed, {video.dropped_capture} dropped"
    )
    for status in push_summary:
        for d in status.detail["destinations"]:
            print(f"push {d['destination']} {d['url']}: {d['state']}, {status.frames} frames encoded ({d['encoder']} "
                  f"{d['size']}, audio: {status.detail['audio']}), {d['dropped']} dropped, {d['reconnects']} reconnects")
    for notice in app.notices:
        print(f"note: {notice}", file=sys.stderr)
    # Success once everything is on disk, even if the disk failed earlier and recovered.
    return 0 if stats.saved_everything else 1


async def _report_first_frame(app) -> None:
    while app.pipeline.first_frame_at is None:
        await asyncio.sleep(0.005)
    print(f"FIRST_FRAME {app.pipeline.first_frame_at - _PROCESS_START:.4f}", flush=True)
