"""Checks run before a build, so a broken environment fails in seconds with a plain reason
instead of producing an installer that crashes on a host's machine.

Every OpenCV wheel writes the same `cv2/` folder: with two installed, whichever unpacked last wins
and the frozen app ships a mix. The PySide6 meta-package and PySide6-Addons drag in ~400 MB of
Qt modules the app never uses.
"""

from __future__ import annotations

import json
import re

OPENCV_WHEELS = frozenset(
    {
        "opencv-python",
        "opencv-contrib-python",
        "opencv-python-headless",
        "opencv-contrib-python-headless",
    }
)
FORBIDDEN_QT = {
    "pyside6": "the PySide6 meta-package (depend on PySide6-Essentials only)",
    "pyside6-addons": "PySide6-Addons (the app uses only PySide6-Essentials modules)",
}


class PreflightError(RuntimeError):
    pass


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_pip_list(text: str) -> dict[str, str]:
    """Package name (normalised) → version, from `pip list` in columns or `--format=json`."""
    stripped = text.strip()
    if stripped.startswith("["):
        return {normalise(p["name"]): p.get("version", "") for p in json.loads(stripped)}
    packages: dict[str, str] = {}
    for line in stripped.splitlines():
        fields = line.split()
        if len(fields) < 2 or fields[0] == "Package" or set(fields[0]) <= {"-"}:
            continue
        packages[normalise(fields[0])] = fields[1]
    return packages


def problems(packages: dict[str, str]) -> list[str]:
    found: list[str] = []
    opencv = sorted(name for name in packages if name in OPENCV_WHEELS)
    if len(opencv) > 1:
        listed = ", ".join(f"{n} {packages[n]}" for n in opencv)
        found.append(
            f"two OpenCV wheels are installed ({listed}); they overwrite each other's cv2 folder. "
            "Keep only opencv-contrib-python: pip uninstall the others, then reinstall it."
        )
    elif not opencv:
        found.append("no OpenCV wheel is installed (expected opencv-contrib-python)")
    for name, why in FORBIDDEN_QT.items():
        if name in packages:
            found.append(f"{why} is installed; pip uninstall {name} and keep PySide6-Essentials")
    if "pyside6-essentials" not in packages:
        found.append("PySide6-Essentials is not installed")
    if "mediapipe" not in packages:
        found.append("mediapipe is not installed")
    return found


def check(pip_list_output: str) -> None:
    found = problems(parse_pip_list(pip_list_output))
    if found:
        raise PreflightError("cannot build:\n  - " + "\n  - ".join(found))
