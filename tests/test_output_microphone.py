"""The push output's microphone against a REAL capture device: a private PulseAudio server whose
null sink is fed by `pacat` and whose monitor PortAudio captures through ALSA's `pulse` device
(the `virtual_mic` fixture; packaging/os-deps.sh --test installs it). Nothing here is a double:
the sound goes through sounddevice, PortAudio, ALSA and the sound server like a USB microphone's.

No wall-clock assertions: every wait is on a condition with a generous deadline, and the one
comparison with elapsed time has a tolerance only a lost or invented stretch of sound exceeds.
"""

from __future__ import annotations

import threading
import time

import av
import numpy as np
import pytest

from console.core.signal import Signal
from console.output.manager import OutputManager
from console.output.microphone import SAMPLE_RATE, MicrophoneSource
from console.output.push_audio import open_audio
from console.output.push_config import Destination, Preset
from console.output.registry import OutputContext
from tests.test_output_push import Feeder, analyse, recording
from tests.waiting import wait_until

TONE_HZ = 1000.0


class Tone:
    """`pacat` playing a sine into the sink, written from a thread for as long as it runs."""

    def __init__(self, mic, hz: float = TONE_HZ, amplitude: float = 0.5) -> None:
        self.proc = mic.player(latency_ms=200)  # deep enough that a busy machine never starves it
        self.hz, self.amplitude = hz, amplitude
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        n = 0
        chunk = SAMPLE_RATE // 10
        try:
            while not self._stop.is_set():
                t = (n + np.arange(chunk)) / SAMPLE_RATE
                wave = (self.amplitude * np.sin(2 * np.pi * self.hz * t)).astype(np.float32)
                self.proc.stdin.write(np.repeat(wave[:, None], 2, axis=1).tobytes())  # blocks: paced by the server
                n += chunk
        except (BrokenPipeError, ValueError, OSError):
            pass  # the server went away (a test kills it)

    def stop(self) -> None:
        self._stop.set()
        self.proc.kill()
        self.proc.wait(10)
        self._thread.join(10)


def dominant_hz(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)[np.argmax(spectrum)])


def test_microphone_hears_the_tone_on_a_continuous_sample_clock(virtual_mic):
    tone = Tone(virtual_mic)
    mic = MicrophoneSource("pulse")
    chunks: list[np.ndarray] = []
    t0 = time.monotonic()
    try:
        mic.start(t0)

        def read() -> int:
            chunks.append(mic.read_until(time.monotonic()))
            return mic.delivered

        wait_until(lambda: read() >= 4 * SAMPLE_RATE and mic.captured >= 3 * SAMPLE_RATE, what="4 s of sound read")
        t_end = time.monotonic()
        # Every sample up to t_end arrives (none lost) — waited for, never timed.
        wait_until(lambda: read() >= (t_end - t0 - 0.05) * SAMPLE_RATE, what="the sound up to the last read")
        t_last = time.monotonic()
    finally:
        mic.stop()
        tone.stop()
    chunks.append(mic.read_until(t_last))  # what arrived before it stopped
    audio = np.concatenate(chunks)
    assert mic.reason == "" and mic.kind == "microphone" and mic.silence_filled == 0
    assert audio.shape[1] == 2 and len(audio) == mic.delivered
    # Nothing dropped or invented: what the encoder got is the silence while the device started,
    # then every captured sample from the place of the first one on (lead < 0: that much sound
    # fell on positions the silence had already covered).
    assert len(audio) == mic.pre_silence + mic.lead + mic.captured and mic.corrections == 0
    # And no more than the time that passed (sound cannot come from the future).
    assert len(audio) <= (time.monotonic() - t0 + 0.1) * SAMPLE_RATE, (len(audio), (t_last - t0) * SAMPLE_RATE)
    sound = audio[mic.pre_silence + max(0, mic.lead):, 0]
    assert abs(dominant_hz(sound[-SAMPLE_RATE:]) - TONE_HZ) <= 2.0
    # Continuous across every read_until boundary: the last 2 s are one unbroken sine (a dropped
    # or doubled sample would break the phase and leave a large residual).
    tail = sound[-2 * SAMPLE_RATE:].astype(np.float64)
    n = np.arange(len(tail)) / SAMPLE_RATE
    basis = np.column_stack([np.sin(2 * np.pi * TONE_HZ * n), np.cos(2 * np.pi * TONE_HZ * n)])
    coef, *_ = np.linalg.lstsq(basis, tail, rcond=None)
    residual = np.sqrt(np.mean((tail - basis @ coef) ** 2))
    assert np.hypot(*coef) > 0.3 and residual < 0.02, (coef, residual)
    # Where sample 0 was placed agrees with what the later sound says (a few ms; 0.6 s with the
    # raw ALSA→PulseAudio timestamps this replaced).
    assert abs(mic.sync_error_ms()) < 100, mic.sync_error_ms()


