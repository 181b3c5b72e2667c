"""The push output's parts without a server: destinations, presets and keys from settings and the
environment (keys never shown), fitting frames to a preset, the audio tee, encoder choice and the
encoder's rate thinning (a faster program is thinned, capture jitter is not)."""

from __future__ import annotations

import time

import av
import numpy as np
import pytest

from console.output.push_audio import AudioTee, SilenceSource
from console.output.push_config import (DEFAULT_PRESETS, Preset, PushConfigError, destination, destinations_from,
                                        platform_of, presets_from, redact_url)
from console.output.push_encoder import FormatEncoder, choose_encoder, fit
from console.video.frames import Frame
from tests.waiting import wait_until


def test_key_is_hidden_in_every_shown_url():
    assert redact_url("rtmp://live-push.bilivideo.com/live-bvc/?streamname=abc&key=SECRET") == \
        "rtmp://live-push.bilivideo.com/live-bvc?…"
    assert "SECRET-KEY-123" not in redact_url("rtmp://a.rtmp.youtube.com/live2/SECRET-KEY-123")
    assert redact_url("rtmp://127.0.0.1:1935/live/test") == "rtmp://127.0.0.1:1935/live/…"
    assert "pw" not in redact_url("rtmp://user:pw@host/app/key")


def test_platform_and_preset_follow_the_ingest_address_and_aspect():
    assert platform_of("rtmp://push-rtmp-l1.douyincdn.com/third/stream-1") == "douyin"
    assert platform_of("rtmp://live.twitch.tv/app/live_1") == "twitch"
    assert platform_of("rtmp://127.0.0.1/live/x") == "default"
    dest = destination("rtmp://push-rtmp-l1.douyincdn.com/third/stream-1", aspect="9:16")
    assert dest.name == "douyin" and dest.preset == DEFAULT_PRESETS["douyin"]["9:16"]
    assert (dest.preset.width, dest.preset.height) == (720, 1280)


def test_key_comes_from_the_environment_when_the_url_ends_at_the_app(monkeypatch):
    monkeypatch.delenv("LIVE_CONSOLE_PUSH_KEY", raising=False)
    monkeypatch.delenv("LIVE_CONSOLE_PUSH_BILIBILI_KEY", raising=False)
    monkeypatch.setattr("keyring.get_password", lambda *a: None)
    with pytest.raises(PushConfigError, match="LIVE_CONSOLE_PUSH_BILIBILI_KEY"):
        destination("rtmp://live-push.bilivideo.com/live-bvc/")
    monkeypatch.setenv("LIVE_CONSOLE_PUSH_KEY", "shared-key")
    assert destination("rtmp://live-push.bilivideo.com/live-bvc/").url.endswith("/live-bvc/shared-key")
    monkeypatch.setenv("LIVE_CONSOLE_PUSH_BILIBILI_KEY", "own-key")
    assert destination("rtmp://live-push.bilivideo.com/live-bvc/").url.endswith("/live-bvc/own-key")
    srt = destination("srt://ingest.example:9000?latency=200", name="bilibili")
    assert srt.url.endswith("&streamid=own-key") and srt.muxer == "mpegts"


def test_bad_addresses_and_presets_are_explained():
    with pytest.raises(PushConfigError, match="rtmp://"):
        destination("http://example.com/live/key")
    with pytest.raises(PushConfigError, match="16:9"):
        destination("rtmp://127.0.0.1/live/key", aspect="4:3")
    with pytest.raises(PushConfigError, match="bitrate_kbps"):
        presets_from({"presets": {"douyin": {"9:16": {"bitrate_kbps": "fast"}}}})
    with pytest.raises(PushConfigError, match="colour"):
        presets_from({"presets": {"douyin": {"9:16": {"colour": 1}}}})
    with pytest.raises(PushConfigError, match="url"):
        destinations_from({"destinations": [{"name": "x"}]}, "16:9")


def test_settings_override_presets_and_list_destinations():
    section = {"presets": {"douyin": {"9:16": {"bitrate_kbps": 6000, "width": 1081, "keyframe_s": 1}}},
               "destinations": [{"name": "dy", "url": "rtmp://push-rtmp-l1.douyincdn.com/third/k1", "aspect": "9:16"},
                                {"url": "rtmp://127.0.0.1/live/k2"}]}
    dy, local = destinations_from(section, "16:9")
    assert dy.name == "dy" and dy.preset == Preset(1080, 1280, 30, 6000, 1.0) and dy.preset.keyint == 30
    assert local.aspect == "16:9" and local.preset == DEFAULT_PRESETS["default"]["16:9"]


