"""Writing the settings file from the Platform settings dialog keeps everything else in it."""

from console.config import load_settings, save_settings


def test_save_settings_keeps_comments_other_sections_and_drops_empty_keys(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('# my show\n[camera]\nsource = "demo"  # the test card\n\n[douyin]\nport = 9000\nroomid = "1"\n',
                   encoding="utf-8")
    save_settings(cfg, "douyin", {"port": 8766, "roomid": None, "appid": "tt1", "msg_types": ["live_comment"]})
    save_settings(cfg, "platform", {}, use=["douyin", "bridge"])
    text = cfg.read_text(encoding="utf-8")
    assert "# my show" in text and "# the test card" in text
    s = load_settings(cfg)
    assert s.camera == "demo" and s.platforms == ["douyin", "bridge"]
    assert s.sections["douyin"] == {"port": 8766, "appid": "tt1", "msg_types": ["live_comment"]}
    save_settings(cfg, "platform", {}, use=["bridge"])
    assert load_settings(cfg).platforms == ["bridge"]
    new = tmp_path / "sub" / "fresh.toml"
    save_settings(new, "bridge", {"port": 8765})
    assert load_settings(new).sections["bridge"] == {"port": 8765} and not list(new.parent.glob("*.tmp"))