def test_a_device_clock_that_drifts_is_followed_so_sound_stays_with_the_picture(virtual_mic):
    """A device whose clock runs 2 % slow against the computer's, emulated by giving the source a
    computer clock 2 % fast (the virtual device itself is exact). Without following it, sound
    would slip 20 ms a second; with it, silence is inserted in small steps and where the sound
    sits stays within a step of where it belongs."""
    tone = Tone(virtual_mic)
    base = time.monotonic()
    fast = lambda: base + (time.monotonic() - base) * 1.02  # noqa: E731
    mic = MicrophoneSource("pulse", clock=fast)
    mic.DRIFT_WINDOW_S = 1.5
    t0 = fast()
    try:
        mic.start(t0)
        wait_until(lambda: len(mic.read_until(fast())) >= 0 and mic.corrections >= 3, what="three corrections", timeout=120)
        settled_for = fast() - t0 - (mic.pre_silence + mic.lead) / SAMPLE_RATE  # since its first sound
    finally:
        mic.stop()
        tone.stop()
    mic.read_until(fast())  # what arrived before it stopped
    assert mic.delivered == mic.pre_silence + mic.lead + mic.captured + mic.corrected_samples  # every sample accounted for
    assert mic.corrected_samples > 0  # a slow device: silence inserted, sound never dropped
    # What was inserted is the drift: 2 % of the time, give or take a step and a window's worth.
    drift = 0.02 / 1.02 * settled_for
    assert abs(mic.corrected_samples / SAMPLE_RATE - drift) < mic.DRIFT_STEP_S + 0.05, (mic.corrected_samples, drift)
    assert abs(mic.sync_error_ms()) < (mic.DRIFT_STEP_S + 0.05) * 1000, mic.sync_error_ms()


def test_a_named_microphone_that_is_not_there_says_which_ones_are(virtual_mic):
    source = open_audio("USB Audio")
    assert source.kind == "silence"
    assert "USB Audio" in source.reason and "[push] microphone" in source.reason
    assert "“pulse”" in source.reason  # the inputs there are, by the names the setting takes
    assert open_audio("pulse").kind == "microphone"
    assert open_audio(None, enabled=False).kind == "silence"


def test_a_microphone_that_hangs_is_given_up_and_silence_keeps_the_clock(virtual_mic):
    mic = MicrophoneSource("pulse")
    lost: list[str] = []
    mic.lost.connect(lost.append)
    t0 = time.monotonic()
    try:
        mic.start(t0)
        wait_until(lambda: len(mic.read_until(time.monotonic())) >= 0 and mic.captured > SAMPLE_RATE // 2,
                   what="sound from the device")
        virtual_mic.freeze()  # no error, no sound: a driver that hangs
        wait_until(lambda: len(mic.read_until(time.monotonic())) >= 0 and mic.reason != "",
                   what="the microphone given up", timeout=90)
        virtual_mic.freeze(False)  # sound trickling in again must not shift the clock
        t = time.monotonic()
        # Silence catches up to the clock (a second per read at most: never one huge array).
        wait_until(lambda: len(mic.read_until(t)) == 0, what="silence up to the clock")
    finally:
        mic.stop()
    assert lost == [mic.reason] and "stopped sending sound" in mic.reason and mic.kind == "silence"
    assert mic.silence_filled > 0
    assert abs(mic.delivered - (t - t0) * SAMPLE_RATE) <= 0.05 * SAMPLE_RATE  # silence up to the clock, no more


