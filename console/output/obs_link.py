"""The OBS link: run-of-show cues switch OBS scenes and show/hide OBS sources.

Many hosts compose the final picture in OBS (the console's program window or virtual camera as
one source among others). With the link on, an `obs_scene` / `obs_source` cue (or the host)
records an `obs.scene` / `obs.source` action; this output hears it on the session hub and sends
it to OBS over obs-websocket v5 (console/output/obs_protocol.py), on its own thread — the hub handler only
queues. OBS's answer is logged as `obs.result` and, when it is a refusal or the link is down,
told to the host in their words. A dropped connection is reopened on the next request.

Settings: `[obs] host = "127.0.0.1"`, `port = 4455`; the password from the keyring
(`obs:password`) or LIVE_CONSOLE_OBS_PASSWORD — never from the settings file.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any, Callable

from console.core import actions
from console.i18n import pick

from .obs_protocol import ObsAuthError, ObsClient, ObsRequestError
from .registry import OutputContext, OutputStatus, OutputUnavailable, register

log = logging.getLogger(__name__)

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 4455
HOW_TO_ENABLE = (
    "In OBS (28 or newer) open Tools → WebSocket Server Settings, tick “Enable WebSocket server” "
    "and note the port and password.",
    "在 OBS（28 或更新版本）中打开“工具 → WebSocket 服务器设置”，勾选“启用 WebSocket 服务器”，并记下端口和密码。",
)


class ObsUnavailable(OutputUnavailable):
    """OBS cannot be reached or refused us; the message says what to do."""


def _connect(host: str, port: int, password: str, timeout_s: float) -> ObsClient:
    """An identified obs-websocket v5 client, or ObsUnavailable in the host's words."""
    where = f"{host}:{port}"
    try:
        return ObsClient(host, port, password, timeout_s)
    except ObsAuthError as exc:
        if not password:
            raise ObsUnavailable(pick(
                "OBS asks for a password: store it in the keyring as obs:password (or LIVE_CONSOLE_OBS_PASSWORD).",
                "OBS 需要密码：请将其存入系统钥匙串 obs:password（或设置 LIVE_CONSOLE_OBS_PASSWORD）。")) from exc
        raise ObsUnavailable(pick(f"OBS refused the connection at {where}: wrong password? ({exc})",
                                  f"{where} 上的 OBS 拒绝连接：密码错误？（{exc}）")) from exc
    except (OSError, TimeoutError) as exc:
        raise ObsUnavailable(pick(f"OBS is not answering at {where} ({exc}). Is OBS running? {HOW_TO_ENABLE[0]}",
                                  f"{where} 上的 OBS 没有响应（{exc}）。OBS 是否已运行？{HOW_TO_ENABLE[1]}")) from exc
    except Exception as exc:  # noqa: BLE001 — closed mid-handshake, garbage frames, HTTP instead of WS …
        raise ObsUnavailable(pick(f"OBS at {where} did not complete the handshake ({type(exc).__name__}: {exc}).",
                                  f"{where} 上的 OBS 未完成握手（{type(exc).__name__}：{exc}）。")) from exc


