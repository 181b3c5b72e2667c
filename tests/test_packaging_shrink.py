"""What makes the frozen app smaller, checked without building it: the safe strip (a stripped
library is kept only when every byte the loader reads is the same), the NEEDED reader behind the
"dropped but still linked" audit, the exclusions, and the generated third-party licence file."""

from __future__ import annotations

import importlib.metadata as md
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))

import bundle_config as cfg  # noqa: E402
import elf_tools  # noqa: E402
import licences  # noqa: E402

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF libraries: Linux builds only")


def _extension(name: str) -> Path:
    module = __import__(name)
    return Path(module.__file__)


@linux_only
def test_strip_keeps_loaded_bytes_and_the_module_still_imports(tmp_path):
    original = _extension("_statistics")  # a CPython extension, not touched by patchelf
    assert elf_tools.has_symbol_table(original.read_bytes()), "this interpreter's modules are already stripped"
    copy = tmp_path / original.name
    shutil.copy(original, copy)

    report = elf_tools.strip_tree(tmp_path)

    assert report.stripped == [original.name] and report.refused == []
    assert report.saved_bytes == original.stat().st_size - copy.stat().st_size > 0
    assert not elf_tools.has_symbol_table(copy.read_bytes())
    assert elf_tools.loads_identically(original.read_bytes(), copy.read_bytes())
    # The stripped copy is what Python loads, and it works.
    code = f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import _statistics; print(_statistics.__file__); print(_statistics._normal_dist_inv_cdf(0.5, 1.0, 2.0))"
    done = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [str(copy), "1.0"]


@linux_only
def test_a_changed_loaded_byte_is_refused():
    data = _extension("_statistics").read_bytes()
    load = next(p for p in elf_tools._program_headers(data) if p[0] == elf_tools.PT_LOAD and p[5] > 0x100)
    at = load[2] + load[5] // 2
    changed = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
    assert not elf_tools.loads_identically(data, changed)
    # Section-header fields of the ELF header are not read by the loader: masked.
    moved = data[:0x28] + (12345).to_bytes(8, "little") + data[0x30:]
    assert elf_tools.loads_identically(data, moved)
    assert not elf_tools.loads_identically(data, b"not an elf" + data[10:])


@linux_only
def test_needed_reads_what_a_library_links():
    import PySide6

    network = Path(PySide6.__file__).parent / "Qt" / "lib" / "libQt6Network.so.6"
    names = elf_tools.needed(network.read_bytes())
    assert "libQt6Core.so.6" in names and "libgssapi_krb5.so.2" in names
    assert elf_tools.needed(b"\x7fELF not really") == []


@linux_only
def test_audit_names_a_dropped_library_that_a_kept_one_still_links(tmp_path):
    import PySide6

    build = sys.modules.get("live_console_build")
    if build is None:
        import importlib.util

        spec = importlib.util.spec_from_file_location("live_console_build", ROOT / "packaging" / "build.py")
        build = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(build)
    internal = tmp_path / "_internal"
    internal.mkdir()
    shutil.copy(Path(PySide6.__file__).parent / "Qt" / "lib" / "libQt6Network.so.6", internal)
    problems = build.dropped_but_needed(tmp_path)
    assert problems == ["_internal/libQt6Network.so.6 links libgssapi_krb5.so.2, which the build leaves out"]


def test_dropped_files_and_excludes_are_what_the_app_never_loads():
    assert not cfg.keep_binary("PySide6/Qt/lib/libQt6Network.so.6")
    assert not cfg.keep_binary("libgssapi_krb5.so.2")
    assert cfg.keep_binary("PySide6/Qt/lib/libQt6Core.so.6")
    for module in ("yaml", "readline", "PIL._avif", "PIL._webp", "rich", "pygments"):
        assert module in cfg.PY_EXCLUDES
    # What the app does use stays in: Pillow's core and its text rendering, httpx itself, click
    # (sqlite-utils imports it at module level).
    for module in ("PIL", "PIL._imaging", "PIL._imagingft", "httpx", "click"):
        assert module not in cfg.PY_EXCLUDES


def test_httpx_and_pillow_work_without_the_excluded_parts():
    """The exclusions rely on these packages treating the parts as optional."""
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'rich', 'pygments', 'yaml'} or name in {'PIL._avif', 'PIL._webp', 'PIL._imagingcms'}:\n"
        "            raise ImportError('left out of the bundle: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import httpx, numpy\n"
        "from PIL import Image, ImageDraw, ImageFont, AvifImagePlugin, WebPImagePlugin\n"
        "assert not AvifImagePlugin.SUPPORTED and not WebPImagePlugin.SUPPORTED\n"
        "image = Image.new('RGBA', (40, 20)); ImageDraw.Draw(image).text((2, 2), 'ok', font=ImageFont.load_default())\n"
        "print(httpx.__version__, image.getbbox() is not None)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[1] == "True"


def test_strong_copyleft_is_told_from_lgpl_and_exceptions():
    assert licences.strong_copyleft("GNU General Public License v2 (GPLv2)")
    assert licences.strong_copyleft("GPL-2.0-or-later (commercial licence available from x264 LLC)")
    assert not licences.strong_copyleft("LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only")
    assert not licences.strong_copyleft("LGPL-3.0-or-later or GPL-2.0-or-later")
    assert not licences.strong_copyleft("GPL-3.0-or-later with the GCC Runtime Library Exception")
    assert not licences.strong_copyleft("GNU General Public License v2 (GPLv2); GPLv2-or-later with a special exception which allows")
    assert not licences.strong_copyleft("MIT")


def _fake_work(tmp_path: Path, sources: list[Path]) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    pyz = ("PYZ-00.pyz", [(p.stem, str(p), "PYMODULE") for p in sources if p.suffix == ".py"])
    collect = [(p.name, str(p), "BINARY") for p in sources if p.suffix != ".py"]
    (work / "PYZ-00.toc").write_text(repr(pyz), encoding="utf-8")
    (work / "COLLECT-00.toc").write_text(repr(collect), encoding="utf-8")
    return work


def test_licence_file_lists_what_the_bundle_holds_with_texts(tmp_path):
    import numpy
    import pyvirtualcam

    work = _fake_work(tmp_path, [Path(numpy.__file__), Path(pyvirtualcam.__file__)])
    app = tmp_path / "app"
    (app / "_internal" / "av.libs").mkdir(parents=True)
    (app / "_internal" / "av.libs" / "libx264-d6533a8d.so.165").write_bytes(b"")

    result = licences.write(app, work)

    names = {key.split()[0] for key in result["packages"]}
    assert {"numpy", "pyvirtualcam"} <= names and "pytest" not in names
    text = (app / "THIRD-PARTY-LICENSES.txt").read_text(encoding="utf-8")
    assert f"pyvirtualcam {md.version('pyvirtualcam')}" in text and "GNU GENERAL PUBLIC LICENSE" in text.upper()
    assert "av.libs/libx264-d6533a8d.so.165" in text
    assert any(item.startswith("pyvirtualcam") for item in result["gpl"])
    assert "x264 (av.libs/libx264-d6533a8d.so.165)" in result["gpl"]
    assert not any(item.startswith("numpy") for item in result["gpl"] + result["lgpl"])
