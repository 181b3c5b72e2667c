"""Issue 12: `--camera 99` or a file that is not a video says so and shows the demo camera,
instead of retrying on a black program forever."""

from __future__ import annotations

import pytest

from console.video.camera import Camera
from console.video.capture import DEMO
from console.video.frames import LatestSlot
from tests.waiting import wait_until


@pytest.mark.parametrize("make_spec", [lambda tmp: "99", lambda tmp: str(_garbage(tmp))])
def test_a_source_that_never_gives_a_picture_falls_back_to_the_demo_camera(tmp_path, make_spec):
    notes: list[str] = []
    slot = LatestSlot()
    camera = Camera(make_spec(tmp_path), slot, notes.append, width=320, height=180)
    camera.start()
    try:
        wait_until(lambda: camera.source == DEMO and camera.capture.frames > 0, what="the demo camera taking over")
        assert any("gave no picture" in n and "demo camera" in n for n in notes), notes
    finally:
        camera.stop()


def _garbage(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"definitely not a video\n" * 100)
    return path
