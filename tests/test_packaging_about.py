"""About dialog (licences of what ships) and the macOS camera-permission helper."""

from __future__ import annotations

import sys
import threading
from types import SimpleNamespace

import pytest

from console import __version__
from console import platform_macos as pm
from console.selftest import expected_models
from console.resources import resource


def test_about_dialog_shows_version_and_every_bundled_licence(qtbot):
    from console.ui.about import AboutDialog

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert __version__ in dialog.version_label.text()
    text = dialog.licences.toPlainText()
    for model in expected_models(resource("models")):
        assert model in text
    for needle in ("Google MediaPipe, Apache-2.0", "LGPL-3.0", "Qt 6 / PySide6", "OpenCV", "BSD-3-Clause", "NumPy"):
        assert needle in text
    assert "public domain" in text and "Eileen Collins" in text


def test_about_reads_real_versions():
    import numpy

    from console.ui.about import LIBRARIES, library_version

    numpy_lib = next(lib for lib in LIBRARIES if lib.name == "NumPy")
    assert library_version(numpy_lib) == numpy.__version__


def test_about_model_rows_follow_provenance(tmp_path):
    from console.ui.about import model_notices

    provenance = tmp_path / "PROVENANCE.md"
    provenance.write_text(
        "| file | sha256 | origin |\n|---|---|---|\n"
        f"| only.task | {'a' * 64} | made `here` |\n",
        encoding="utf-8",
    )
    notices = model_notices(provenance)
    assert [(n.file, n.origin) for n in notices] == [("only.task", "made here")]


# -- macOS camera permission, driven through a stand-in for AVFoundation ------------------------


class FakeAV:
    AVMediaTypeVideo = "vide"

    def __init__(self, status: int, answer: bool | None = None):
        self.requests = 0
        outer = self

        class Device:
            @staticmethod
            def authorizationStatusForMediaType_(media):
                assert media == "vide"
                return status

            @staticmethod
            def requestAccessForMediaType_completionHandler_(media, handler):
                outer.requests += 1
                if answer is not None:  # AVFoundation answers on its own queue, later
                    threading.Timer(0.05, handler, args=(answer,)).start()

        self.AVCaptureDevice = Device


def test_camera_access_is_true_off_macos(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert pm.request_camera_access() is True
    assert pm.camera_access_status() == "not applicable"


@pytest.mark.parametrize(("status", "expected"), [(pm.AUTHORIZED, True), (pm.DENIED, False), (pm.RESTRICTED, False)])
def test_stored_decision_is_answered_without_a_prompt(status, expected):
    av = FakeAV(status)
    assert pm.request_camera_access(av=av, pump=lambda s: None) is expected
    assert av.requests == 0


@pytest.mark.parametrize("answer", [True, False])
def test_first_launch_prompts_and_waits_for_the_answer(answer):
    av = FakeAV(pm.NOT_DETERMINED, answer=answer)
    pumped = []
    result = pm.request_camera_access(av=av, pump=lambda s: (pumped.append(s), threading.Event().wait(s)))
    assert result is answer
    assert av.requests == 1 and pumped  # the main run loop kept turning while waiting


def test_unanswered_prompt_times_out_as_no():
    av = FakeAV(pm.NOT_DETERMINED, answer=None)
    assert pm.request_camera_access(timeout=0.1, av=av, pump=lambda s: threading.Event().wait(0.01)) is False
    assert pm.camera_access_status(av=SimpleNamespace(**{
        "AVMediaTypeVideo": "vide", "AVCaptureDevice": av.AVCaptureDevice})) == "not asked yet"
