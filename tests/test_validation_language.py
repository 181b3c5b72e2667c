"""Notes about bad input are in the host's language (console/validate/ and its loaders): with the
interface in Chinese, what is wrong with the settings, catalog, presets and run-of-show is said
in Chinese — still naming the file, line and key — and in English otherwise."""

from __future__ import annotations

import re
import shutil

import pytest

from console.app import AppOptions, ConsoleApp
from console.config import load_settings
from console.i18n import set_language
from console.interact.presets import load_presets
from console.interact.show import parse_show
from console.resources import resource
from console.validate.settings_schema import clean_rate

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def zh():
    set_language("zh_CN")
    yield
    set_language("en")


def test_settings_notes_are_chinese_when_the_file_asks_for_chinese(tmp_path):
    """The file's own `[ui] lang` is read first, so its other mistakes are told in that language."""
    config = tmp_path / "config.toml"
    config.write_text('[ui]\nlang = "zh_CN"\n\n[camera]\nwidth = -5\n\n[demo]\nrate = "fast"\n', encoding="utf-8")
    app = ConsoleApp(AppOptions(demo=True, camera="demo", db=tmp_path / "s.db", config=config))
    try:
        width = [n for n in app.notices if "[camera] width" in n]
        rate = [n for n in app.notices if "[demo] rate" in n]
        assert width and rate, app.notices
        assert f"{config} 第 5 行，[camera] width：应不小于 160（现为 -5）；使用默认值。" == width[0]
        assert "应为数字" in rate[0] and "第 8 行" in rate[0]
    finally:
        app.shutdown()
        set_language("en")


def test_the_same_settings_notes_in_english(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[camera]\nwidth = -5\n', encoding="utf-8")
    (note,) = load_settings(config).problems
    assert note == f"{config}, line 2, [camera] width: must be at least 160 (got -5); using the default."
    assert not CJK.search(note)


def test_settings_notes_in_chinese(tmp_path, zh):
    config = tmp_path / "config.toml"
    config.write_text('camera = 5\n[ui]\noverlay_lang = "fr"\n[platform]\nuse = 3\n', encoding="utf-8")
    problems = load_settings(config).problems
    assert len(problems) == 3 and all(CJK.search(p) for p in problems), problems
    assert any("应为表" in p for p in problems) and any("无效" in p for p in problems)
    assert "超出" in clean_rate(1e9)[1] and "有限" in clean_rate(float("nan"))[1]


def test_catalog_notes_in_chinese(tmp_path, zh):
    from console.video.tryon.catalog import Catalog

    folder = tmp_path / "catalog"
    shutil.copytree(resource("catalog"), folder)
    (folder / "zz_bad.toml").write_text('[[product]]\nsku = "BAD-1"\nname_en = "x"\nprice = "cheap"\n'
                                        '[[product]]\nsku = "BAD-2"\nname_en = "y"\nprice = 5\nitem = "lipstick"\n'
                                        'props = { color = "#zz16" }\n', encoding="utf-8")
    problems = Catalog.load(folder).problems
    assert "zz_bad.toml 第 4 行，商品 BAD-1 price：价格应为数字，而不是 'cheap'" in problems, problems
    assert any("BAD-2" in p and "应为 \"#c8102e\" 这样的颜色" in p for p in problems), problems


def test_preset_notes_in_chinese(tmp_path, zh):
    path = tmp_path / "presets.toml"
    path.write_text('[[preset]]\nid = "p"\nlabel_en = "P"\nkind = "lottery"\nhotkey = "Ctrl+Q"\n'
                    '[preset.params]\nkeyword = "k"\nwinners = "two"\nfrobnicate = 1\n', encoding="utf-8")
    problems: list[str] = []
    assert load_presets(path, tmp_path / "none.json", problems=problems) == []
    assert any("快捷键应为 F1–F12 之一" in p and p.endswith("已跳过该预设") for p in problems), problems
    # A setting the action does not take is said in words, not as Python's TypeError.
    assert any("frobnicate：不是此动作的设置" in p for p in problems), problems
    assert not any("unexpected keyword" in p for p in problems)


def test_run_of_show_notes_in_chinese(zh):
    problems: list[str] = []
    show = parse_show({"cue": [{"id": "c", "at_s": float("nan"), "action": "draw"},
                               {"id": "p", "at_s": 1, "action": "open_poll", "question": "Q", "options": "abcdef"},
                               {"id": "d", "at_s": 2, "action": "draw"}],
                       "segment": [{"sku": "LIP-001", "duration_s": -1}]}, problems=problems)
    assert [c.id for c in show.cues] == ["d"]
    assert len(problems) == 3 and all(p.endswith("；已跳过") for p in problems), problems
    assert any("提示 'c'：at_s 应为有限的数字" in p for p in problems)
    assert any("options 应为 [\"a\", \"b\"] 这样的列表" in p for p in problems)
    assert any("第 1 段：duration_s 应大于 0" in p for p in problems)


def test_an_unknown_cue_setting_is_explained_in_english_too():
    with pytest.raises(ValueError, match="frobnicate: not a setting of this action"):
        parse_show({"cue": [{"id": "c", "at_s": 1, "action": "draw", "frobnicate": 1}]})
