from console.config import Settings, load_settings


def test_missing_file_gives_defaults(tmp_path):
    s = load_settings(tmp_path / "absent.toml")
    assert s == Settings()


def test_values_are_read(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[camera]\nsource = 2\nwidth = 640\n[demo]\nrate = 150\n[ui]\nlang = "zh_CN"\naspect = "9:16"\n', encoding="utf-8")
    s = load_settings(path)
    assert (s.camera, s.width, s.demo_rate, s.lang, s.aspect) == ("2", 640, 150, "zh_CN", "9:16")
    assert s.problems == []


def test_malformed_file_is_reported_and_defaults_used(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[camera\nsource = ", encoding="utf-8")
    s = load_settings(path)
    assert s.camera == "auto" and s.demo_rate == Settings().demo_rate
    assert len(s.problems) == 1 and "could not be read" in s.problems[0]


def test_wrong_types_and_unknown_language_fall_back_one_by_one(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[camera]\nwidth = "wide"\n[demo]\nrate = true\n[ui]\nlang = "fr"\n', encoding="utf-8")
    s = load_settings(path)
    assert s.width == 1280 and s.demo_rate == Settings().demo_rate and s.lang == "en"
    assert len(s.problems) == 3
