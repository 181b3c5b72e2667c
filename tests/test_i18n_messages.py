"""Every user-facing string has its Chinese: engine messages (console/messages.py), pick() pairs,
and the labels extension modules register. Engines return message keys, never English text."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from console.i18n import set_language
from console.interact.registry import load_kinds
from console.messages import MESSAGES, M

load_kinds()  # kinds register their own messages

ROOT = Path(__file__).resolve().parent.parent / "console"
CJK = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[A-Za-z]*[a-z][A-Za-z]+")
"""An English word (acronyms and product names such as OBS, SKU stay as they are in Chinese)."""


def _strip_fields(template: str) -> str:
    return re.sub(r"\{[^}]*\}", "", template)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_chinese_with_the_same_placeholders(key):
    en, zh = MESSAGES[key]
    assert en.strip() and zh.strip(), f"{key}: text missing"
    if WORD.search(_strip_fields(en)):  # words in English need Chinese words too
        assert CJK.search(zh), f"{key}: Chinese text missing"
    assert _fields(en) == _fields(zh), f"{key}: placeholders differ"


def test_messages_render_in_the_interface_language():
    msg = M("poll.closed", leaders="Ruby", best=3, total=5)
    set_language("zh_CN")
    try:
        assert str(msg) == "投票结束：Ruby 领先，5 票中得 3 票。"
    finally:
        set_language("en")
    assert str(msg) == "Poll closed: Ruby leads with 3 of 5 votes."
    assert msg.to_log() == {"key": "poll.closed", "text": "Poll closed: Ruby leads with 3 of 5 votes.",
                            "params": {"leaders": "Ruby", "best": 3, "total": 5}}


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            yield name, node


def _const(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def test_engines_return_message_keys_not_english_text():
    problems = []
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, call in _calls(tree):
            if name not in ("ok", "refused", "M") or not call.args:
                continue
            first = call.args[0]
            where = f"{path.relative_to(ROOT.parent)}:{call.lineno}"
            if isinstance(first, ast.JoinedStr):
                prefix = _const(first.values[0]) if first.values else None
                if name != "M" or not prefix or not any(k.startswith(prefix) for k in MESSAGES):
                    problems.append(f"{where}: {name}(f-string) — use a message key with parameters")
            elif (text := _const(first)) is not None and text not in MESSAGES:
                problems.append(f"{where}: {name}({text!r}) is not a message key in console/messages.py")
    assert not problems, "\n".join(problems)


def test_every_pick_pair_has_chinese():
    problems = []
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, call in _calls(tree):
            if name != "pick" or len(call.args) != 2:
                continue
            en, zh = call.args

            def text(node):
                if isinstance(node, ast.JoinedStr):
                    return "".join(_const(v) or "" for v in node.values)
                return _const(node)

            en_text, zh_text = text(en), text(zh)
            if en_text is None or zh_text is None:
                continue  # computed at run time (pick(*label)): covered by the registry test
            if WORD.search(en_text) and not CJK.search(zh_text):
                problems.append(f"{path.relative_to(ROOT.parent)}:{call.lineno}: {en_text!r} has no Chinese")
    assert not problems, "\n".join(problems)


def test_registered_extensions_label_themselves_in_both_languages():
    from console.interact import registry
    from console.video.overlays import registry as overlays
    from console.video.tryon.trackers import load_trackers

    texts = []
    for kind in registry.load_kinds():
        texts.append((kind.name, kind.label))
        texts += [(f"{kind.name}.{c.key}", c.label) for c in kind.controls]
        for confirm in filter(None, [kind.confirm_start, *(c.confirm for c in kind.controls)]):
            texts += [(kind.name, confirm.title), (kind.name, confirm.text), (kind.name, confirm.yes)]
        texts += [(a.name, a.label) for a in kind.actions.values()]
    texts += [(el.name, el.toggle) for el in overlays.load_elements().values() if el.toggle]
    texts += [(t.name, t.purpose) for t in load_trackers().values()]
    missing = [name for name, (en, zh) in texts if WORD.search(en) and not CJK.search(zh)]
    assert not missing, missing


def test_a_zh_cn_host_reads_engine_results_in_chinese(room):
    hub, clock, ix, _ = room
    set_language("zh_CN")
    try:
        results = [ix.open_poll("Q?", ["A", "B"]), ix.open_poll("Q2?", ["A", "B"]), ix.close_poll(),
                   ix.draw(), ix.start_countdown(1, "Go"), ix.show_product_card("NOPE"),
                   ix.drop_coupon("", "领券", quantity=1, amount_off=1), ix.stop("nothing")]
        for r in results:
            shown = r.message + (r.warning or "")
            assert CJK.search(shown), shown
            names = "|".join(sorted(ix.engines, key=len, reverse=True))  # kind names are identifiers
            leftover = WORD.findall(re.sub(rf"Q2?\?|NOPE|nothing|Go|{names}|A|B", "", shown))
            assert not leftover, shown
    finally:
        set_language("en")


def test_camera_problems_read_in_the_interface_language_and_log_in_english():
    from console.video.capture import CameraError, CameraStatus, parse_source

    set_language("zh_CN")
    try:
        with pytest.raises(CameraError) as err:
            parse_source("/nowhere/clip.mp4")
        assert str(err.value).startswith("没有名为")
        status = CameraStatus("lost", "Camera 0", M("camera.lost", source=M("camera.index", index=0)))
        assert status.text() == "摄像头 0 不再传来画面。"
        assert status.message == "Camera 0 stopped sending pictures."
    finally:
        set_language("en")