@register
class ObsLink:
    key = "obs"
    label_en, label_zh = "OBS link", "OBS 联动"

    def __init__(self, context: OutputContext, *, host: str | None = None, port: int | None = None,
                 password: str | None = None, timeout_s: float = 3.0,
                 connect: Callable[[str, int, str, float], Any] = _connect) -> None:
        section = context.settings.get("obs") if isinstance(context.settings.get("obs"), dict) else {}
        self.context = context
        self.host = host or str(section.get("host", DEFAULT_HOST))
        self.port = int(port or section.get("port", DEFAULT_PORT))
        if password is None:
            from console.providers.credentials import get_credential

            password = get_credential("obs", "password") or ""
        self._password = password
        self.timeout_s = timeout_s
        self._connect_fn = connect
        self._client: Any = None
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="output-obs", daemon=True)
        self._subscription: Any = None
        self._state, self._message = "off", ""
        self.done = 0
        self.failed = 0

    # -- Output ---------------------------------------------------------------------------------
    def start(self) -> None:
        self._client = self._connect_fn(self.host, self.port, self._password, self.timeout_s)
        hub = getattr(self.context, "hub", None)
        if hub is not None:
            self._subscription = hub.subscribe(self._on_events, name="output.obs", kinds=("action",))
        self._set_state("running", "")
        self._thread.start()

    def stop(self) -> None:
        hub = getattr(self.context, "hub", None)
        if hub is not None and self._subscription is not None:
            hub.unsubscribe(self._subscription)
        self._queue.put(None)
        if self._thread.is_alive():
            self._thread.join(5)
        self._disconnect()
        self._set_state("off", "")

    def status(self) -> OutputStatus:
        return OutputStatus(self._state, self._message, frames=self.done, dropped=self.failed,
                            detail={"host": self.host, "port": self.port})

    # -- requests -------------------------------------------------------------------------------
    def switch_scene(self, scene: str) -> None:
        self._queue.put(("scene", {"scene": scene}))

    def set_source_visible(self, source_name: str, visible: bool, scene: str = "") -> None:
        self._queue.put(("source", {"source_name": source_name, "visible": visible, "scene": scene}))

    def _on_events(self, batch) -> None:
        # On the hub's thread: only queue.
        for event in batch:
            name = getattr(event, "name", "")
            if name == actions.OBS_SCENE:
                self.switch_scene(str(event.detail.get("scene", "")))
            elif name == actions.OBS_SOURCE:
                d = event.detail
                self.set_source_visible(str(d.get("source_name", "")), bool(d.get("visible", True)), str(d.get("scene", "")))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            what, args = item
            request = "SetCurrentProgramScene" if what == "scene" else "SetSceneItemEnabled"
            try:
                self._perform(what, args, retry=True)
            except Exception as exc:  # noqa: BLE001 — one refused request must not end the link
                self.failed += 1
                message = self._explain(what, args, exc)
                self.context.log_action(actions.OBS_RESULT, {"request": request, **args, "ok": False, "message": message})
                self._set_state("running" if self._client is not None else "failed", message)
                continue
            self.done += 1
            self.context.log_action(actions.OBS_RESULT, {"request": request, **args, "ok": True, "message": ""})
            self._set_state("running", "")

    def _perform(self, what: str, args: dict[str, Any], retry: bool) -> None:
        try:
            if self._client is None:
                self._client = self._connect_fn(self.host, self.port, self._password, self.timeout_s)
            if what == "scene":
                self._client.send("SetCurrentProgramScene", {"sceneName": args["scene"]})
                return
            scene = args["scene"]
            if not scene:
                scene = self._client.send("GetCurrentProgramScene")["currentProgramSceneName"]
            item = self._client.send("GetSceneItemId", {"sceneName": scene, "sourceName": args["source_name"]})
            self._client.send("SetSceneItemEnabled", {"sceneName": scene, "sceneItemId": item["sceneItemId"],
                                                      "sceneItemEnabled": bool(args["visible"])})
        except ObsUnavailable:
            self._client = None
            raise
        except Exception as exc:  # noqa: BLE001
            if _is_refusal(exc):
                raise
            # The socket died (OBS restarted, network): reconnect once and try again.
            self._disconnect()
            if not retry:
                raise
            log.info("OBS link lost (%s); reconnecting", exc)
            self._perform(what, args, retry=False)

    def _explain(self, what: str, args: dict[str, Any], exc: BaseException) -> str:
        if isinstance(exc, ObsUnavailable):
            return str(exc)
        if _is_refusal(exc):
            target = args.get("scene") if what == "scene" else args.get("source_name")
            return pick(f"OBS refused: “{target}” — {exc} Check the name in OBS.",
                        f"OBS 拒绝了请求：“{target}”——{exc} 请检查 OBS 中的名称。")
        return pick(f"The OBS link failed ({type(exc).__name__}: {exc}).",
                    f"OBS 联动出错（{type(exc).__name__}：{exc}）。")

    def _set_state(self, state: str, message: str) -> None:
        if (state, message) == (self._state, self._message):
            return
        self._state, self._message = state, message
        self.context.log_action(actions.OUTPUT_STATUS, {"output": self.key, "state": state, "message": message,
                                                        "host": self.host, "port": self.port})
        if message:
            self.context.note(message)

    def _disconnect(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.disconnect()
            except Exception:  # noqa: BLE001
                pass


def _is_refusal(exc: BaseException) -> bool:
    """OBS answered, and said no (unknown scene/source …): reconnecting would not help."""
    return isinstance(exc, ObsRequestError)
