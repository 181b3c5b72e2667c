"""Command line entry: `live-console [app options]` or `live-console COMMAND …`.

Each command lives in its own module under console/cli/ exposing `add_arguments(parser)` and
`run(args) -> int`; they are imported only when used, so `--help` and the app start stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "tryon": ("console.cli.tryon_cmd", "render a still image with products applied"),
    "verify-draw": ("console.cli.verify_draw", "recompute a lottery draw from a session log"),
    "classify": ("console.cli.classify_cmd", "intents and sentiment of comments, one JSON line each"),
}
BENCHES: dict[str, tuple[str, str]] = {
    "startup": ("console.cli.bench_startup", "time to first camera frame vs bare imports"),
    "video": ("console.cli.bench_video", "try-on pipeline fps vs bare FaceLandmarker"),
    "events": ("console.cli.bench_events", "demo audience → hub → SQLite throughput"),
    "output": ("console.cli.bench_output", "program pushed to a local RTMP server and read back: fps, drops, latency"),
    "classify": ("console.cli.bench_classify", "comment classifier throughput on one core"),
    "ingest": ("console.cli.bench_ingest", "DEMO → hub → insight → log → comment panel + heatmap, UI stall"),
    "crash": ("console.cli.bench_crash", "kill -9 a 20k/s DEMO session with a lottery open; check recovery"),
}


def _command_parser(prog: str, table: dict[str, tuple[str, str]], name: str) -> argparse.ArgumentParser:
    module_name, help_text = table[name]
    parser = argparse.ArgumentParser(prog=f"{prog} {name}", description=help_text)
    module = importlib.import_module(module_name)
    module.add_arguments(parser)
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also show MediaPipe's and TensorFlow Lite's start-up messages (and Qt's offscreen size-hint notice) on stderr")
    parser.set_defaults(_run=module.run)
    return parser


def _usage() -> str:
    lines = ["commands:"]
    lines += [f"  {n:<12} {h}" for n, (_, h) in COMMANDS.items()]
    lines += [f"  bench {n:<6} {h}" for n, (_, h) in BENCHES.items()]
    return "\n".join(lines)


def quiet_native_output(argv: list[str]) -> None:
    """Keep MediaPipe's/TFLite's start-up chatter and Qt offscreen's "does not support
    propagateSizeHints()" off stderr unless -v/--verbose. Only for a process that is ours:
    the CLI (main() without argv) and the frozen app's entry point."""
    if {"-v", "--verbose"} & set(argv):
        return
    from console.native_logs import silence_native_chatter
    from console.ui.qt_messages import quiet_qt_chatter

    silence_native_chatter()
    quiet_qt_chatter()


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # not a test calling main([...])
        quiet_native_output(sys.argv[1:])
    argv = list(sys.argv[1:] if argv is None else argv)
    prog = "live-console"
    if argv and argv[0] in COMMANDS:
        args = _command_parser(prog, COMMANDS, argv[0]).parse_args(argv[1:])
        return int(args._run(args) or 0)
    if argv and argv[0] == "bench":
        if len(argv) < 2 or argv[1] not in BENCHES:
            print(f"usage: {prog} bench {{{','.join(BENCHES)}}} [options]", file=sys.stderr)
            return 2
        args = _command_parser(f"{prog} bench", BENCHES, argv[1]).parse_args(argv[2:])
        return int(args._run(args) or 0)

    from console.cli import app_args

    parser = argparse.ArgumentParser(
        prog=prog,
        description="Live Console — camera try-on, live comments and one-click interactions.",
        epilog=_usage(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    app_args.add_arguments(parser)
    args = parser.parse_args(argv)
    return int(app_args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
