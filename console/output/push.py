"""The push output: the program to one or more RTMP/SRT ingests at once.

Destinations are grouped by format (preset): one `FormatEncoder` per distinct format, feeding a
`Sender` per destination — the same program to Douyin and Bilibili is one encode, 9:16 to one
and 16:9 to another is two. Each sender connects, reconnects and reports on its own; one failing
never stops the others or the session. State changes and periodic health (fps, bitrate, dropped
frames, queue, reconnects) go to the session log as actions and to the host through `note`.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Iterable

from console.core import actions
from console.i18n import pick

from .push_audio import AudioTee, open_audio
from .push_config import Destination, PushConfigError, destination, destinations_from, presets_from
from .push_encoder import FormatEncoder
from .push_sender import Sender
from .registry import OutputContext, OutputStatus, register

log = logging.getLogger(__name__)


def resolve(context: OutputContext, urls: Iterable[str] = (), *, use_settings: bool = True) -> list[Destination]:
    """Destinations from `--push URL`s (the key may be in the URL or in the keyring/env) and the
    settings file's `[[push.destinations]]`. Raises PushConfigError with the host's words."""
    section = context.settings.get("push", {}) if isinstance(context.settings.get("push"), dict) else {}
    presets = presets_from(section)
    aspect = context.aspect()
    out = [destination(url, aspect=aspect, presets=presets) for url in urls]
    if use_settings:
        out += destinations_from(section, aspect)
    names: dict[str, int] = {}
    unique = []
    for dest in out:  # two destinations on one platform get distinct names (for status and env vars)
        n = names[dest.name] = names.get(dest.name, 0) + 1
        unique.append(dest if n == 1 else Destination(f"{dest.name}-{n}", dest.url, dest.preset, dest.platform, dest.aspect))
    return unique


@register
class PushOutput:
    key = "push"
    label_en, label_zh = "Push (RTMP/SRT)", "推流（RTMP/SRT）"
    HEALTH_EVERY_S = 10.0

    def __init__(self, context: OutputContext, *, destinations: list[Destination] | None = None,
                 urls: Iterable[str] = (), use_settings: bool = True, audio=None,
                 connect_timeout_s: float = 10.0, policy_factory=None) -> None:
        self.context = context
        section = context.settings.get("push", {}) if isinstance(context.settings.get("push"), dict) else {}
        self.destinations = destinations if destinations is not None else resolve(context, urls, use_settings=use_settings)
        if not self.destinations:
            raise PushConfigError(pick("No push destination: add one with --push URL or [[push.destinations]] in the settings.",
                                       "没有推流地址：请用 --push URL 或在设置的 [[push.destinations]] 中添加。"))
        self._encoder_pref = str(section.get("encoder", "auto"))
        x264 = section.get("x264_preset")
        self._x264_preset = x264 if isinstance(x264, str) and x264 else None
        queue_s = section.get("queue_seconds", 3)
        self._queue_s = float(queue_s) if isinstance(queue_s, (int, float)) and queue_s > 0 else 3.0
        self._audio_source = audio if audio is not None else open_audio(
            section.get("microphone"), enabled=section.get("microphone_enabled", True) is not False)
        self._tee = AudioTee(self._audio_source)
        for news in ("lost", "back"):  # the microphone unplugged mid-show, and back: the host is told
            signal = getattr(self._audio_source, news, None)
            if signal is not None:
                signal.connect(self.context.note)
        self._connect_timeout_s = connect_timeout_s
        self._policy_factory = policy_factory
        self.encoders: dict[Any, FormatEncoder] = {}
        self.senders: list[Sender] = []
        self._stop = threading.Event()
        self._health = threading.Thread(target=self._health_loop, name="push-health", daemon=True)

    @property
    def audio_kind(self) -> str:
        return self._tee.kind

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        t0 = time.monotonic()
        for dest in self.destinations:
            encoder = self.encoders.get(dest.preset)
            if encoder is None:
                encoder = self.encoders[dest.preset] = FormatEncoder(
                    dest.preset, encoder=self._encoder_pref, audio=self._tee.reader(), t0=t0,
                    x264_preset=self._x264_preset, on_note=self.context.note)
            kwargs = {"policy": self._policy_factory()} if self._policy_factory else {}
            sender = Sender(dest, encoder, queue_seconds=self._queue_s, on_change=self._on_change,
                            connect_timeout_s=self._connect_timeout_s, **kwargs)
            encoder.add_sink(sender.put)
            self.senders.append(sender)
        if self._tee.reason:
            self.context.note(self._tee.reason)
        for encoder in self.encoders.values():
            encoder.start()
        for sender in self.senders:
            sender.start()
        for encoder in self.encoders.values():
            self.context.program.connect(encoder.offer)
        self._health.start()
        log.info("push started: %s", ", ".join(f"{s.dest.name} {s.dest.safe_url}" for s in self.senders))

    def stop(self) -> None:
        self._stop.set()
        for encoder in self.encoders.values():
            self.context.program.disconnect(encoder.offer)
        for encoder in self.encoders.values():
            encoder.stop()
        for sender in self.senders:
            sender.stop()
        if self._health.is_alive():
            self._health.join(5)
        self._log_health()

    # -- reporting ---------------------------------------------------------------------------
    def _on_change(self, sender: Sender) -> None:
        dest = sender.dest
        self.context.log_action(actions.OUTPUT_STATUS, {
            "output": self.key, "destination": dest.name, "url": dest.safe_url, "state": sender.state,
            "message": sender.message, "encoder": sender.encoder.encoder_name})
        if sender.state in ("reconnecting", "failed") and sender.message:
            self.context.note(sender.message)

    def destination_health(self, sender: Sender) -> dict[str, Any]:
        fps, kbps = sender.rates()
        return {"destination": sender.dest.name, "url": sender.dest.safe_url, "state": sender.state,
                "message": sender.message, "fps": round(fps, 2), "kbps": round(kbps, 1),
                "dropped": sender.dropped + sender.encoder.dropped, "queue": sender.queued + sender.encoder.queued,
                "reconnects": sender.reconnects, "encoder": sender.encoder.encoder_name,
                "size": f"{sender.dest.preset.width}x{sender.dest.preset.height}", "aspect": sender.dest.aspect,
                "next_try_s": sender.next_try_s}

    def _log_health(self) -> None:
        for sender in self.senders:
            health = self.destination_health(sender)
            self.context.log_action(actions.OUTPUT_HEALTH, {
                "output": self.key, **{k: health[k] for k in ("destination", "state", "fps", "kbps", "dropped",
                                                               "queue", "reconnects", "encoder")}})

    def _health_loop(self) -> None:
        while not self._stop.wait(self.HEALTH_EVERY_S):
            self._log_health()

    def status(self) -> OutputStatus:
        per = [self.destination_health(s) for s in self.senders]
        states = {d["state"] for d in per}
        state = ("running" if "live" in states else "reconnecting" if "reconnecting" in states
                 else "failed" if states == {"failed"} else "starting" if "starting" in states else "off")
        errors = [e.error for e in self.encoders.values() if e.error]
        message = "; ".join(errors + [d["message"] for d in per if d["state"] != "live" and d["message"]])
        fps = max((e.rates()[0] for e in self.encoders.values()), default=0.0)
        return OutputStatus(
            state=state, message=message, fps=fps,
            frames=sum(e.encoded for e in self.encoders.values()),
            dropped=sum(d["dropped"] for d in per),
            detail={"destinations": per, "audio": self._tee.kind, "audio_note": self._tee.reason,
                    "microphone": getattr(self._audio_source, "name", None),
                    "encoders": [{"size": f"{p.width}x{p.height}", "fps": p.fps, "kbps": p.bitrate_kbps,
                                  "encoder": e.encoder_name, "encoded": e.encoded, "dropped": e.dropped, "skipped": e.skipped,
                                  "error": e.error} for p, e in self.encoders.items()]},
        )
