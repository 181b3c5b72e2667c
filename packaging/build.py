"""Build the frozen Live Console (PyInstaller onedir) and, with --smoke, prove it runs.

    .venv/bin/python packaging/build.py            # dist/LiveConsole/ (+ LiveConsole.app on macOS)
    .venv/bin/python packaging/build.py --smoke    # … then run the frozen self-test and demo

Same script on Linux (CI proof), Windows (before Inno Setup) and macOS (before the .dmg). It
fails early and in plain words when the environment would produce a broken bundle.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bundle_config as cfg  # noqa: E402
import elf_tools  # noqa: E402
import licences  # noqa: E402
import preflight  # noqa: E402

ROOT = cfg.ROOT
SPEC = ROOT / "packaging" / "live_console.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", *args], capture_output=True, text=True, check=False
    )


def run_preflight() -> None:
    listing = pip("list", "--format=json", "--disable-pip-version-check")
    if listing.returncode != 0:
        raise preflight.PreflightError(f"pip list failed: {listing.stderr.strip()}")
    preflight.check(listing.stdout)
    log("environment ok: one OpenCV wheel, PySide6-Essentials only")


def ensure_pyinstaller() -> None:
    wanted = cfg.PYINSTALLER_PIN.split("==")[1]
    try:
        have = importlib.metadata.version("pyinstaller")
    except importlib.metadata.PackageNotFoundError:
        have = None
    if have == wanted:
        return
    log(f"installing {cfg.PYINSTALLER_PIN} (found {have or 'none'})")
    result = pip("install", "--disable-pip-version-check", "-q", cfg.PYINSTALLER_PIN)
    if result.returncode != 0:
        raise SystemExit(f"could not install {cfg.PYINSTALLER_PIN}:\n{result.stderr}")


def ensure_icons() -> None:
    icons = ROOT / "resources" / "icons"
    needed = ["live_console.ico", "live_console.icns", "live_console_256.png"]
    if all((icons / name).is_file() for name in needed):
        return
    log("icons missing: generating them")
    subprocess.run([sys.executable, str(ROOT / "packaging" / "icons" / "make_icons.py")], check=True)


def freeze(clean: bool) -> float:
    args = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    args += ["--distpath", str(DIST), "--workpath", str(WORK)]
    if clean:
        args.append("--clean")
    start = time.perf_counter()
    subprocess.run([*args, str(SPEC)], cwd=ROOT, check=True)
    return time.perf_counter() - start


def app_dir() -> Path:
    return DIST / cfg.DIST_NAME


def frozen_exe(cli: bool = False) -> Path:
    if cfg.is_windows():
        return app_dir() / f"{cfg.CLI_NAME if cli else cfg.DIST_NAME}.exe"
    if cfg.is_macos():
        return DIST / f"{cfg.DIST_NAME}.app" / "Contents" / "MacOS" / cfg.DIST_NAME
    return app_dir() / cfg.DIST_NAME


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


# Bundle parts by the top-level names they occupy in the onedir's _internal/ (their .libs folder
# holds the native libraries their wheel vendors); everything else is "other".
COMPONENTS: dict[str, tuple[str, ...]] = {
    "opencv": ("cv2", "opencv_contrib_python.libs"),
    "mediapipe": ("mediapipe",),
    "av (FFmpeg)": ("av", "av.libs"),
    "PySide6 (Qt 6)": ("PySide6", "shiboken6"),
    "numpy": ("numpy", "numpy.libs"),
    "python": ("libpython", "python3", "base_library.zip"),
    "models+media": ("resources",),
    "pillow": ("PIL", "pillow.libs"),
    "cryptography": ("cryptography",),
}


def component_sizes(folder: Path) -> dict[str, float]:
    """MB per bundle part (see COMPONENTS), biggest first; the executable(s) count as "other"."""
    contents = folder / "_internal" if (folder / "_internal").is_dir() else folder
    sizes: dict[str, int] = {name: 0 for name in COMPONENTS}
    sizes["other"] = 0
    for entry in folder.iterdir():
        if entry != contents:
            sizes["other"] += folder_size(entry) if entry.is_dir() else entry.stat().st_size
    for entry in contents.iterdir():
        if entry.is_symlink():
            continue
        size = folder_size(entry) if entry.is_dir() else entry.stat().st_size
        part = next((n for n, prefixes in COMPONENTS.items() if entry.name.startswith(prefixes)), "other")
        sizes[part] += size
    return {k: round(v / 1e6, 1) for k, v in sorted(sizes.items(), key=lambda kv: -kv[1])}


def shrink(report: dict[str, object]) -> None:
    """Linux: strip symbol tables where the loader provably sees the same bytes (elf_tools)."""
    if not sys.platform.startswith("linux"):
        return
    before = folder_size(app_dir())
    result = elf_tools.strip_tree(app_dir())
    report["strip"] = {"stripped": len(result.stripped), "saved_mb": round(result.saved_bytes / 1e6, 1),
                       "left_as_is": result.refused, "onedir_mb_before": round(before / 1e6, 1)}
    log(f"stripped {len(result.stripped)} libraries (-{result.saved_bytes / 1e6:.1f} MB); "
        f"{len(result.refused)} left as they are (strip would change bytes the loader reads)")


def write_licences(report: dict[str, object]) -> None:
    result = licences.write(app_dir(), WORK)
    mac_app = DIST / f"{cfg.DIST_NAME}.app" / "Contents" / "Resources"
    if cfg.is_macos() and mac_app.is_dir():
        shutil.copy(result["file"], mac_app / Path(str(result["file"])).name)
    report["licences"] = result
    log(f"{Path(str(result['file'])).name}: {len(result['packages'])} packages, "  # type: ignore[arg-type]
        f"{result['native_libs']} vendored native libraries, {result['system_libs']} system libraries")
    log("GPL (no LGPL option or linking exception) in the bundle: " + (", ".join(result["gpl"]) or "none"))  # type: ignore[arg-type]


def audit(folder: Path) -> dict[str, object]:
    """What actually landed in the bundle: the checks a spec typo would silently break."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    names = [p.name for p in files]
    problems = []
    if not any(n.startswith("libmediapipe") for n in names):
        problems.append("libmediapipe is missing")
    if not (folder / "_internal" / "resources" / "models" / "PROVENANCE.md").is_file() and not any(
        p.match("*/resources/models/PROVENANCE.md") for p in files
    ):
        problems.append("resources/models is missing")
    leaked = sorted(
        {
            module.split(".")[1]
            for module in cfg.QT_EXCLUDES
            for n in names
            if n.startswith(module.split(".")[1] + ".")  # the PySide6 binding module file
        }
    )
    if leaked:
        problems.append("excluded Qt modules were bundled: " + ", ".join(leaked))
    cv2_dirs = [p for p in folder.rglob("cv2") if p.is_dir()]
    if len(cv2_dirs) > 1:
        problems.append(f"more than one cv2 folder: {cv2_dirs}")
    plugins = sorted(
        f"{p.parent.name}/{p.name}" for p in files if p.parent.parent.name == "plugins"
    )
    problems += dropped_but_needed(folder)
    return {"problems": problems, "qt_plugins": plugins, "file_count": len(files)}


