"""The OBS link against a local obs-websocket v5 double (Hello/Identify/Identified with the real
auth, Request/RequestResponse): cues switch scenes and toggle sources, refusals and a wrong
password are said in plain words, a dropped connection or a malformed frame is recovered."""

import socket

import pytest

from console.core import actions
from console.core.events import ActionSource
from console.core.signal import Signal
from console.i18n import set_language
from console.output.manager import OutputManager
from console.output.obs_link import ObsLink, ObsUnavailable
from console.output.registry import OutputContext
from tests.doubles.obs import ObsDouble
from tests.waiting import wait_until


@pytest.fixture
def obs():
    set_language("en")
    double = ObsDouble(password="hunter2").start()
    yield double
    double.stop()


@pytest.fixture
def linked(obs, room):
    hub, clock, ix, log = room
    notes, logged = [], []
    context = OutputContext(program=Signal(), note=notes.append, hub=hub,
                            log_action=lambda name, detail: logged.append((name, detail)),
                            settings={"obs": {"host": "127.0.0.1", "port": obs.port}})
    link = ObsLink(context, password="hunter2")
    link.start()
    yield link, ix, notes, logged
    link.stop()


def test_cues_switch_the_scene_and_toggle_a_source(obs, linked):
    link, ix, notes, logged = linked
    assert obs.identified == 1
    result = ix.obs_scene(scene="Close-up", source=ActionSource.CUE)  # what a cue calls
    assert result.ok and "Close-up" in result.message
    wait_until(lambda: obs.program_scene == "Close-up")
    assert ix.obs_source(source_name="Price banner", visible=False, scene="Main").ok
    wait_until(lambda: obs.enabled.get(("Main", 2)) is False)
    # No scene named: the current program scene is asked for first.
    assert ix.obs_source(source_name="Camera", visible=True).ok
    wait_until(lambda: obs.enabled.get(("Close-up", 3)) is True)
    kinds = [r["requestType"] for r in obs.requests]
    assert kinds == ["SetCurrentProgramScene", "GetSceneItemId", "SetSceneItemEnabled",
                     "GetCurrentProgramScene", "GetSceneItemId", "SetSceneItemEnabled"]
    assert obs.requests[0]["sceneName"] == "Close-up"
    wait_until(lambda: link.done == 3)
    results = [d for n, d in logged if n == actions.OBS_RESULT]
    assert [r["ok"] for r in results] == [True, True, True] and notes == []


def test_an_unknown_scene_is_refused_in_plain_words_and_the_link_stays_up(obs, linked):
    link, ix, notes, logged = linked
    ix.obs_scene(scene="Nope")
    wait_until(lambda: link.failed == 1)
    assert len(notes) == 1 and "OBS refused" in notes[0] and "Nope" in notes[0] and "No scene was found" in notes[0]
    ix.obs_scene(scene="Close-up")
    wait_until(lambda: obs.program_scene == "Close-up")
    assert obs.identified == 1  # a refusal is an answer, not a reason to reconnect
    assert link.status().state == "running"
    assert [d["ok"] for n, d in logged if n == actions.OBS_RESULT] == [False, True]


def test_a_dropped_connection_and_a_malformed_frame_are_recovered(obs, linked):
    link, ix, notes, logged = linked
    obs.drop_next = True
    ix.obs_scene(scene="Close-up")
    wait_until(lambda: obs.program_scene == "Close-up")
    assert obs.identified == 2  # reconnected and sent again
    obs.garbage_next = True
    ix.obs_scene(scene="Main")
    wait_until(lambda: obs.program_scene == "Main")
    assert obs.identified == 3 and link.failed == 0 and notes == []


def test_a_wrong_or_missing_password_is_said_and_the_session_goes_on(obs):
    notes = []
    context = OutputContext(program=Signal(), note=notes.append, settings={"obs": {"port": obs.port}})
    with pytest.raises(ObsUnavailable, match="wrong password"):
        ObsLink(context, password="letmein").start()
    assert obs.auth_failures == 1 and obs.identified == 0
    with pytest.raises(ObsUnavailable, match="asks for a password"):
        ObsLink(context, password="").start()
    manager = OutputManager(context)
    assert manager.start("obs", password="letmein") is None
    assert len(notes) == 1 and "OBS link could not start" in notes[0] and "hunter2" not in notes[0]


def test_obs_not_running_gives_the_way_to_turn_its_server_on():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    context = OutputContext(program=Signal(), settings={"obs": {"port": port}})
    with pytest.raises(ObsUnavailable, match="WebSocket Server Settings"):
        ObsLink(context, password="x", timeout_s=2).start()


def test_run_of_show_cues_drive_obs_on_time(obs, linked, room):
    from console.interact.show import ShowFileError, ShowRunner, parse_show

    hub, clock, ix, log = room
    link = linked[0]
    show = parse_show({"title": "t", "segment": [{"sku": "LIP-001", "duration_s": 30}], "cue": [
        {"id": "closeup", "at_s": 5, "action": "obs_scene", "scene": "Close-up"},
        {"id": "banner", "at_s": 10, "action": "obs_source", "source_name": "Price banner", "visible": False,
         "scene": "Main"},
    ]})
    runner = ShowRunner(show, ix, clock)
    runner.tick()
    clock.advance(5)
    [fired] = runner.tick()
    assert fired.ok
    wait_until(lambda: obs.program_scene == "Close-up")
    clock.advance(5)
    runner.tick()
    wait_until(lambda: obs.enabled.get(("Main", 2)) is False)
    # The session log has the cue's request (and the link logs OBS's answers, see above).
    names = [a.name for a in log]
    assert names.count(actions.OBS_SCENE) == 1 and names.count(actions.OBS_SOURCE) == 1
    assert all(a.source == ActionSource.CUE for a in log if a.name.startswith("obs."))
    # A cue with a field OBS cues do not have is refused when the file loads, not mid-show.
    with pytest.raises(ShowFileError, match="obs_scene"):
        parse_show({"cue": [{"id": "x", "at_s": 1, "action": "obs_scene", "scene_name": "Main"}]})
    assert link.failed == 0
