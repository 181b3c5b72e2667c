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
    return {"problems": problems, "qt_plugins": plugins, "file_count": len(files)}


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
    with tempfile.TemporaryDirectory(prefix="live-console-smoke-") as tmp:
        db = Path(tmp) / "smoke.db"
        demo = ["--demo", "--headless", "--quit-after", "10", "--db", str(db)]
        code, output, seconds = run_frozen(demo, 180, env)
        print(output.rstrip()[-3000:])
        report["demo"] = {"exit": code, "seconds": round(seconds, 2), "db_bytes": db.stat().st_size if db.exists() else 0}
        log(f"frozen {' '.join(demo[:-1])} <tmp> exit {code} in {seconds:.1f} s")
        ok &= code == 0 and db.exists()
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
    return ok


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