def dropped_but_needed(folder: Path) -> list[str]:
    """A library the build leaves out (bundle_config) that a bundled library still links: it
    would fail to load on a machine without that library. Linux (ELF) only."""
    found = []
    for path, names in elf_tools.needed_by_file(folder).items():
        opencv = "opencv_contrib_python.libs" in path or "cv2" in Path(path).parts
        for name in names:
            # OpenCV's libraries resolve their NEEDED names in opencv_contrib_python.libs/.
            dropped_opencv = opencv and cfg.OPENCV_QT5_DROP.search(f"opencv_contrib_python.libs/{name}")
            if name.lower() in cfg.DROP_FILES or dropped_opencv:
                found.append(f"{path} links {name}, which the build leaves out")
    return found


def run_frozen(args: list[str], timeout: float, env: dict[str, str]) -> tuple[int, str, float]:
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [str(frozen_exe(cli=True)), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout or ""
        return 124, (output if isinstance(output, str) else output.decode()), timeout
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - start


def smoke(report: dict[str, object]) -> bool:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    ok = True
    code, output, seconds = run_frozen(["--self-test"], 300, env)
    print(output.rstrip())
    report["self_test"] = {"exit": code, "seconds": round(seconds, 2)}
    log(f"frozen --self-test exit {code} in {seconds:.1f} s")
    ok &= code == 0
    # Chinese must draw with real glyphs, in the Qt UI and in the video overlays (self-test notes).
    cjk_problems = [line.strip() for line in output.splitlines() if "no Chinese font" in line]
    if cjk_problems or "Chinese text in" not in output:
        log("PROBLEM: Chinese text would show as boxes: " + ("; ".join(cjk_problems) or "no Qt font report"))
        ok = False
    with tempfile.TemporaryDirectory(prefix="live-console-smoke-") as tmp:
        db = Path(tmp) / "smoke.db"
        demo = ["--demo", "--headless", "--quit-after", "10", "--db", str(db)]
        server = start_rtmp_server(Path(tmp) / "nginx", report)
        if server is not None:  # the headless demo also goes live: x264 encode + FLV mux + RTMP
            demo += ["--push", server.url("smoke")]
        try:
            code, output, seconds = run_frozen(demo, 180, env)
        finally:
            if server is not None:
                server.close()
        print(output.rstrip()[-3000:])
        report["demo"] = {"exit": code, "seconds": round(seconds, 2), "db_bytes": db.stat().st_size if db.exists() else 0}
        log(f"frozen {' '.join(demo[:6])} <tmp>{' --push <local nginx-rtmp>' if server else ''} exit {code} in {seconds:.1f} s")
        ok &= code == 0 and db.exists()
        if server is not None:
            ok &= check_push(output, server, report)
        elif report.get("push") != "skipped":
            ok = False
        # The window too (offscreen): the frozen Qt plugins, fonts and widgets actually paint.
        shot = Path(tmp) / "window.png"
        gui = ["--demo", "--quit-after", "6", "--db", str(Path(tmp) / "gui.db"), "--screenshot", str(shot)]
        code, output, seconds = run_frozen(gui, 180, env)
        print(output.rstrip()[-2000:])
        report["window"] = {"exit": code, "seconds": round(seconds, 2), "screenshot_bytes": shot.stat().st_size if shot.exists() else 0}
        log(f"frozen --demo (window, offscreen) --screenshot exit {code} in {seconds:.1f} s")
        ok &= code == 0 and shot.exists()
        if shot.exists():
            shutil.copy(shot, DIST / "smoke-window.png")  # kept for a human look after CI
    size = folder_size(app_dir())
    log(f"size: onedir {size / 1e6:.1f} MB — " + ", ".join(f"{k} {v}" for k, v in component_sizes(app_dir()).items()))
    return ok


def start_rtmp_server(prefix: Path, report: dict[str, object]):
    """A local nginx-rtmp (as the push tests start it), or None where it is not installed:
    required on Linux (CI installs it), skipped with the reason on macOS/Windows builders."""
    sys.path.insert(0, str(ROOT))
    from console.cli import rtmp_server as rtmp

    missing = rtmp.available()
    if missing:
        if sys.platform.startswith("linux"):
            log(f"PROBLEM: the push smoke needs a local RTMP server: {missing}")
            report["push"] = f"no server: {missing}"
        else:
            log(f"push smoke skipped on this platform: {missing}")
            report["push"] = "skipped"
        return None
    try:
        return rtmp.RtmpServer(prefix, record=True).start()
    except rtmp.RtmpServerUnavailable as exc:
        log(f"PROBLEM: the local RTMP server did not start: {exc}")
        report["push"] = f"server failed: {exc}"
        return None


def check_push(output: str, server, report: dict[str, object]) -> bool:
    """The frozen app's own push line, then what the server recorded, read back with PyAV."""
    import av

    line = next((ln for ln in output.splitlines() if ln.startswith("push ")), "")
    problems = [] if ": live," in line and "libx264" in line else [f"push line: {line or 'missing'}"]
    found: dict[str, object] = {"line": line}
    recordings = server.recordings
    if not recordings:
        problems.append("the server recorded nothing")
    else:
        with av.open(str(recordings[-1])) as container:
            video = next(iter(container.streams.video), None)
            audio = next(iter(container.streams.audio), None)
            frames = sum(1 for _ in container.decode(video=0)) if video else 0
            found.update(video=f"{video.codec_context.name} {video.codec_context.width}x{video.codec_context.height}" if video else None,
                         audio=audio.codec_context.name if audio else None, frames=frames,
                         flv_bytes=recordings[-1].stat().st_size)
        if not video or video.codec_context.name != "h264" or frames < 30:
            problems.append(f"recorded video: {found.get('video')}, {frames} frames")
        if not audio or audio.codec_context.name != "aac":
            problems.append(f"recorded audio: {found.get('audio')}")
    found["problems"] = problems
    report["push"] = found
    log(f"push read back from the server: video {found.get('video')}, {found.get('frames')} frames, audio {found.get('audio')}"
        + ("" if not problems else " — PROBLEM: " + "; ".join(problems)))
    return not problems


def bench(report: dict[str, object], runs: int) -> None:
    """Cold start to first frame, source vs frozen, with the app's own `bench startup`."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    base = [sys.executable, "-m", "console", "bench", "startup", "--json", "--runs", str(runs)]
    for mode, mode_args in (("headless", ["--headless"]), ("window", [])):
        for label, extra in (("source", []), ("frozen", ["--app", str(frozen_exe(cli=True))])):
            done = subprocess.run(
                [*base, *mode_args, *extra], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600
            )
            if done.returncode == 0:
                figure = _last_json(done.stdout)
            else:
                figure = f"failed (exit {done.returncode}): {done.stderr.strip()[-300:]}"
            report[f"bench_startup_{mode}_{label}"] = figure
            log(f"bench startup {mode} ({label}): {figure}")


def _last_json(output: str) -> object:
    for line in reversed(output.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                break
    return output.strip()[-500:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="run the frozen self-test and demo afterwards")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    parser.add_argument("--skip-build", action="store_true", help="only audit/smoke an existing dist/")
    parser.add_argument("--bench", type=int, metavar="RUNS", help="also time cold start to first frame, source vs frozen")
    parser.add_argument("--report", type=Path, default=DIST / "build-report.json")
    args = parser.parse_args(argv)

    version = cfg.app_version()
    log(f"{cfg.APP_NAME} {version} on {platform.system()} {platform.machine()}, Python {platform.python_version()}")
    try:
        run_preflight()
    except preflight.PreflightError as exc:
        print(f"[build] {exc}", file=sys.stderr)
        return 2
    report: dict[str, object] = {"version": version, "platform": f"{platform.system()}-{platform.machine()}"}
    if not args.skip_build:
        ensure_pyinstaller()
        ensure_icons()
        report["build_seconds"] = round(freeze(args.clean), 1)
        log(f"PyInstaller finished in {report['build_seconds']} s")
        shrink(report)
        write_licences(report)
    folder = app_dir()
    if not frozen_exe().exists():
        print(f"[build] no frozen app at {frozen_exe()}", file=sys.stderr)
        return 1
    size = folder_size(folder)
    report["onedir_bytes"] = size
    report["onedir_mb"] = round(size / 1e6, 1)
    found = audit(folder)
    report.update(found)
    report["qt_modules_excluded"] = [m.split(".")[1] for m in cfg.QT_EXCLUDES]
    log(f"onedir {folder} = {size / 1e6:.1f} MB, {found['file_count']} files")
    report["components_mb"] = component_sizes(folder)
    log("by part (MB): " + ", ".join(f"{k} {v}" for k, v in report["components_mb"].items()))  # type: ignore[union-attr]
    ok = not found["problems"]
    for problem in found["problems"]:
        log(f"PROBLEM: {problem}")
    if args.smoke:
        ok &= smoke(report)
    if args.bench:
        bench(report, args.bench)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    log(f"report written to {args.report}")
    log("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