def test_fit_letterboxes_a_different_aspect_and_keeps_a_matching_frame():
    land = np.full((360, 640, 3), 200, np.uint8)
    assert fit(land, 640, 360) is land
    portrait = fit(land, 180, 320)
    assert portrait.shape == (320, 180, 3)
    assert portrait[0, 90].max() == 0 and portrait[160, 90].min() > 150  # bars above, picture in the middle


def test_audio_tee_gives_every_reader_every_sample():
    tee = AudioTee(SilenceSource("none"))
    a, b = tee.reader(), tee.reader()
    a.start(100.0)
    b.start(100.0)
    got_a = len(a.read_until(100.5)) + len(a.read_until(101.0))
    got_b = len(b.read_until(101.0))
    assert got_a == got_b == 48_000
    assert len(a.read_until(200.0)) == 48_000  # a long stall catches up a second at a time


def test_an_unusable_encoder_preference_falls_back_to_one_that_opens():
    assert choose_encoder("h264_no_such_encoder") in ("libx264", "h264_nvenc", "h264_videotoolbox", "h264_qsv", "h264_amf")


def _encode(offsets: list[float]) -> FormatEncoder:
    t0 = time.monotonic()
    times = [t0 + dt for dt in offsets]
    enc = FormatEncoder(Preset(160, 90, 30, 300, 1.0), t0=t0)
    packets: list = []
    enc.add_sink(packets.append)
    enc.start()
    assert enc.ready.wait(30) and enc.error is None
    try:
        for i, t in enumerate(times):
            # Feed at the encoder's pace: nothing dropped, only thinned.
            wait_until(lambda: enc.queued <= 2, interval=0.005, what="room in the encoder's queue")
            enc.offer(Frame(np.zeros((90, 160, 3), np.uint8), i, t))
        wait_until(lambda: enc.encoded + enc.skipped == len(times), what=f"all {len(times)} frames encoded or thinned")
    finally:
        enc.stop()
    assert enc.dropped == 0
    return enc


def test_a_faster_program_is_thinned_to_the_preset_and_jitter_is_not():
    rng = np.random.default_rng(1)
    jittery = [0.1 + i / 30 + rng.uniform(-0.012, 0.012) for i in range(90)]
    enc = _encode(jittery)
    assert enc.encoded == 90 and enc.skipped == 0
    fast = [0.1 + i / 60 for i in range(180)]  # 3 s of a 60 fps program
    enc = _encode(fast)
    # The first second passes whole (the rate is not known yet), then every other frame.
    assert 95 <= enc.encoded <= 115 and enc.skipped == 180 - enc.encoded


def test_a_hardware_encoder_that_refuses_this_format_gives_way_to_x264_and_the_host_is_told(monkeypatch):
    """The probe opened it at 640x360, but this format's open fails (as NVENC does past its session
    limit): the stream is encoded by x264 instead of not at all."""
    real_open = FormatEncoder._open

    def refuse_hardware(self):
        if self.encoder_name != "libx264":
            raise av.error.ExternalError(-542398533, "OpenEncoder failed: out of memory (10)")
        return real_open(self)

    monkeypatch.setattr(FormatEncoder, "_open", refuse_hardware)
    notes: list[str] = []
    t0 = time.monotonic()
    enc = FormatEncoder(Preset(160, 90, 30, 300, 1.0), t0=t0, on_note=notes.append)
    enc.encoder_name = "h264_nvenc"  # what choose_encoder picks on a machine with an NVIDIA card
    packets: list = []
    enc.add_sink(packets.append)
    enc.start()
    try:
        assert enc.ready.wait(30)
        assert enc.error is None and enc.encoder_name == "libx264"
        assert enc.video_stream.codec_context.name == "libx264"
        for i in range(10):
            wait_until(lambda: enc.queued <= 2, interval=0.005, what="room in the encoder's queue")
            enc.offer(Frame(np.zeros((90, 160, 3), np.uint8), i, t0 + 0.1 + i / 30))
        wait_until(lambda: enc.encoded == 10, what="frames encoded by x264")
    finally:
        enc.stop()
    assert any(p.stream.type == "video" for p in packets)
    assert len(notes) == 1 and "h264_nvenc" in notes[0] and "x264" in notes[0] and "160x90" in notes[0]


def test_x264_itself_failing_to_open_is_an_error_not_a_loop(monkeypatch):
    def refuse(self):
        raise av.error.ExternalError(-22, "Invalid argument")

    monkeypatch.setattr(FormatEncoder, "_open", refuse)
    enc = FormatEncoder(Preset(160, 90, 30, 300, 1.0), t0=time.monotonic())
    enc.encoder_name = "libx264"
    enc.start()
    try:
        assert enc.ready.wait(30)
        assert enc.error and enc.error.startswith("libx264:")
    finally:
        enc.stop()
