"""Finding, verifying and loading the vendored MediaPipe models.

Every model is checked against the sha256 recorded in resources/models/PROVENANCE.md before
MediaPipe sees it, and the verified bytes themselves are handed over (model_asset_buffer), so a
file swapped between check and load cannot slip through. A missing or damaged model becomes a
`ModelError` whose text is written for the host, not for a developer.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from console.resources import resource

# Copied from resources/models/PROVENANCE.md (a test keeps the two in step). Kept in code as
# well so a damaged or edited PROVENANCE.md cannot vouch for a damaged model.
KNOWN_SHA256: dict[str, str] = {
    "face_landmarker.task": "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff",
    "hand_landmarker.task": "9141669fa120ad26f1174c702a01097bd5db5d83ec2c607159968bb6646e7352",
    "pose_landmarker.task": "15bbf1826a92aa6da148b9a535c61c172f0c6f4424f8a20a442ca8545ccfff6f",
    "selfie_segmenter.tflite": "9ee168ec7c8f2a16c56fe8e1cfbc514974cbbb7e434051b455635f1bd1462f5c",
    "selfie_segmenter_landscape.tflite": "a77d03f4659b9f6b6c1f5106947bf40e99d7655094b6527f214ea7d451106edd",
}

def purpose(tracker: str) -> str:
    """What a tracker is called in messages a host reads (declared by the tracker)."""
    from .trackers import TRACKERS, load_trackers

    load_trackers()
    spec = TRACKERS.get(tracker)
    return spec.purpose[0] if spec else "Tracking"


class ModelError(RuntimeError):
    """A model could not be used; str(error) is the message shown to the host."""


def models_dir() -> Path:
    return resource("models")


def provenance_sums(path: Path | None = None) -> dict[str, str]:
    """The file → sha256 table in PROVENANCE.md (for the consistency test and diagnostics)."""
    text = (path or models_dir() / "PROVENANCE.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\|\s*([\w.\-]+)\s*\|\s*([0-9a-f]{64})\s*\|", text, flags=re.M))


def _unavailable(tracker: str, filename: str, why: str) -> ModelError:
    return ModelError(
        f"{purpose(tracker)} is unavailable: the model file {filename} {why}. "
        "Items that need it are off; everything else keeps working."
    )


def load_model(filename: str, tracker: str, directory: Path | None = None) -> bytes:
    """The verified bytes of a vendored model, or a ModelError the host can understand."""
    path = (directory or models_dir()) / filename
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _unavailable(tracker, filename, "is missing") from None
    except OSError as exc:
        raise _unavailable(tracker, filename, f"cannot be read ({exc.strerror or exc})") from None
    expected = KNOWN_SHA256.get(filename)
    if expected is None:
        raise _unavailable(tracker, filename, "is not a known model (no checksum on record)")
    if hashlib.sha256(data).hexdigest() != expected:
        raise _unavailable(tracker, filename, "is missing or damaged (checksum mismatch)")
    return data
