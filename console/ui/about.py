"""About Live Console: version, and the licences of everything shipped inside the app.

The model rows come from resources/models/PROVENANCE.md and the portrait notice from
resources/media/NOTICE.md, so the dialog cannot drift from the files actually bundled. Library
versions are read from package metadata (the frozen build copies it) or from the loaded module.
"""

from __future__ import annotations

import html
import importlib.metadata
import platform
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from console import APP_NAME, __version__
from console.i18n import pick
from console.resources import resource


@dataclass(frozen=True, slots=True)
class Library:
    name: str
    dist: str
    """Distribution name for importlib.metadata ('' for things that are not Python packages)."""
    module: str
    licence: str
    note: str = ""


LIBRARIES: tuple[Library, ...] = (
    Library("Python", "", "", "PSF-2.0"),
    Library("Qt 6 / PySide6", "PySide6-Essentials", "PySide6", "LGPL-3.0",
            "Linked dynamically: the Qt libraries in the install folder can be replaced with your own build."),
    Library("OpenCV", "opencv-contrib-python", "cv2", "Apache-2.0",
            "The wheel bundles FFmpeg (LGPL-2.1) and OpenBLAS (BSD-3-Clause)."),
    Library("MediaPipe", "mediapipe", "mediapipe", "Apache-2.0"),
    Library("NumPy", "numpy", "numpy", "BSD-3-Clause", "Bundles OpenBLAS (BSD-3-Clause)."),
    Library("Pillow", "pillow", "PIL", "MIT-CMU"),
    Library("qasync", "qasync", "qasync", "BSD-2-Clause"),
    Library("HTTPX", "httpx", "httpx", "BSD-3-Clause"),
    Library("websockets", "websockets", "websockets", "BSD-3-Clause"),
    Library("aiohttp", "aiohttp", "aiohttp", "Apache-2.0"),
    Library("tomlkit", "tomlkit", "tomlkit", "MIT"),
    Library("sqlite-utils", "sqlite-utils", "sqlite_utils", "Apache-2.0"),
    Library("RapidFuzz", "rapidfuzz", "rapidfuzz", "MIT"),
    Library("pyahocorasick", "pyahocorasick", "ahocorasick", "BSD-3-Clause"),
    Library("PyQtGraph", "pyqtgraph", "pyqtgraph", "MIT"),
    Library("pyvirtualcam", "pyvirtualcam", "pyvirtualcam", "GPL-2.0",
            "The virtual camera output. Copyleft: shipping it in a closed-source installer needs a licence decision."),
    Library("SQLite", "", "sqlite3", "Public domain"),
    Library("platformdirs", "platformdirs", "platformdirs", "MIT"),
    Library("keyring", "keyring", "keyring", "MIT"),
    Library("absl-py", "absl-py", "absl", "Apache-2.0"),
    Library("FlatBuffers", "flatbuffers", "flatbuffers", "Apache-2.0"),
)

_MODEL_ROW = re.compile(r"^\|\s*([\w.-]+\.(?:task|tflite))\s*\|\s*[0-9a-fA-F]{64}\s*\|\s*(.+?)\s*\|\s*$", re.M)


@dataclass(frozen=True, slots=True)
class ModelNotice:
    file: str
    origin: str


def model_notices(provenance: Path | None = None) -> list[ModelNotice]:
    path = provenance or resource("models", "PROVENANCE.md")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    return [ModelNotice(name, origin.replace("`", "")) for name, origin in _MODEL_ROW.findall(text)]


def portrait_notice(notice: Path | None = None) -> str:
    path = notice or resource("media", "NOTICE.md")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return "astronaut.png: NASA photograph, public domain."
    items = re.split(r"^- ", text, flags=re.M)[1:]
    return " ".join(items[0].split()) if items else text.strip()


def library_version(lib: Library) -> str:
    if lib.name == "Python":
        return platform.python_version()
    if lib.module == "sqlite3":
        import sqlite3

        return sqlite3.sqlite_version
    if lib.module == "PySide6":
        return qVersion()
    if lib.dist:
        try:
            return importlib.metadata.version(lib.dist)
        except importlib.metadata.PackageNotFoundError:
            pass
    module = sys.modules.get(lib.module)
    return str(getattr(module, "__version__", "")) if module else ""


def licences_html() -> str:
    esc = html.escape
    parts = [f"<h3>{esc(pick('Models', '模型'))}</h3>", "<ul>"]
    for m in model_notices():
        parts.append(
            f"<li><b>{esc(m.file)}</b> — Google MediaPipe, Apache-2.0.<br/><small>{esc(m.origin)}</small></li>"
        )
    parts.append("</ul>")
    parts.append(f"<h3>{esc(pick('Libraries', '软件库'))}</h3><table cellpadding='3'>")
    for lib in LIBRARIES:
        version = library_version(lib)
        note = f"<br/><small>{esc(lib.note)}</small>" if lib.note else ""
        parts.append(
            f"<tr><td><b>{esc(lib.name)}</b> {esc(version)}{note}</td><td>{esc(lib.licence)}</td></tr>"
        )
    parts.append("</table>")
    parts.append(f"<h3>{esc(pick('Demo media', '演示素材'))}</h3><p>{esc(portrait_notice())}</p>")
    return "".join(parts)


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AboutDialog")
        self.setWindowTitle(pick(f"About {APP_NAME}", f"关于 {APP_NAME}"))
        self.resize(560, 520)

        icon = QLabel()
        pixmap = QPixmap(str(resource("icons", "live_console_128.png")))
        if not pixmap.isNull():
            icon.setPixmap(pixmap.scaled(72, 72, Qt.AspectRatioMode.KeepAspectRatio,
                                         Qt.TransformationMode.SmoothTransformation))
        self.title = QLabel(f"<h2>{html.escape(APP_NAME)}</h2>")
        mode = pick("installed build", "安装版") if getattr(sys, "frozen", False) else pick("from source", "源码运行")
        self.version_label = QLabel(
            pick("Version", "版本") + f" {__version__} ({mode}) · Qt {qVersion()} · Python {platform.python_version()}"
        )
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        heading = QVBoxLayout()
        heading.addWidget(self.title)
        heading.addWidget(self.version_label)
        heading.addWidget(QLabel(pick(
            "Camera try-on, live comments and one-click interactions for live-commerce hosts.",
            "面向直播带货主播的摄像头试妆、实时评论与一键互动。",
        )))
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(heading, 1)

        self.licences = QTextBrowser()
        self.licences.setOpenExternalLinks(False)
        self.licences.setHtml(licences_html())

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel(pick("Licences of what ships inside the app:", "应用内附带组件的许可证：")))
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)
