"""The frozen app's Linux libraries: strip their symbol tables safely, and read what each one links.

About 150 of the bundle's shared objects keep their full symbol table (libpython alone: 17 MB of
it); together ≈ 75 MB that the dynamic loader never reads. PyInstaller's own `strip=True` is not
used because GNU strip may re-lay-out a library that patchelf/auditwheel edited, and one such
library (numpy's OpenBLAS) then stops loading ("ELF load command address/offset not
page-aligned") — the frozen self-test caught that once.

So each library is stripped to a copy and the copy is kept only when everything the loader reads
is byte-identical: the ELF header's program-header fields, every program header, and the file
bytes of every PT_LOAD segment (which hold the dynamic section, .dynsym, code and data). Only the
non-loaded parts differ (.symtab, .strtab, debug sections, section headers). A library that strip
would change in any loaded byte is left as it was and named in the report.

`needed()` reads a library's DT_NEEDED names, so the build can prove that no library it dropped
is still linked by one it kept.

Plain Python and GNU strip; no PyInstaller import (the tests use it on their own files).
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
SHT_SYMTAB = 2
PT_LOAD = 1
PT_DYNAMIC = 2
DT_NEEDED = 1
DT_STRTAB = 5


@dataclass
class StripReport:
    stripped: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    saved_bytes: int = 0


def _elf64le(data: bytes) -> bool:
    return data[:4] == ELF_MAGIC and data[4] == 2 and data[5] == 1  # ELFCLASS64, little-endian


def _program_headers(data: bytes) -> list[tuple[int, ...]]:
    phoff = struct.unpack_from("<Q", data, 0x20)[0]
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    return [struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize) for i in range(phnum)]


def has_symbol_table(data: bytes) -> bool:
    """True when the file carries .symtab or debug sections (what strip would remove)."""
    if not _elf64le(data):
        return False
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    if not shoff or not shnum or shoff + shnum * shentsize > len(data):
        return False
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names_at = sections[shstrndx][4] if shstrndx < shnum else 0
    for name_off, sh_type, *_ in sections:
        if sh_type == SHT_SYMTAB:
            return True
        end = data.find(b"\0", names_at + name_off)
        if data[names_at + name_off : end].startswith(b".debug"):
            return True
    return False


def loads_identically(original: bytes, stripped: bytes) -> bool:
    """Everything the dynamic loader reads is the same in both files."""
    if not (_elf64le(original) and _elf64le(stripped)):
        return False
    # ELF header fields the loader uses: type, machine, entry, program-header table position/shape.
    head = lambda d: (d[:0x20], struct.unpack_from("<Q", d, 0x20), d[0x34:0x3A])  # noqa: E731
    if head(original) != head(stripped):
        return False
    phdrs = _program_headers(original)
    if phdrs != _program_headers(stripped):
        return False
    # The first segment maps the ELF header too, whose section-header fields (e_shoff, e_shentsize,
    # e_shnum, e_shstrndx) strip rewrites; the loader never reads them, so they are masked.
    a, b = _mask_section_fields(original), _mask_section_fields(stripped)
    for p_type, _flags, offset, _vaddr, _paddr, filesz, _memsz, _align in phdrs:
        if p_type == PT_LOAD and a[offset : offset + filesz] != b[offset : offset + filesz]:
            return False
    return True


def _mask_section_fields(data: bytes) -> bytes:
    return data[:0x28] + bytes(8) + data[0x30:0x3A] + bytes(6) + data[0x40:]


def _elf_files(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.stat().st_size < 4096:
            continue
        with open(path, "rb") as fh:
            if fh.read(4) == ELF_MAGIC:
                yield path


def strip_tree(folder: Path, strip: str | None = None) -> StripReport:
    """Strip every ELF file under `folder` whose loaded bytes stay identical; see the module doc."""
    report = StripReport()
    strip = strip or shutil.which("strip")
    if strip is None:
        report.refused.append("(GNU strip not found: nothing stripped)")
        return report
    with tempfile.TemporaryDirectory(prefix="live-console-strip-", dir=folder.parent) as tmp:
        out = Path(tmp) / "stripped"
        for path in _elf_files(folder):
            original = path.read_bytes()
            if not has_symbol_table(original):
                continue
            rel = str(path.relative_to(folder))
            done = subprocess.run([strip, "--strip-unneeded", "-o", str(out), str(path)],
                                  capture_output=True, check=False)
            if done.returncode != 0 or not out.exists():
                report.refused.append(f"{rel} (strip failed: {done.stderr.decode(errors='replace').strip()[:200]})")
                continue
            stripped = out.read_bytes()
            if len(stripped) < len(original) and loads_identically(original, stripped):
                mode = path.stat().st_mode
                os.replace(out, path)
                os.chmod(path, mode)
                report.stripped.append(rel)
                report.saved_bytes += len(original) - len(stripped)
            else:
                report.refused.append(rel)
                out.unlink(missing_ok=True)
    return report


def needed(data: bytes) -> list[str]:
    """The DT_NEEDED names of an ELF64 little-endian library ([] for anything else)."""
    if not _elf64le(data):
        return []
    phdrs = _program_headers(data)
    dynamic = next((p for p in phdrs if p[0] == PT_DYNAMIC), None)
    if dynamic is None:
        return []
    entries, strtab_vaddr = [], None
    for at in range(dynamic[2], dynamic[2] + dynamic[5], 16):
        tag, value = struct.unpack_from("<qQ", data, at)
        if tag == 0:
            break
        if tag == DT_NEEDED:
            entries.append(value)
        elif tag == DT_STRTAB:
            strtab_vaddr = value
    if strtab_vaddr is None:
        return []
    # The string table is given by address: find the file offset through the segment mapping it.
    for p_type, _f, offset, vaddr, _pa, filesz, _m, _a in phdrs:
        if p_type == PT_LOAD and vaddr <= strtab_vaddr < vaddr + filesz:
            strtab = offset + strtab_vaddr - vaddr
            break
    else:
        return []
    names = []
    for name_off in entries:
        end = data.find(b"\0", strtab + name_off)
        names.append(data[strtab + name_off : end].decode("utf-8", "replace"))
    return names


def needed_by_file(folder: Path) -> dict[str, list[str]]:
    """Every ELF file under `folder` (path relative to it) → its DT_NEEDED names."""
    return {str(p.relative_to(folder)): needed(p.read_bytes()) for p in _elf_files(folder)}
