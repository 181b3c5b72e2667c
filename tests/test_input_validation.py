"""Issue 12: bad input is refused at the door — each case found names the file/line/key, skips the
bad entry with a note, loads the rest, and the app still starts."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from console.config import load_settings
from console.interact.presets import load_presets
from console.interact.show import load_show, parse_show
from console.resources import resource
from console.validate.settings_schema import clean_rate

ROOT = Path(__file__).resolve().parent.parent


# -- settings ----------------------------------------------------------------------------------
@pytest.mark.parametrize("toml, words", [
    ("camera = 5\n", "camera: must be a table"),
    ('demo = "x"\n', "demo: must be a table"),
    ("[camera]\nwidth = -5\n", "line 2, [camera] width: must be at least 160"),
    ("[demo]\nrate = nan\n", "[demo] rate: must be a finite number"),
    ("[demo]\nrate = inf\n", "[demo] rate: must be a finite number"),
    ('[ui]\naspect = "4:3"\n', "[ui] aspect: must be one of"),
])
def test_bad_settings_fall_back_with_the_key_named(tmp_path, toml, words):
    path = tmp_path / "config.toml"
    path.write_text(toml, encoding="utf-8")
    settings = load_settings(path)
    assert any(words in p and str(path) in p for p in settings.problems), settings.problems
    assert settings.width == 1280 and settings.camera == "auto" and settings.aspect == "16:9"
    assert math.isfinite(settings.demo_rate) and 0 < settings.demo_rate <= 50_000


def test_a_huge_rate_in_settings_is_capped(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[demo]\nrate = 1e9\n", encoding="utf-8")
    settings = load_settings(path)
    assert settings.demo_rate == 50_000 and "capped" in settings.problems[0]


@pytest.mark.parametrize("value, want, words", [
    (float("nan"), None, "finite"), (float("inf"), None, "finite"), (1e9, 50_000, "capped"),
    (-3.0, None, "more than 0"), (200.0, 200.0, None),
])
def test_rate_on_the_command_line_is_capped_with_a_message(value, want, words):
    rate, note = clean_rate(value)
    assert rate == want
    assert (note is None) if words is None else (words in note)


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "soon"])
def test_quit_after_must_be_a_real_number_of_seconds(value):
    out = subprocess.run([sys.executable, "-m", "console", "--headless", "--quit-after", value],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "--quit-after" in out.stderr and "Traceback" not in out.stderr


# -- catalog -----------------------------------------------------------------------------------
def _catalog_dir(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "catalog"
    shutil.copytree(resource("catalog"), folder)
    (folder / "zz_bad.toml").write_text(extra, encoding="utf-8")
    return folder


@pytest.mark.parametrize("product, words", [
    ('sku = "BAD-1"\nname_en = "x"\nprice = "cheap"\n', "line 4, product BAD-1 price: the price must be a number"),
    ('sku = "BAD-1"\nname_en = "x"\nprice = nan\n', "price must be a finite number"),
    ('sku = "BAD-1"\nname_en = "x"\nprice = 5\nitem = "lipstick"\nprops = { color = "#zz16" }\n',
     'color must be a colour like "#c8102e"'),
    ('sku = "BAD-1"\nname_en = "x"\nprice = 5\nitem = "lipstick"\n[[product.shades]]\nname_en = "s"\n'
     'props = { color = "red" }\n', "shades #1 color must be a colour"),
])
def test_a_bad_product_is_skipped_with_file_line_and_key(tmp_path, product, words):
    from console.video.tryon.catalog import Catalog

    catalog = Catalog.load(_catalog_dir(tmp_path, "[[product]]\n" + product))
    assert "BAD-1" not in catalog and "LIP-001" in catalog
    assert any("zz_bad.toml" in p and words in p for p in catalog.problems), catalog.problems


def test_tryon_says_why_a_product_was_refused_and_checks_out_and_split(tmp_path, portrait_path):
    from console.cli.tryon_cmd import check_out_and_split

    assert "is a folder" in check_out_and_split(tmp_path, None)
    assert "picture file ending" in check_out_and_split(tmp_path / "out", None)
    assert "--split must be a fraction" in check_out_and_split(tmp_path / "o.png", float("nan"))
    assert check_out_and_split(tmp_path / "o.png", 0.5) is None
    for args in (["--out", str(tmp_path)], ["--out", str(tmp_path / "noext")],
                 ["--out", str(tmp_path / "o.png"), "--split", "nan"]):
        out = subprocess.run([sys.executable, "-m", "console", "tryon", str(portrait_path), "--sku", "LIP-001", *args],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 1 and "Traceback" not in out.stderr and out.stderr.startswith("tryon: ")
    assert not list(tmp_path.iterdir())


# -- presets -----------------------------------------------------------------------------------
PRESET_OK = '[[preset]]\nid = "good"\nlabel_en = "Good"\nkind = "lottery"\n[preset.params]\nkeyword = "抽奖"\n\n'


@pytest.mark.parametrize("bad, words", [
    ('[[preset]]\nid = "p"\nlabel_en = "P"\nkind = "nope"\n', "kind 'nope' is not one presets can start"),
    ('[[preset]]\nid = "p"\nlabel_en = "P"\nkind = "lottery"\n[preset.params]\nkeyword = "k"\nwinners = "two"\n',
     "winners must be a number"),
    ('[[preset]]\nid = "p"\nlabel_en = "' + "x" * 100_000 + '"\nkind = "lottery"\n[preset.params]\nkeyword = "k"\n',
     "the button label is 100,000 characters long"),
    ('[[preset]]\nid = "p"\nlabel_en = "P"\nkind = "poll"\n[preset.params]\nquestion = "' + "q" * 100_000 +
     '"\noptions = ["a", "b"]\n', "question is 100,000 characters long"),
    ('[[preset]]\nid = "p"\nlabel_en = "P"\nkind = "lottery"\nhotkey = "Ctrl+Q"\n[preset.params]\nkeyword = "k"\n',
     "hotkey must be one of F1–F12"),
])
def test_a_bad_preset_is_skipped_and_the_others_load(tmp_path, bad, words):
    path = tmp_path / "presets.toml"
    path.write_text(PRESET_OK + bad, encoding="utf-8")
    problems: list[str] = []
    presets = load_presets(path, tmp_path / "none.json", problems=problems)
    assert [p.id for p in presets] == ["good"]
    assert any(p.startswith("presets.toml, line ") and words in p for p in problems), problems


def test_a_broken_presets_file_names_itself_and_stops_nothing(tmp_path):
    path = tmp_path / "presets.toml"
    path.write_text("[[preset]\nid = ", encoding="utf-8")
    problems: list[str] = []
    assert load_presets(path, tmp_path / "none.json", problems=problems) == []
    assert str(path) in problems[0] and "could not be read" in problems[0]


# -- run-of-show -------------------------------------------------------------------------------
@pytest.mark.parametrize("at_s", ["nan", "inf", "1e308", "-inf"])
def test_cue_times_that_would_never_fire_are_caught_at_load(tmp_path, at_s):
    path = tmp_path / "show.toml"
    path.write_text(f'[[cue]]\nid = "late"\nat_s = {at_s}\naction = "draw"\n'
                    '[[cue]]\nid = "ok"\nat_s = 1\naction = "draw"\n', encoding="utf-8")
    problems: list[str] = []
    show = load_show(path, problems=problems)
    assert [c.id for c in show.cues] == ["ok"]
    assert "cue 'late'" in problems[0] and "skipped" in problems[0]


@pytest.mark.parametrize("cue, words", [
    ({"action": "start_lottery", "keyword": "抽奖", "winners": "two"}, "winners must be a number"),
    ({"action": "start_lottery", "keyword": "抽奖", "winners": 0}, "winners must be at least 1"),
    ({"action": "start_lottery", "keyword": "抽奖", "winners": 10**9}, "winners must be at most 100"),
    ({"action": "start_lottery", "keyword": "抽奖", "window_s": -30}, "window_s must be more than 0"),
    ({"action": "open_poll", "question": "Q", "options": "abcdef"}, "options must be a list"),
    ({"action": "open_poll", "question": "Q", "options": [str(i) for i in range(100)]}, "options must list 2 to 6"),
    ({"action": "start_countdown", "seconds": float("inf"), "label": "x"}, "seconds must be a finite number"),
])
def test_impossible_cue_settings_are_caught_when_the_show_loads(cue, words):
    with pytest.raises(ValueError, match=words):
        parse_show({"cue": [{"id": "c", "at_s": 1, **cue}]})
    problems: list[str] = []
    show = parse_show({"cue": [{"id": "c", "at_s": 1, **cue}, {"id": "d", "at_s": 2, "action": "draw"}]},
                      problems=problems)
    assert [c.id for c in show.cues] == ["d"] and words in problems[0]


def test_the_shipped_files_are_clean():
    from console.video.tryon.catalog import Catalog

    problems: list[str] = []
    assert load_presets(problems=problems) and problems == []
    assert Catalog.load().problems == []
    load_show(resource("shows", "demo_show.toml"), problems=problems)
    assert problems == []
    assert load_settings(ROOT / "nonexistent.toml").problems == []


def test_an_edited_preset_with_a_huge_label_keeps_the_shipped_one(tmp_path):
    import json

    from console.interact.presets import load_presets

    edits = tmp_path / "presets_user.json"
    edits.write_text(json.dumps({"opening_lottery": {"label_en": "x" * 100_000, "params": {"keyword": "抽奖"}},
                                 "shade_vote": {"label_en": "Shades!", "params": {"question": "Q?", "options": ["a", "b"]}}}),
                     encoding="utf-8")
    presets = {p.id: p for p in load_presets(user_path=edits, problems=[])}
    assert presets["opening_lottery"].label_en == "Opening lottery"
    assert presets["shade_vote"].label_en == "Shades!" and presets["shade_vote"].params["options"] == ["a", "b"]