def test_a_microphone_that_comes_back_is_picked_up_again_mid_stream(virtual_mic):
    from console.output.mic_reopen import ReopeningMicrophone

    tone = Tone(virtual_mic)
    mic = open_audio("pulse")  # what the push opens
    assert isinstance(mic, ReopeningMicrophone)
    news: list[str] = []
    mic.lost.connect(news.append)
    mic.back.connect(news.append)
    chunks: list[np.ndarray] = []
    t0 = time.monotonic()

    def read() -> int:
        chunks.append(mic.read_until(time.monotonic()))
        return mic.delivered

    try:
        mic.start(t0)
        wait_until(lambda: read() and mic.captured > SAMPLE_RATE // 2, what="sound from the device")
        virtual_mic.kill()
        wait_until(lambda: read() and any("is gone" in n for n in news), what=lambda: f"said gone: {news}")
        assert mic.kind == "silence"
        tone.stop()
        virtual_mic.start()  # plugged back in
        tone = Tone(virtual_mic)
        wait_until(lambda: read() and any("is back" in n for n in news), what=lambda: f"said back: {news}")
        back_at = mic.delivered
        wait_until(lambda: read() >= back_at + SAMPLE_RATE, what="a second of sound after it came back")
        t_end = time.monotonic()
        wait_until(lambda: read() >= (t_end - t0 - 0.05) * SAMPLE_RATE, what="the stream up to the clock")
    finally:
        mic.stop()
        tone.stop()
    audio = np.concatenate(chunks)
    assert mic.kind == "microphone" and mic.reopened == 1 and len(news) == 2
    assert len(audio) == mic.delivered <= (time.monotonic() - t0 + 0.1) * SAMPLE_RATE  # no gap filled twice
    after = audio[-SAMPLE_RATE // 2:, 0]
    assert np.sqrt(np.mean(after ** 2)) > 0.1 and abs(dominant_hz(after) - TONE_HZ) <= 4.0  # the tone again


@pytest.fixture
def server(rtmp_server):
    return rtmp_server(accepted_keys={"mic"})


def test_microphone_gone_mid_push_says_so_and_the_stream_goes_on_silent(virtual_mic, server):
    program, notes, logged = Signal("program"), [], []
    context = OutputContext(program=program, note=notes.append, log_action=lambda n, d: logged.append((n, d)),
                            settings={"push": {"microphone": "pulse"}})  # the settings key picks it
    manager = OutputManager(context)
    tone = Tone(virtual_mic)
    push = manager.start("push", destinations=[Destination("mic", server.url("mic"), Preset(320, 180, 30, 500, 1.0))])
    assert push is not None, notes
    mic = push._audio_source
    assert push.audio_kind == "microphone" and mic.name == "pulse"
    feeder = Feeder(program)
    feeder.encoders = list(push.encoders.values())
    s = push.senders[0]
    try:
        feeder.start()
        wait_until(lambda: s.state == "live" and mic.captured > SAMPLE_RATE, what="live with a second of sound")
        virtual_mic.kill()  # the microphone disappears mid-show
        wait_until(lambda: any("“pulse” is gone" in n for n in notes), what=lambda: f"a note saying so: {notes}")
        gone_at = mic.delivered
        wait_until(lambda: mic.silence_filled > SAMPLE_RATE and s.sent_video > feeder.sent // 2 + 30,
                   what="a second of silence and more frames sent")
        status = push.status()
    finally:
        feeder.stop()
        manager.stop_all()
        tone.stop()
    assert status.state == "running" and s.state in ("live", "off")
    assert status.detail["audio"] == "silence" and "silence" in status.detail["audio_note"]
    assert mic.delivered > gone_at
    info = analyse(recording(server, "mic"))
    assert info["audio"] == ("aac", 48000, 2)
    assert abs(info["audio_span"] - info["video_span"]) < 1.0, info  # the sound track kept pace with the picture
    with av.open(str(recording(server, "mic"))) as c:
        pcm = np.concatenate([f.to_ndarray()[0] for f in c.decode(audio=0)])
    heard = pcm[: SAMPLE_RATE // 2 + int(1.5 * SAMPLE_RATE)]
    assert np.sqrt(np.mean(heard[-SAMPLE_RATE // 2:] ** 2)) > 0.1  # the tone, before the device went
    assert np.abs(pcm[-SAMPLE_RATE // 2:]).max() < 1e-3  # silence after


def test_bench_output_measures_the_av_offset_with_beeps_through_the_microphone(virtual_mic, server):
    """`bench output --mic virtual`, tiny: beeps played into a (private) PulseAudio microphone at
    known monotonic times, the program pushed with that microphone to nginx-rtmp, a player
    process finding each beep and the frame captured at its time. Only a generous bound is
    asserted (lip sync needs about +45 … −125 ms); the figure itself is the benchmark's."""
    import json
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "console", "bench", "output", "--seconds", "6", "--warmup", "3",
                           "--size", "640x360", "--mic", "virtual", "--json"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(proc.stdout)
    assert figures["player_error"] is None
    assert figures["microphone"]["device"] == "pulse" and figures["microphone"]["state"] == "microphone"
    offset = figures["av_offset_ms"]
    assert offset["beeps"] >= 3 and offset["measured"] >= offset["beeps"] - 1, offset  # heard in the stream
    assert abs(offset["p50"]) < 200 and offset["p99_abs"] < 200, offset
