"""Composition root: builds the services and wires them. Nothing else lives here.

The same `ConsoleApp` runs with a window (ui/) or without (`--headless`): the window only
displays what these services produce, which is what keeps tests, benchmarks and CI on the real
pipeline.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from console import __version__
from console.config import Settings, default_config_path, load_settings, peek_language, save_settings
from console.core import actions
from console.core.clock import SystemClock
from console.core.events import Action, ActionSource
from console.core.hub import SessionHub
from console.core.secrets_scrub import scrub_text
from console.validate.settings_schema import clean_rate
from console.core.rates import RateMeter
from console.core.signal import Signal
from console.i18n import pick, set_language
from console.insight.service import Insight
from console.interact.controller import Interactions
from console.interact.show import ShowRunner, load_show
from console import session_recovery as recovery
from console.output.manager import OutputManager
from console.output.registry import OutputContext
from console.providers.announce import LotteryAnnouncer
from console.providers.native_poll import NativePollBackend
from console.providers.native_prediction import PlatformPredictions
from console.providers.runner import PlatformRunner
from console.providers.status import ConnState
from console.store import queries
from console.store.paths import default_db_path
from console.store.writer import SessionStore
from console.runloop import RunLoop
from console.video.camera import Camera
from console.video.capture import CameraStatus
from console.video.frames import Frame, LatestSlot
from console.video.overlays.compositor import OverlayCompositor
from console.video.pipeline import VideoPipeline
from console.video.tryon.catalog import Catalog, CatalogError
from console.video.tryon.controller import TryOnController
from console.video.tryon.processor import TryOnProcessor

log = logging.getLogger(__name__)


@dataclass(slots=True)
class AppOptions:
    demo: bool = False
    platforms: list[str] | None = None
    """--platform NAME (repeatable); None = `[platform] use` from the settings file (default demo)."""
    camera: str | None = None
    db: Path | None = None
    config: Path | None = None
    lang: str | None = None
    headless: bool = False
    quit_after: float | None = None
    screenshot: Path | None = None
    show: Path | None = None
    rate: float | None = None
    push: list[str] | None = None
    """--push URL (repeatable): go live to these at start (headless) / with Go live (window)."""
    virtual_camera: bool = False
    """--virtual-camera: send the program to the virtual camera from the start."""
    obs: bool = False
    """--obs: link to OBS (obs-websocket) from the start, so obs_* cues reach it."""
    resume: str = "ask"
    """After a crash: "continue" the interrupted session, start a "new" one, or "ask" (ask_resume)."""
    ask_resume: Callable[[dict], bool] | None = None
    """Asks the host whether to continue an interrupted session (the window sets it); None = new."""


class ConsoleApp:
    def __init__(self, options: AppOptions) -> None:
        self.options = options
        self.config_path: Path = options.config or default_config_path()
        """Where the Platform settings dialog writes non-secret settings."""
        # The host's language first, so what is wrong with the settings file is said in it.
        set_language(options.lang or peek_language(options.config) or "en")
        self.settings: Settings = load_settings(options.config)
        set_language(options.lang or self.settings.lang)
        self.clock = SystemClock()
        self.hub = SessionHub()
        self.notices: list[str] = list(self.settings.problems)

        self.db_path = Path(options.db) if options.db else default_db_path()
        self.store = SessionStore(self.db_path, on_error=self._note)
        for note in self.store.notes:
            self._note(note)
        # A show that cannot load must not leave an empty session behind: load it first.
        self.catalog = self._load_catalog()
        self.show = self._load_show(options.show)
        self.resumed = recovery.choose(self.store.interrupted, options.resume, options.ask_resume)
        for session in self.store.interrupted:
            self._note(recovery.describe(session) + " " + (
                pick("Continuing it.", "继续该场次。") if session is self.resumed else
                pick("A new session starts; the old one stays in the log, marked interrupted.",
                     "将开始新场次；旧场次保留在日志中并标记为中断。")))
        # Platforms after the crash question: a continued session hands each provider the resume
        # state (cursors, last ids) it saved there, so the show goes on without gaps or repeats.
        names = ["demo"] if options.demo else (options.platforms or self.settings.platforms)
        self.platforms = self._make_platforms(
            names, resume=self._saved_resume(self.resumed["id"]) if self.resumed is not None else None)
        self.provider = self.platforms.primary
        self.platforms_changed = Signal("app.platforms_changed")
        """Emitted with the new PlatformRunner after a mid-show switch (a new session began)."""
        if self.resumed is not None:
            self.session_id = self.store.continue_session(self.resumed["id"])
        else:
            self.session_id = self.store.start_session(
                platform=self.platforms.session_platform,
                is_demo=self.platforms.is_demo,
                app_version=__version__,
                meta={"camera": options.camera or self.settings.camera, "headless": options.headless},
            )
        self.hub.subscribe(self.store.enqueue_batch, name="store")
        self.hub.set_backlog_probe(self.store.backlog_s)
        self.rates = RateMeter()
        self.hub.subscribe(self.rates, name="rates")

        self._native_seq = 0
        # Twitch / YouTube run the console's polls natively too (comment keywords elsewhere; only
        # keywords when no platform of the session has polls — also after switching platforms).
        self.poll_backend: NativePollBackend | None = NativePollBackend(
            self.platforms.providers, record=self._log_native_poll,
            on_change=lambda: self.interactions.changed.emit())
        # Twitch channel-points predictions (refused with the reason on other platforms).
        self.prediction_backend = PlatformPredictions(
            self.platforms.providers, record=self._log_prediction,
            on_change=lambda: self.interactions.changed.emit())
        self.interactions = Interactions(self.hub, self.clock, catalog=self.catalog,
                                         language=lambda: self.overlays.language,
                                         poll_backend=self.poll_backend,
                                         prediction_backend=self.prediction_backend)
        self.interactions.chain_head = self.store.chain_head  # shown on air at each draw
        # Where the platform lets us post: the lottery proofs go to chat as well as on the video.
        self.hub.subscribe(LotteryAnnouncer(lambda: self.platforms.providers), name="lottery-chat", kinds=["action"])
        for problem in self.interactions.preset_problems:
            self._note(pick(f"Presets: {problem}", f"预设：{problem}"))
        self.show_runner = ShowRunner(self.show, self.interactions) if self.show is not None else None
        if self.resumed is not None:
            self.hub.publish(Action(
                platform="console", msg_id=f"resume-{self.session_id}-{self.clock.now():.6f}", ts=self.clock.now(),
                name=actions.SESSION_RESUMED, source=ActionSource.SYSTEM,
                detail={"interrupted_at": self.resumed["interrupted_at"]}))
            restored = recovery.restore_lottery(self.db_path, self.session_id, self.interactions)
            if restored is not None:
                self._note(restored.message)
        # Comment understanding, heatmap, radar, dashboard: on the insight thread, never the loop.
        self.insight = Insight(self.catalog)
        self.hub.subscribe(self.insight.on_events, name="insight")

        self.runloop = RunLoop(self._tick_engines, self.clock, self.platforms)
        self.capture_slot: LatestSlot[Frame] = LatestSlot()
        self.camera = Camera(options.camera or self.settings.camera, self.capture_slot, self._note,
                             width=self.settings.width, height=self.settings.height)
        self.camera.status_changed.connect(lambda status: self.runloop.on_loop(self._log_camera_status, status))
        self.pipeline = VideoPipeline(self.capture_slot, on_error=self._on_video_error)
        try:
            self.tryon: TryOnController | None = TryOnController(self.hub, self.catalog)
        except (CatalogError, OSError) as exc:
            # A broken catalog turns try-on off; camera, comments and the log carry on.
            self._note(pick(f"Try-on is off: the product catalog could not be loaded ({exc}).",
                            f"试妆已关闭：商品目录无法加载（{exc}）。"))
            self.tryon = None
        if self.tryon is not None:
            controller = self.tryon
            self.pipeline.add(lambda: TryOnProcessor(controller))
        # Overlays go on after try-on so viewers see them wherever the program video goes.
        aspect = self.settings.aspect if self.settings.aspect in ("16:9", "9:16") else "16:9"
        self.overlays = OverlayCompositor(self.interactions.snapshot, aspect=aspect)
        self.overlays.set_language(self.settings.overlay_lang)  # the audience's, not the host's
        if self.overlays.font_warning:
            self._note(self.overlays.font_warning)
        self.pipeline.add(self.overlays)
        # Program frames out (push, virtual camera, …): registered modules in console/output.
        self.outputs = OutputManager(OutputContext(
            program=self.pipeline.program, note=self._note, settings=self.settings.sections,
            log_action=lambda name, detail: self.runloop.on_loop(self._log_system_action, name, detail),
            aspect=lambda: self.overlays.aspect, hub=self.hub))
        self._stopped = False

    def _log_native_poll(self, detail: dict) -> None:
        """A native poll step (opened on Twitch, tallies at close, refused): logged; refusals shown."""
        self._native_seq += 1
        self.hub.publish(Action(platform=detail["platform"], msg_id=f"poll-native-{self._native_seq}-{self.clock.now():.3f}",
                                ts=self.clock.now(), name=actions.POLL_NATIVE, source=ActionSource.ENGINE,
                                detail=detail))
        if detail.get("state") == "failed" and detail.get("message"):
            self._note(pick(f"{detail['platform']} poll: {detail['message']}",
                            f"{detail['platform']} 投票：{detail['message']}"))

    def _log_prediction(self, detail: dict) -> None:
        """A prediction step Twitch confirmed (or refused): logged with Twitch's id and tallies;
        a refusal is also shown to the host in plain words."""
        self._native_seq += 1
        name = {"open": actions.PREDICTION_OPEN, "lock": actions.PREDICTION_LOCK,
                "resolve": actions.PREDICTION_RESOLVE, "cancel": actions.PREDICTION_CANCEL}.get(
            detail.get("state", ""), actions.PREDICTION_FAILED)
        source = ActionSource.CUE if detail.get("by") == "cue" else (
            ActionSource.HOST if detail.get("by") == "host" else ActionSource.ENGINE)
        self.hub.publish(Action(platform=detail["platform"], msg_id=f"prediction-{self._native_seq}-{self.clock.now():.3f}",
                                ts=self.clock.now(), name=name, source=source, detail=detail))
        if name == actions.PREDICTION_FAILED and detail.get("message"):
            self._note(pick(f"Twitch prediction: {detail['message']}", f"Twitch 竞猜：{detail['message']}"))

    def _load_catalog(self) -> Catalog:
        # The one product catalog: try-on, product cards, show segments (and the demo audience).
        try:
            catalog = Catalog.load()
        except OSError as exc:
            self._note(pick(f"The product catalog could not be loaded ({exc}).", f"商品目录无法加载（{exc}）。"))
            catalog = Catalog([])
        for problem in catalog.problems:
            self._note(pick(f"Catalog: {problem}", f"商品目录：{problem}"))
        return catalog

    def _load_show(self, path: Path | None):
        if path is None:
            return None
        problems: list[str] = []
        try:
            show = load_show(path, self.catalog, problems)  # bad cues are skipped, each noted
        except (OSError, ValueError) as exc:
            self._note(pick(f"The run-of-show {path} could not be loaded, so it is not running: {exc}",
                            f"节目单 {path} 无法加载，未运行：{exc}"))
            return None
        for problem in problems:
            self._note(pick(f"Run-of-show: {problem}", f"节目单：{problem}"))
        return show

    # -- notices from any thread ------------------------------------------------------------
    def _note(self, message: str) -> None:
        """A problem worth telling the host about; safe from any thread."""
        message = scrub_text(message)
        log.warning(message)
        self.notices.append(message)

    def add_listener(self, fn: Callable[[], None]) -> None:
        """`fn()` after every tick (4×/s) on the loop thread."""
        self.runloop.ticked.connect(fn)

    @property
    def camera_status(self) -> CameraStatus:
        return self.camera.status

    def _log_camera_status(self, status: CameraStatus) -> None:
        # A camera URL may carry a password (rtsp://user:pass@…): masked before it is logged.
        self.hub.publish(Action(
            platform=self.provider.platform, msg_id=f"camera-{self.clock.monotonic():.6f}", ts=self.clock.now(),
            name=actions.CAMERA_STATUS, source=ActionSource.SYSTEM,
            detail={"state": status.state, "source": scrub_text(str(status.source)),
                    "message": scrub_text(str(status.message))}))

    def _log_system_action(self, name: str, detail: dict) -> None:
        self.hub.publish(Action(
            platform=self.provider.platform, msg_id=f"{name}-{self.clock.monotonic():.6f}", ts=self.clock.now(),
            name=name, source=ActionSource.SYSTEM, detail=detail))

    # -- the host's view choices, kept for the next start ------------------------------------------
    def set_overlay_language(self, lang: str) -> None:
        """The audience's language for the overlays, now and at the next start (`[ui] overlay_lang`)."""
        self.overlays.set_language(lang)
        self.settings.overlay_lang = self.overlays.language
        self._remember("ui", {"overlay_lang": self.overlays.language})

    def set_aspect(self, aspect: str) -> None:
        """The program's output aspect, now and at the next start (`[ui] aspect`)."""
        self.overlays.set_aspect(aspect)
        self.settings.aspect = self.overlays.aspect
        self._remember("ui", {"aspect": self.overlays.aspect})

    def _remember(self, section: str, values: dict) -> None:
        # A settings file that cannot be written costs the choice at restart, never the show.
        try:
            save_settings(self.config_path, section, values)
        except (OSError, ValueError) as exc:
            self._note(pick(f"The setting is used now but could not be saved to {self.config_path}: {exc}",
                            f"设置已生效，但无法保存到 {self.config_path}：{exc}"))

    # -- going live (console/output/push.py) ----------------------------------------------------
    def go_live(self, urls: list[str] | None = None) -> bool:
        """Push the program to `urls` (default: --push) plus the settings' destinations. False
        (the host told why) when nothing could start; the session runs on either way."""
        if urls is None:
            urls = self.options.push or []
        return self.outputs.start("push", urls=urls) is not None

    def end_live(self) -> None:
        self.outputs.stop("push")

    @property
    def live(self):
        """The running push output, or None."""
        return self.outputs.get("push")

    # -- platforms --------------------------------------------------------------------------------
    def _make_platforms(self, names, resume=None) -> PlatformRunner:
        rate, note = clean_rate(self.options.rate)  # nan / inf / 1e9 never reach the audience
        if note:
            self._note(note)
        rate = rate if rate is not None else self.settings.demo_rate
        runner = PlatformRunner(names, self.hub, self.clock, sections=self.settings.sections,
                                overrides={"demo": {"rate": rate}}, resume=resume)
        runner.status_changed.connect(self._on_platform_status)
        return runner

    def _saved_resume(self, session_id: int) -> dict[str, dict]:
        try:
            return queries.resume_state(queries.open_db(self.db_path), session_id)
        except Exception as exc:  # noqa: BLE001 — a missing cursor means a gap, never a stopped show
            self._note(pick(f"Where the platforms stopped could not be read ({exc}); they start fresh.",
                            f"无法读取平台的中断位置（{exc}）；平台将重新开始。"))
            return {}

    async def switch_platforms(self, names: list[str]) -> int:
        """Mid-show switch: stop the current platforms, end this session and start a new one on
        `names` (what the log says about a session stays true: one set of platforms each). The
        video, engines and try-on keep running. Raises PlatformChoiceError before anything stops
        when `names` cannot run together. Returns the new session id."""
        runner = self._make_platforms(names)
        old, self.platforms = self.platforms, runner
        await old.stop()
        old.status_changed.disconnect(self._on_platform_status)
        self.provider = runner.primary
        self.session_id = self.store.start_session(  # ends the open session first
            platform=runner.session_platform, is_demo=runner.is_demo, app_version=__version__,
            meta={"camera": self.options.camera or self.settings.camera, "headless": self.options.headless,
                  "switched_from": old.session_platform})
        if self.poll_backend is not None:
            self.poll_backend.providers = runner.providers
        self.prediction_backend.providers = runner.providers
        self.runloop.set_platforms(runner)
        runner.start()
        self.platforms_changed.emit(runner)
        return self.session_id

    async def disconnect_platforms(self) -> None:
        """Stop listening to the platforms; the session, video and log go on (Connect resumes
        with a new session)."""
        await self.platforms.stop()
        for provider in self.platforms.providers:
            provider.report(ConnState.ENDED, pick("disconnected by the host", "主播已断开"))

    def _on_platform_status(self, status) -> None:
        # The video, engines and log keep running without the platform; the host is told why.
        if status.state in ("failed", "ended") and status.reason:
            self._note(pick(f"Platform connection: {status.text()}", f"平台连接：{status.text()}"))

    def _on_video_error(self, stage: str, message: str) -> None:
        if message:
            self._note(pick(f"Video stage '{stage}' failed: {message}", f"视频处理“{stage}”出错：{message}"))

    # -- lifecycle ----------------------------------------------------------------------------
    def start_video(self) -> None:
        self.camera.start()
        self.pipeline.start()
        if self.options.virtual_camera:
            self.set_output("virtualcam", True)
        if self.options.obs:
            self.set_output("obs", True)

    def set_output(self, key: str, on: bool) -> bool:
        """Turn a registered output (console/output: "virtualcam", "obs", …) on or off. Opening a
        device or a connection can take a moment: call from a worker in the GUI. False (the host
        told why) when it cannot start; the session goes on either way."""
        if not on:
            self.outputs.stop(key)
            return False
        return self.outputs.start(key) is not None

    def switch_camera(self, spec: str | int) -> bool:
        """Change the camera source without waiting for the old one to close."""
        return self.camera.switch(spec)

    def _tick_engines(self) -> None:
        # The show runner ticks the engines too; without a show they tick on their own.
        if self.show_runner is not None:
            self.show_runner.tick()
        else:
            self.interactions.tick()

    def tick(self) -> None:
        """Periodic work on the loop thread (4×/s): see console/runloop.py."""
        self.runloop.tick()

    async def run(self, quit_after: float | None = None, stop: asyncio.Event | None = None) -> None:
        await self.runloop.run(quit_after, stop)

    def shutdown(self) -> None:
        """Stop video, flush the log. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self.outputs.stop_all()
        self.pipeline.stop()
        self.camera.stop()
        self.runloop.drain_pending()
        self.interactions.close()
        self.insight.close()
        self.store.end_session()
        self.store.close()
