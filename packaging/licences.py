"""THIRD-PARTY-LICENSES.txt for the frozen app: every third-party package it actually bundles.

Which packages are bundled is read from PyInstaller's own tables of what it packed (PYZ-00.toc:
Python modules; COLLECT-00.toc: binaries and data files, each with its source path), so a package
the analysis left out is not listed and one it pulled in is never missed. Each source path is
mapped to its installed distribution; for each distribution the file gives name, version, declared
licence and the full text of the licence files its wheel ships.

Wheels that vendor native libraries without their licence texts are covered by NATIVE_NOTES
(checked by hand against each project's licence). Libraries PyInstaller copied from the build
machine itself (Linux) are listed with their Debian package and its copyright file.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import shutil
import subprocess
import sys
from pathlib import Path

OWN_DISTS = {"live-console"}
COPYLEFT = re.compile(r"\b(A?GPL|LGPL|GNU (Lesser |Library )?General Public)", re.I)

# Native libraries a wheel bundles in <package>.libs/ whose licences the wheel does not ship.
# Key: file-name prefix inside the .libs folder; value: (project, licence).
NATIVE_NOTES: dict[str, tuple[str, str]] = {
    "libavcodec": ("FFmpeg", "LGPL-2.1-or-later (OpenCV's build) / LGPL-3.0-or-later (PyAV's build, as each library's build string states)"),
    "libavformat": ("FFmpeg", "LGPL (see libavcodec)"), "libavutil": ("FFmpeg", "LGPL (see libavcodec)"),
    "libavfilter": ("FFmpeg", "LGPL (see libavcodec)"), "libavdevice": ("FFmpeg", "LGPL (see libavcodec)"),
    "libswscale": ("FFmpeg", "LGPL (see libavcodec)"), "libswresample": ("FFmpeg", "LGPL (see libavcodec)"),
    "libx264": ("x264", "GPL-2.0-or-later (commercial licence available from x264 LLC)"),
    "libx265": ("x265", "GPL-2.0-or-later (commercial licence available from MulticoreWare)"),
    "libSvtAv1Enc": ("SVT-AV1", "BSD-3-Clause-Clear + AOM patent licence"),
    "libvpx": ("libvpx", "BSD-3-Clause"), "libdav1d": ("dav1d", "BSD-2-Clause"), "libaom": ("libaom", "BSD-2-Clause"),
    "libopus": ("Opus", "BSD-3-Clause"), "libmp3lame": ("LAME", "LGPL-2.0-or-later"),
    "libopencore-amr": ("opencore-amr", "Apache-2.0"), "libvpl": ("oneVPL", "MIT"),
    "libgnutls": ("GnuTLS", "LGPL-2.1-or-later"), "libnettle": ("Nettle", "LGPL-3.0-or-later or GPL-2.0-or-later"),
    "libhogweed": ("Nettle", "LGPL-3.0-or-later or GPL-2.0-or-later"), "libgmp": ("GMP", "LGPL-3.0-or-later or GPL-2.0-or-later"),
    "libunistring": ("libunistring", "LGPL-3.0-or-later or GPL-2.0-or-later"), "libasound": ("alsa-lib", "LGPL-2.1-or-later"),
    "libdrm": ("libdrm", "MIT"), "libxcb": ("libxcb", "MIT"), "libXau": ("libXau", "MIT"),
    "libwebp": ("libwebp", "BSD-3-Clause"), "libsharpyuv": ("libwebp", "BSD-3-Clause"),
    "libQt5": ("Qt 5", "LGPL-3.0-only (OpenCV's HighGUI; see opencv's LICENSE-3RD-PARTY)"),
    "libopenblas": ("OpenBLAS", "BSD-3-Clause"), "libscipy_openblas": ("OpenBLAS", "BSD-3-Clause"),
    "libgfortran": ("GCC runtime", "GPL-3.0-or-later with the GCC Runtime Library Exception"),
    "libquadmath": ("GCC runtime", "LGPL-2.1-or-later"),
}


def strong_copyleft(licence: str) -> bool:
    """GPL/AGPL without a weaker alternative (an LGPL option or GCC's runtime exception)."""
    first = licence.split(" or ")[0].split(";")[0]
    # PyInstaller's bootloader: GPL with an exception for distributing frozen non-free programs.
    if "exception" in licence.lower() or re.search(r"\bLGPL|Lesser|Library", first):
        return False
    return bool(re.search(r"\bA?GPL|General Public License", first))


def _toc_sources(work: Path) -> set[Path]:
    sources: set[Path] = set()
    for name in ("PYZ-00.toc", "COLLECT-00.toc"):
        toc = next(iter(sorted(work.rglob(name))), None)
        if toc is None:
            raise FileNotFoundError(f"{name} not found under {work}: build first")
        data = ast.literal_eval(toc.read_text(encoding="utf-8"))
        entries = data[1] if name.startswith("PYZ") else data
        for entry in _flatten(entries):
            if isinstance(entry, tuple) and len(entry) == 3 and isinstance(entry[1], str) and entry[1]:
                sources.add(Path(entry[1]).resolve())
    return sources


def _flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def bundled_distributions(work: Path) -> list[md.Distribution]:
    sources = _toc_sources(work)
    found: dict[str, md.Distribution] = {}
    for dist in md.distributions():
        name = dist.metadata["Name"]
        if not name or name.lower() in OWN_DISTS or name.lower() in found:
            continue
        for f in dist.files or ():
            if Path(dist.locate_file(f)).resolve() in sources:
                found[name.lower()] = dist
                break
    return sorted(found.values(), key=lambda d: d.metadata["Name"].lower())


def declared_licence(dist: md.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    text = (meta.get("License") or "").strip()
    short = text.splitlines()[0][:120] if text else ""
    return "; ".join(x for x in (*classifiers, short) if x) or "not declared (see the licence text below)"


def licence_files(dist: md.Distribution) -> list[tuple[str, str]]:
    out = []
    for f in dist.files or ():
        parts = Path(str(f)).parts
        if not parts or not parts[0].endswith(".dist-info"):
            continue
        leaf = parts[-1].upper()
        if ("licenses" in parts or leaf.startswith(("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS"))) and not leaf.endswith((".PY", ".PYC")):
            path = Path(dist.locate_file(f))
            if path.is_file():
                out.append((str(Path(*parts[1:])), path.read_text(encoding="utf-8", errors="replace")))
    return out


def _native_libs(contents: Path) -> list[tuple[str, str, str]]:
    rows = []
    # Linux (auditwheel) and Windows (delvewheel): <package>.libs/; macOS (delocate): <package>/.dylibs/
    for libs in sorted([*contents.glob("*.libs"), *contents.glob("*/.dylibs")]):
        for lib in sorted(libs.iterdir()):
            note = next((v for k, v in NATIVE_NOTES.items() if lib.name.startswith(k)), None)
            project, licence = note or ("?", "see the owning package's licence files above")
            rows.append((str(lib.relative_to(contents)).replace("\\", "/"), project, licence))
    return rows


def _system_libs(contents: Path) -> list[tuple[str, str, Path | None]]:
    """Top-level libraries PyInstaller copied from the build machine (Linux, Debian's dpkg)."""
    if not sys.platform.startswith("linux") or not shutil.which("dpkg"):
        return []
    rows = []
    for lib in sorted(contents.glob("lib*.so*")):
        if lib.is_symlink() or lib.name.startswith("libpython"):
            continue
        done = subprocess.run(["dpkg", "-S", f"*/{lib.name}"], capture_output=True, text=True, check=False)
        package = done.stdout.split(":", 1)[0].strip() if done.returncode == 0 else ""
        copyright_file = Path(f"/usr/share/doc/{package}/copyright") if package else None
        rows.append((lib.name, package or "?", copyright_file if copyright_file and copyright_file.is_file() else None))
    return rows


def write(app_dir: Path, work: Path, out_name: str = "THIRD-PARTY-LICENSES.txt") -> dict[str, object]:
    """Writes the file into the app folder; returns a summary (package → licence, copyleft list)."""
    contents = app_dir / "_internal" if (app_dir / "_internal").is_dir() else app_dir
    dists = bundled_distributions(work)
    lines = [
        "Live Console bundles the following third-party software. Each is used under its own licence,",
        "reproduced or referenced below. Generated by packaging/licences.py at build time.",
        "", "=" * 100, "SUMMARY", "=" * 100,
    ]
    summary: dict[str, str] = {}
    for dist in dists:
        summary[f"{dist.metadata['Name']} {dist.version}"] = declared_licence(dist)
    python_licence = Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "LICENSE.txt"
    summary[f"Python {sys.version.split()[0]} (interpreter and standard library)"] = "PSF-2.0"
    width = max(len(k) for k in summary)
    lines += [f"{k:<{width}}  {v}" for k, v in summary.items()]
    native = _native_libs(contents)
    system = _system_libs(contents)
    strong = sorted({k for k, v in summary.items() if strong_copyleft(v)}
                    | {f"{project} ({path})" for path, project, licence in native if strong_copyleft(licence)})
    weak = sorted({k for k, v in summary.items() if COPYLEFT.search(v) and not strong_copyleft(v)}
                  | {f"{project} ({path})" for path, project, licence in native if COPYLEFT.search(licence) and not strong_copyleft(licence)})
    for dist in dists:
        lines += ["", "=" * 100, f"{dist.metadata['Name']} {dist.version} — {declared_licence(dist)}", "=" * 100]
        texts = licence_files(dist)
        if not texts:
            lines.append("(the wheel ships no licence file; the declared licence is above)")
        for name, text in texts:
            lines += ["", f"--- {name} ---", text.rstrip()]
    if native:
        lines += ["", "=" * 100, "NATIVE LIBRARIES VENDORED INSIDE WHEELS (<package>.libs/, <package>/.dylibs/)", "=" * 100]
        lines += [f"{path:<64} {project:<14} {licence}" for path, project, licence in native]
    if system:
        lines += ["", "=" * 100, "LIBRARIES COPIED FROM THE BUILD SYSTEM (Debian packages)", "=" * 100]
        lines += [f"{lib:<40} {package}" for lib, package, _ in system]
        seen: set[str] = set()
        for _lib, package, copyright_file in system:
            if copyright_file and package not in seen:
                seen.add(package)
                lines += ["", f"--- {package}: {copyright_file} ---", copyright_file.read_text(encoding="utf-8", errors="replace").rstrip()]
    if python_licence.is_file():
        lines += ["", "=" * 100, "Python — PSF-2.0", "=" * 100, python_licence.read_text(encoding="utf-8", errors="replace").rstrip()]
    out = app_dir / out_name
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"file": str(out), "bytes": out.stat().st_size, "packages": summary, "gpl": strong, "lgpl": weak,
            "native_libs": len(native), "system_libs": len(system)}
