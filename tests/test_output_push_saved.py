"""The host's saved push destinations (console/output/push_saved.py) through the real settings
file and the test keyring: what the Go live dialog saves is what the next start loads — preset,
address, aspect, bitrate — and the stream key is only ever in the keyring."""

from __future__ import annotations

import pytest

from console.config import load_settings, save_settings
from console.output import push_saved
from console.output.push_config import DEFAULT_PRESETS, PushConfigError, destinations_from, split_key, stream_key


@pytest.fixture(autouse=True)
def _no_env_keys(monkeypatch):
    for name in ("LIVE_CONSOLE_PUSH_KEY", "LIVE_CONSOLE_PUSH_BILIBILI_KEY", "LIVE_CONSOLE_PUSH_BILIBILI_2_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_split_key_keeps_the_address_and_hands_back_the_key():
    assert split_key("rtmp://a.rtmp.youtube.com/live2/abcd-1234") == ("rtmp://a.rtmp.youtube.com/live2/", "abcd-1234")
    # Bilibili hands the key out as a query string after the app.
    assert split_key("rtmp://live-push.bilivideo.com/live-bvc/?streamname=live_1&key=SECRET") == \
        ("rtmp://live-push.bilivideo.com/live-bvc/", "?streamname=live_1&key=SECRET")
    assert split_key("rtmp://127.0.0.1:1935/live/") == ("rtmp://127.0.0.1:1935/live/", None)
    assert split_key("srt://ingest.example:9000?latency=200&streamid=SECRET") == ("srt://ingest.example:9000?latency=200", "SECRET")
    assert split_key("srt://ingest.example:9000") == ("srt://ingest.example:9000", None)


def test_saved_destinations_round_trip_through_the_settings_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('# mine\n[ui]\nlang = "en"\n\n[push]\nencoder = "libx264"\n', encoding="utf-8")
    sections = load_settings(path).sections
    entry, key, dest = push_saved.entry_for("rtmp://live-push.bilivideo.com/live-bvc/?streamname=live_1&key=BILI-SECRET",
                                            aspect="9:16", bitrate_kbps=2500, taken=push_saved.saved(sections))
    assert key == "?streamname=live_1&key=BILI-SECRET" and dest.preset.bitrate_kbps == 2500
    push_saved.add(path, sections, entry, key)
    # A second one on the same platform gets its own name (and its own key).
    entry2, key2, _ = push_saved.entry_for("rtmp://live-push.bilivideo.com/live-bvc/", key="OTHER-SECRET",
                                           aspect="16:9", taken=push_saved.saved(sections))
    push_saved.add(path, sections, entry2, key2)

    text = path.read_text(encoding="utf-8")
    assert "BILI-SECRET" not in text and "OTHER-SECRET" not in text and "streamname" not in text
    assert text.startswith("# mine") and 'encoder = "libx264"' in text and 'lang = "en"' in text  # the rest kept

    again = load_settings(path)  # the next start
    assert [e["name"] for e in push_saved.saved(again.sections)] == ["bilibili", "bilibili-2"]
    first, second = destinations_from(again.sections["push"], "16:9")
    assert first.url.endswith("/live-bvc/?streamname=live_1&key=BILI-SECRET")  # key back from the keyring
    assert (first.aspect, first.platform, first.preset.bitrate_kbps) == ("9:16", "bilibili", 2500)
    assert (first.preset.width, first.preset.height) == (720, 1280)
    assert second.url.endswith("/live-bvc/OTHER-SECRET") and second.preset == DEFAULT_PRESETS["bilibili"]["16:9"]
    assert stream_key("bilibili-2") == "OTHER-SECRET"

    push_saved.remove(path, again.sections, "bilibili")
    assert [e["name"] for e in push_saved.saved(load_settings(path).sections)] == ["bilibili-2"]
    assert stream_key("bilibili") is None  # its key left the keyring with it
    push_saved.remove(path, again.sections, "bilibili-2")
    assert "destinations" not in path.read_text(encoding="utf-8") and 'encoder = "libx264"' in path.read_text(encoding="utf-8")


def test_a_chosen_preset_names_the_destination_and_sets_its_format():
    entry, key, dest = push_saved.entry_for("rtmp://127.0.0.1:1935/live", key="K-1", platform="twitch", aspect="9:16")
    assert entry == {"name": "twitch", "url": "rtmp://127.0.0.1:1935/live/", "aspect": "9:16", "platform": "twitch"}
    assert key == "K-1" and dest.url == "rtmp://127.0.0.1:1935/live/K-1" and dest.preset == DEFAULT_PRESETS["twitch"]["9:16"]


def test_a_key_pasted_into_both_fields_is_stored_once_in_the_keyring():
    entry, key, dest = push_saved.entry_for("rtmp://a.rtmp.youtube.com/live2/abcd-1234", key="abcd-1234")
    assert entry["url"] == "rtmp://a.rtmp.youtube.com/live2/" and key == "abcd-1234"
    assert dest.url == "rtmp://a.rtmp.youtube.com/live2/abcd-1234"
    with pytest.raises(PushConfigError, match="contains the stream key"):
        push_saved.entry_for("rtmp://host/abcd-1234/app", key="abcd-1234")


def test_bad_fields_are_refused_in_words_and_nothing_is_saved(tmp_path, monkeypatch):
    monkeypatch.setattr("keyring.get_password", lambda *a: None)
    path = tmp_path / "config.toml"
    with pytest.raises(PushConfigError, match="rtmp://"):
        push_saved.entry_for("http://example.com/live/KEY")
    with pytest.raises(PushConfigError, match="LIVE_CONSOLE_PUSH_EXAMPLE_COM_KEY"):
        push_saved.entry_for("rtmp://example.com/live/")  # no key typed, none stored
    with pytest.raises(PushConfigError, match="kb/s"):
        push_saved.entry_for("rtmp://example.com/live/KEY", bitrate_kbps=5)
    with pytest.raises(PushConfigError, match="nope"):
        push_saved.entry_for("rtmp://example.com/live/KEY", platform="nope")
    assert not path.exists()


def test_without_a_keyring_nothing_is_saved(tmp_path, monkeypatch):
    def refuse(*args):
        raise RuntimeError("no recommended backend")

    monkeypatch.setattr("keyring.set_password", refuse)
    path = tmp_path / "config.toml"
    sections: dict = {}
    entry, key, _ = push_saved.entry_for("rtmp://example.com/live/", key="K-123")
    with pytest.raises(push_saved.NoKeyring):
        push_saved.add(path, sections, entry, key)
    assert not path.exists() and sections == {}


def test_a_stream_key_typed_into_the_settings_file_is_refused():
    with pytest.raises(PushConfigError, match="does not belong in the settings file"):
        destinations_from({"destinations": [{"url": "rtmp://example.com/live/", "key": "typed-in"}]}, "16:9")
    section = {"destinations": [{"url": "rtmp://example.com/live/x", "platform": "youtube", "fps": 25}]}
    (dest,) = destinations_from(section, "9:16")
    assert dest.preset.fps == 25 and dest.preset.bitrate_kbps == DEFAULT_PRESETS["youtube"]["9:16"].bitrate_kbps


def test_save_settings_writes_and_clears_tables_of_entries(tmp_path):
    path = tmp_path / "c.toml"
    save_settings(path, "push", {"destinations": [{"name": "a", "url": "rtmp://h/app/"}]})
    assert load_settings(path).sections["push"]["destinations"] == [{"name": "a", "url": "rtmp://h/app/"}]
    save_settings(path, "push", {"destinations": []})
    assert "destinations" not in load_settings(path).sections.get("push", {})
