"""The program window: borderless, the output aspect, the same pixels as the preview; reachable
from the View menu with its shortcut; the virtual camera entry explains a missing backend."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence

from console.app import AppOptions, ConsoleApp
from console.i18n import set_language
from console.video.frames import Frame, LatestSlot
from console.video.pipeline import VideoPipeline


def _pixels(widget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QImage.Format_RGB888)
    w, h = image.width(), image.height()
    return np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * h).reshape(h, image.bytesPerLine())[:, : w * 3].reshape(h, w, 3).copy()


class _Mark:
    """A program stage that draws something, so the pixels are the program's, not the camera's."""

    name = "mark"

    def process(self, image, ts_ms):
        image = image.copy()
        image[10:30, 10:60] = (0, 255, 255)  # a yellow bar (BGR)
        return image

    def close(self):
        pass


@pytest.fixture
def pipeline():
    capture: LatestSlot[Frame] = LatestSlot()
    pipe = VideoPipeline(capture, [_Mark()])
    pipe.start()
    yield pipe, capture
    pipe.stop()


def test_program_window_shows_the_same_pixels_as_the_preview(qtbot, pipeline):
    from console.ui.program_window import ProgramWindow
    from console.ui.video_view import VideoView

    pipe, capture = pipeline
    preview = VideoView(pipe.output)
    program = ProgramWindow(pipe.program)
    qtbot.addWidget(preview)
    qtbot.addWidget(program)
    preview.resize(320, 180)
    program.resize(320, 180)
    preview.show()
    program.show()
    assert program.windowFlags() & Qt.FramelessWindowHint
    rng = np.random.default_rng(3)
    camera = rng.integers(0, 255, (180, 320, 3), dtype=np.uint8)
    capture.put(Frame(camera.copy(), 1, 0.0))
    qtbot.waitUntil(lambda: preview.frames_shown >= 1 and program.frames_shown >= 1, timeout=20_000)
    qtbot.waitUntil(lambda: program.size().width() == 320 and program.size().height() == 180, timeout=20_000)

    shown_preview, shown_program = _pixels(preview), _pixels(program)
    assert shown_program.shape == (180, 320, 3)
    assert np.array_equal(shown_program, shown_preview)
    expected = camera[:, :, ::-1].copy()  # BGR frame → RGB screen
    expected[10:30, 10:60] = (255, 255, 0)  # the program stage's mark is there
    assert np.array_equal(shown_program, expected)


def test_program_window_takes_the_output_aspect_and_stops_listening_when_closed(qtbot, pipeline):
    from console.ui.program_window import ProgramWindow

    pipe, capture = pipeline
    program = ProgramWindow(pipe.program)
    qtbot.addWidget(program)
    program.resize(640, 360)
    program.show()
    assert len(pipe.program) == 1
    capture.put(Frame(np.zeros((320, 180, 3), np.uint8), 1, 0.0))  # a 9:16 program frame
    qtbot.waitUntil(lambda: program.frames_shown >= 1, timeout=20_000)
    qtbot.waitUntil(lambda: abs(program.width() / program.height() - 180 / 320) < 0.01, timeout=20_000)
    assert program.height() == 360  # keeps its height, takes the frame's aspect: no letterbox
    program.actual_size()
    qtbot.waitUntil(lambda: (program.width(), program.height()) == (180, 320), timeout=20_000)
    program.close()
    assert len(pipe.program) == 0


@pytest.fixture
def console_app(tmp_path):
    app = ConsoleApp(AppOptions(demo=True, camera="demo", db=tmp_path / "s.db", config=tmp_path / "none.toml", lang="en"))
    yield app
    app.shutdown()
    set_language("en")


def test_view_menu_opens_the_program_window_and_explains_a_missing_virtual_camera(qtbot, console_app, tmp_path):
    from console.output.virtualcam import VirtualCamera
    from console.ui.main_window import MainWindow

    window = MainWindow(console_app, layout_file=tmp_path / "layout.ini")
    qtbot.addWidget(window)
    window.show()
    console_app.start_video()
    actions = window.output_actions
    assert actions.program_action in window._view_menu.actions()
    assert actions.program_action.shortcut() == QKeySequence("Ctrl+Shift+P")
    assert actions.obs_action in window._view_menu.actions()
    assert actions.obs_action.shortcut() == QKeySequence("Ctrl+Shift+O")
    actions.program_action.trigger()
    program = actions.program_window
    assert program is not None and program.isVisible()
    qtbot.waitUntil(lambda: program.frames_shown > 0, timeout=20_000)
    program.close()  # closing the window unticks the menu entry
    assert not actions.program_action.isChecked()

    try:
        probe = VirtualCamera(console_app.outputs.context)
        probe.start()
        probe.stop()
        has_backend = True
    except Exception:  # noqa: BLE001
        has_backend = False
    if has_backend:
        pytest.skip("a virtual camera backend is installed here; the missing-backend message cannot be shown")
    actions.vcam_action.trigger()
    qtbot.waitUntil(lambda: getattr(actions, "message_box", None) is not None, timeout=20_000)
    assert "Virtual camera could not start" in actions.message_box.text()
    assert not actions.vcam_action.isChecked()
    assert console_app.pipeline.processed > 0
    shot = tmp_path / "vcam.png"
    window.grab().save(str(shot))
    actions.message_box.grab().save(str(tmp_path / "box.png"))
    actions.message_box.close()
