"""The output registry and manager: program frames reach a registered output on its own thread;
an output that cannot start is explained to the host and the others keep running."""

import threading
import time

import numpy as np
import pytest

from console.core.signal import Signal
from console.output import registry
from console.output.manager import OutputManager
from console.output.registry import OutputContext, OutputStatus, create, register
from console.video.frames import Frame, LatestSlot
from console.video.pipeline import VideoPipeline
from tests.waiting import wait_until


class _Recorder:
    """A real output: frames go through its own slot to its own thread, like every output."""

    key = "test.recorder"
    label_en, label_zh = "Recorder", "记录器"

    def __init__(self, context: OutputContext, limit: int = 1000) -> None:
        self.context = context
        self.slot: LatestSlot[Frame] = LatestSlot()
        self.seen: list[int] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.context.program.connect(self.slot.put)
        self._thread.start()

    def _run(self) -> None:
        while not self.slot.closed:
            frame = self.slot.take(timeout=0.1)
            if frame is not None:
                self.seen.append(frame.index)

    def stop(self) -> None:
        self.context.program.disconnect(self.slot.put)
        self.slot.close()
        self._thread.join(5)

    def status(self) -> OutputStatus:
        return OutputStatus("running", frames=len(self.seen))


class _Broken:
    key = "test.broken"
    label_en, label_zh = "Broken", "坏的"

    def __init__(self, context: OutputContext) -> None:
        pass

    def start(self) -> None:
        raise OSError("no such device")


@pytest.fixture
def registered():
    register(_Recorder)
    register(_Broken)
    yield
    registry.OUTPUTS.pop(_Recorder.key, None)
    registry.OUTPUTS.pop(_Broken.key, None)


def test_program_frames_reach_a_registered_output(registered):
    capture: LatestSlot[Frame] = LatestSlot()
    pipeline = VideoPipeline(capture)
    notes: list[str] = []
    manager = OutputManager(OutputContext(program=pipeline.program, note=notes.append))
    out = manager.start("test.recorder")
    assert out is not None
    pipeline.start()
    try:
        for i in range(5):
            capture.put(Frame(np.zeros((4, 4, 3), np.uint8), i, time.monotonic()))
            wait_until(lambda: pipeline.processed > i)
        wait_until(lambda: out.seen and out.seen[-1] == 4)
        assert manager.statuses()["test.recorder"].state == "running"
    finally:
        manager.stop_all()
        pipeline.stop()
    assert len(pipeline.program) == 0  # stopping disconnects it from the program feed
    assert notes == []


def test_an_output_that_cannot_start_is_explained_and_others_keep_running(registered):
    program = Signal("program")
    notes: list[str] = []
    manager = OutputManager(OutputContext(program=program, note=notes.append))
    good = manager.start("test.recorder")
    assert manager.start("test.broken") is None
    assert len(notes) == 1 and "Broken" in notes[0] and "no such device" in notes[0]
    program.emit(Frame(np.zeros((2, 2, 3), np.uint8), 7, 0.0))
    wait_until(lambda: good.seen == [7])
    assert list(manager.statuses()) == ["test.recorder"]
    manager.stop_all()


def test_unknown_output_names_the_known_ones(registered):
    with pytest.raises(KeyError, match="test.recorder"):
        create("no-such-output", OutputContext(program=Signal()))
