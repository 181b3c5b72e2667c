"""What goes into the frozen app and what stays out — read by the PyInstaller spec, the build
script and the tests, so the lists are written once.

Plain Python with no PyInstaller import: the tests check these lists without building anything.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "Live Console"
DIST_NAME = "LiveConsole"
"""Folder, executable and .app name (no space: scripts and shells stay simple)."""
CLI_NAME = "live-console"
"""Windows only: a console-subsystem twin of the GUI exe, for --self-test and commands in a terminal."""
BUNDLE_ID = "app.liveconsole.console"
PUBLISHER = "Live Console"
WINDOWS_APP_ID = "7C1F3E5A-2B84-4D6E-9A53-0F8B6C2D41E7"
"""Inno Setup AppId: fixed forever, or upgrades install side by side instead of replacing."""
PYINSTALLER_PIN = "pyinstaller==6.22.3"

# Qt modules the app never imports. PyInstaller collects only what is imported, so this list is
# the guard against an accidental import (a stray `from PySide6 import QtQml` pulls in ~60 MB).
# The Addons modules are listed too so that a machine with PySide6-Addons still builds lean.
QT_EXCLUDES: tuple[str, ...] = tuple(
    f"PySide6.{name}"
    for name in (
        # Essentials modules the app does not use
        "QtQml", "QtQmlFeatures", "QtQuick", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets",
        "QtDesigner", "QtHelp", "QtUiTools", "QtSql", "QtXml", "QtPrintSupport",
        # QtTest, QtOpenGL and QtOpenGLWidgets stay: pyqtgraph (the insight docks' plots) imports
        # them at import time (pyqtgraph/Qt/OpenGLHelpers.py); excluding them broke the frozen window.
        "QtConcurrent", "QtLabsStyleKit", "QtNetwork", "QtDBus",
        # Addons (not installed by PySide6-Essentials; excluded in case they are)
        "QtWebEngineCore", "QtWebEngineWidgets", "QtWebEngineQuick", "QtWebChannel", "QtWebView",
        "QtWebSockets", "QtHttpServer", "Qt3DCore", "Qt3DRender", "Qt3DInput", "Qt3DLogic",
        "Qt3DAnimation", "Qt3DExtras", "QtQuick3D", "QtMultimedia", "QtMultimediaWidgets",
        "QtSpatialAudio", "QtTextToSpeech", "QtPdf", "QtPdfWidgets", "QtCharts",
        "QtDataVisualization", "QtGraphs", "QtGraphsWidgets", "QtBluetooth", "QtNfc",
        "QtPositioning", "QtLocation", "QtSensors", "QtSerialPort", "QtSerialBus",
        "QtRemoteObjects", "QtScxml", "QtStateMachine", "QtAxContainer",
    )
)

# Other Python packages kept out of the bundle, each for a stated reason.
PY_EXCLUDES: tuple[str, ...] = (
    "PyQt5", "PyQt6", "PySide2",  # qasync probes for these; only PySide6 ships
    "tkinter", "_tkinter",  # no Tk UI; matplotlib's TkAgg backend would drag it in
    "IPython", "jupyter_client", "notebook",
    "pytest", "pytestqt", "pytest_asyncio",
    "PyInstaller",
    # mediapipe/tasks/python/vision/drawing_utils.py imports matplotlib.pyplot at module level
    # (vision/__init__.py imports drawing_utils), but only its plotting helpers use it and the
    # console never calls them. The runtime hook registers a placeholder module instead, so the
    # ≈ 45 MB matplotlib chain stays out; `--self-test` runs every tracker to prove it.
    "matplotlib", "kiwisolver", "contourpy", "fontTools", "cycler", "mpl_toolkits",
    # PyYAML (≈ 3 MB with its C extension): only numpy.__config__.show() imports it, inside the
    # function; nothing in the app reads YAML. A strace of every smoke scenario never opened it.
    "yaml", "_yaml",
    # Interactive line editing for pdb/code.interact; the app has no REPL (+ libreadline, libtinfo).
    "readline",
    # Pillow only renders overlay text here (ImageFont/ImageDraw on in-memory images); the app
    # never decodes a picture with Pillow (OpenCV reads the portrait, Qt the thumbnails). Pillow's
    # plugins treat these extensions as optional (`try: from . import _avif` → SUPPORTED = False),
    # and leaving them out also drops libavif (4.9 MB) and libwebp with its helpers.
    "PIL._avif", "PIL._webp", "PIL._imagingcms", "PIL.ImageCms", "PIL._imagingtk", "PIL.ImageTk",
    # httpx's optional command-line client (httpx/_main.py) is the only importer of rich, pygments
    # and markdown-it; httpx/__init__.py catches the ImportError (`httpx` CLI unavailable), and the
    # app uses httpx only as a library. ≈ 500 pure-Python modules.
    "rich", "pygments", "markdown_it", "mdurl",
)

# Package metadata copied into the bundle so the About dialog shows real versions when frozen
# (importlib.metadata finds nothing otherwise). Must cover console/ui/about.py LIBRARIES.
METADATA_DISTS: tuple[str, ...] = (
    "PySide6-Essentials", "opencv-contrib-python", "mediapipe", "numpy", "pillow",
    "qasync", "httpx", "websockets", "sqlite-utils", "platformdirs", "keyring", "absl-py",
    "flatbuffers", "aiohttp", "tomlkit", "rapidfuzz", "pyahocorasick", "pyqtgraph", "pyvirtualcam", "live-console",
)

# Qt plugins: PyInstaller's Qt hooks collect whole plugin folders; keep only what the app uses.
# Key: plugin folder; value: file stems kept (empty tuple: drop the whole folder).
QT_PLUGIN_KEEP: dict[str, tuple[str, ...] | None] = {
    "platforms": ("qoffscreen", "qminimal", "qxcb", "qwayland", "qcocoa", "qwindows", "qdirect2d"),
    "imageformats": ("qjpeg", "qico", "qsvg", "qgif", "qwebp", "qicns"),
    "iconengines": ("qsvgicon",),
    "styles": None,  # every style shipped (qmodernwindowsstyle on Windows, macOS style)
    "platformthemes": None,  # native file dialogs and colours on Linux desktops
    "platforminputcontexts": ("composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"),
    "xcbglintegrations": None,
    "wayland-decoration-client": None,
    "wayland-graphics-integration-client": None,
    "wayland-shell-integration": None,
    "generic": (),
    "egldeviceintegrations": (),
    "networkinformation": (),
    "tls": (),
    "sqldrivers": (),
    "printsupport": (),
    "qmltooling": (),
    "designer": (),
    "vectorimageformats": (),
}
# Single files dropped wherever they are collected from.
DROP_FILES = frozenset({
    "opengl32sw.dll",  # Windows: Mesa software OpenGL (~20 MB); the app draws with QPainter, no GL
    # Linux: PySide6's hooks collect libQt6Network although the app never imports QtNetwork and no
    # plugin kept in QT_PLUGIN_KEEP links it (tls/networkinformation are dropped); Kerberos comes in
    # only as its dependency. build.py's audit fails if any bundled library still NEEDs one of these.
    "libqt6network.so.6", "libgssapi_krb5.so.2", "libkrb5.so.3", "libk5crypto.so.3",
    "libkrb5support.so.0", "libcom_err.so.2", "libkeyutils.so.1",
})
# OpenCV's Linux wheel carries its own Qt 5 for cv2.imshow windows. cv2.abi3.so links
# Qt5Core/Gui/Widgets/Test directly (they must stay or cv2 does not load), and its FFmpeg
# (libavdevice) links xcb, xcb-shm/shape/xfixes and Xau. The xcb platform plugin and what only it
# links (XcbQpa, the other xcb-* helpers, xkbcommon, X11-xcb) and its fonts load only when a
# HighGUI window opens — the console never opens one (Qt 6 draws the UI). `--self-test` imports
# cv2 and runs every tracker, so a wrong entry here fails the frozen smoke test.
OPENCV_QT5_DROP = re.compile(
    r"(^|/)(cv2/qt/|opencv_contrib_python\.libs/lib(Qt5XcbQpa|xkbcommon|X11-xcb"
    r"|xcb-(icccm|image|keysyms|randr|render|render-util|sync|util|xinerama|xkb)-)[^/]*$)")
# Qt's own translations: the app speaks Chinese and English only.
QT_TRANSLATION_LANGS = ("zh_CN", "zh_TW", "en")


def _plugin_parts(dest: str) -> tuple[str, str] | None:
    parts = Path(dest.replace("\\", "/")).parts
    if "plugins" not in parts:
        return None
    i = parts.index("plugins")
    if len(parts) < i + 3:
        return None
    return parts[i + 1], parts[-1]


def _stem(filename: str) -> str:
    name = filename.split(".")[0]
    return name[3:] if name.startswith("lib") else name


def keep_binary(dest: str) -> bool:
    """False for a Qt plugin or translation the app does not need (dest: path inside the bundle)."""
    if Path(dest.replace("\\", "/")).name.lower() in DROP_FILES:
        return False
    if OPENCV_QT5_DROP.search(dest.replace("\\", "/")):
        return False
    found = _plugin_parts(dest)
    if found is not None:
        folder, filename = found
        keep = QT_PLUGIN_KEEP.get(folder, None)
        if keep is None:
            return True
        return _stem(filename) in keep
    norm = dest.replace("\\", "/")
    if "/translations/" in norm and norm.endswith(".qm"):
        lang = Path(norm).stem.split("_", 1)[-1]
        return lang in QT_TRANSLATION_LANGS
    return True


def app_version() -> str:
    """console.__version__, checked against pyproject.toml so the two can never drift apart."""
    init = (ROOT / "console" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', init, re.M)
    if not match:
        raise RuntimeError("console/__init__.py has no __version__")
    version = match.group(1)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    declared = re.search(r'^version\s*=\s*"([^"]+)"', pyproject, re.M)
    if declared and declared.group(1) != version:
        raise RuntimeError(
            f"version mismatch: pyproject.toml says {declared.group(1)}, console says {version}"
        )
    return version


def version_tuple(version: str) -> tuple[int, int, int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", version)[:4]]
    return tuple((numbers + [0, 0, 0, 0])[:4])  # type: ignore[return-value]


def is_macos() -> bool:
    return sys.platform == "darwin"


def is_windows() -> bool:
    return sys.platform == "win32"
