"""OBS link cues: switch the OBS scene, show or hide an OBS source, from a run-of-show cue or
the host. The kind only records the request as an action (`obs.scene` / `obs.source`, so the
session log has it); the OBS link output (console/output/obs_link.py) listens for those actions
and carries them out over obs-websocket, reporting OBS's answer as `obs.result`. Nothing is
drawn on the video, so the kind has no overlay element (`draws=False`).

Cue examples:  action = "obs_scene", scene = "Close-up"
               action = "obs_source", source_name = "Price banner", visible = false
"""

from __future__ import annotations

from console.core import actions as A
from console.core.events import ActionSource
from console.messages import register as register_messages

from ..registry import InteractionKind, register
from ..results import ok, refused

register_messages({
    "obs.no_scene": ("Which OBS scene? None was named.", "要切换到哪个 OBS 场景？未指定。"),
    "obs.no_source": ("Which OBS source? None was named.", "要切换哪个 OBS 来源？未指定。"),
    "obs.scene_sent": ("OBS: switching to scene “{scene}”.", "OBS：切换到场景“{scene}”。"),
    "obs.source_shown": ("OBS: showing “{source_name}”.", "OBS：显示“{source_name}”。"),
    "obs.source_hidden": ("OBS: hiding “{source_name}”.", "OBS：隐藏“{source_name}”。"),
    "obs.nothing": ("Nothing of OBS is on the video.", "画面上没有 OBS 的内容。"),
})


class _Requests:
    """Engine of a kind with nothing on the video."""

    def view(self) -> None:
        return None


KIND = register(InteractionKind(
    "obs", ("OBS link", "OBS 联动"), order=95, draws=False,
    engine=lambda ix: _Requests(),
    stop=lambda engine, source: ok("obs.nothing"),
    describe=lambda view: ("", ""),
))


@KIND.action("Switch OBS scene", "切换 OBS 场景")
def obs_scene(ix, scene: str, source: ActionSource = ActionSource.HOST, override_lint: bool = False):
    def op():
        name = scene.strip()
        if not name:
            return refused("obs.no_scene")
        ix.outbox.emit(A.OBS_SCENE, {"scene": name}, source)
        return ok("obs.scene_sent", scene=name)

    return ix.guarded("obs", [], override_lint, op, call_to_action=False)


@KIND.action("Show or hide an OBS source", "显示或隐藏 OBS 来源")
def obs_source(ix, source_name: str, visible: bool = True, scene: str = "",
               source: ActionSource = ActionSource.HOST, override_lint: bool = False):
    def op():
        name = source_name.strip()
        if not name:
            return refused("obs.no_source")
        ix.outbox.emit(A.OBS_SOURCE, {"source_name": name, "visible": bool(visible), "scene": scene.strip()}, source)
        return ok("obs.source_shown" if visible else "obs.source_hidden", source_name=name)

    return ix.guarded("obs", [], override_lint, op, call_to_action=False)
