"""What the engines tell the host, as message keys with parameters, in both languages.

Engines (Qt-free) return `Message("poll.open", question=…)`; whoever shows it renders it in the
host's interface language at that moment (`str(msg)` / `msg.text()`), and the session log keeps
the key, the parameters and the English text. Parameters that are themselves messages render in
the same language. A test fails when a key lacks its Chinese text or the two disagree on
placeholders (tests/test_i18n_messages.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from console.i18n import current_language

MESSAGES: dict[str, tuple[str, str]] = {
    # -- controller and guards --------------------------------------------------------------
    "stop.unknown": ("Nothing called “{kind}” can be stopped (one of: {kinds}).",
                     "没有名为“{kind}”的内容可以停止（可选：{kinds}）。"),
    "stop.removed": ("Removed from the screen.", "已从画面移除。"),
    "preset.unknown": ("There is no preset called “{preset}”.", "没有名为“{preset}”的预设。"),
    "preset.kind": ("Preset “{label}” has a kind ({kind}) that presets cannot start.",
                    "预设“{label}”的类型（{kind}）不能通过预设启动。"),
    "preset.bad": ("Preset “{label}” is missing or has a wrong setting: {error}. Fix it in presets.toml.",
                   "预设“{label}”缺少设置或设置有误：{error}。请在 presets.toml 中修改。"),
    "lint.blocked": ("Not sent: the text contains {hits}. Reword it, or choose “send anyway” "
                     "(the override is recorded in the session log).",
                     "未发送：文字中含有 {hits}。请改写，或选择“仍然发送”（会记录在场次日志中）。"),
    "lint.hit": ("“{term}” ({reason})", "“{term}”（{reason}）"),
    "fatigue.warning": ("That is call to action #{count} in {minutes} minutes (guide: at most {max_calls}). "
                        "Viewers who are asked too often stop joining in.",
                        "这是 {minutes} 分钟内第 {count} 次互动号召（建议最多 {max_calls} 次）。"
                        "观众被频繁要求互动后会不再参与。"),
    # -- polls ----------------------------------------------------------------------------------
    "poll.running": ("A poll is already running; close it before opening another.",
                     "已有投票在进行；请先结束再开新的投票。"),
    "poll.open": ("Poll open: {question} ({hint})", "投票开始：{question}（{hint}）"),
    "poll.none": ("There is no poll running.", "当前没有进行中的投票。"),
    "poll.closed_empty": ("Poll closed: no votes.", "投票结束：没有人投票。"),
    "poll.closed": ("Poll closed: {leaders} leads with {best} of {total} votes.",
                    "投票结束：{leaders} 领先，{total} 票中得 {best} 票。"),
    "poll.removed": ("Poll removed from the screen.", "投票已从画面移除。"),
    "poll.no_question": ("The poll needs a question.", "投票需要一个问题。"),
    "poll.option_count": ("A poll needs {low} to {high} options (got {count}).",
                          "投票需要 {low} 到 {high} 个选项（现在 {count} 个）。"),
    "poll.option_name": ("Every poll option needs a name.", "每个投票选项都需要名称。"),
    "poll.keyword_lists": ("Give one keyword list per option.", "请为每个选项各给一组关键词。"),
    "poll.keyword_missing": ("Every option needs at least one keyword viewers can type.",
                             "每个选项至少需要一个观众能输入的关键词。"),
    "poll.keyword_clash": ("Keyword “{word}” would vote for both “{first}” and “{second}”; "
                           "give each option its own keywords.",
                           "关键词“{word}”会同时投给“{first}”和“{second}”；请给每个选项不同的关键词。"),
    "poll.duration": ("The poll duration must be positive (or none for a manual close).",
                      "投票时长必须大于 0（或不设时长，手动结束）。"),
    # -- lottery --------------------------------------------------------------------------------
    "lottery.rules": ("Lottery rules not understood: {error}", "无法理解抽奖规则：{error}"),
    "lottery.running": ("A lottery is already running; draw or stop it first.", "已有抽奖在进行；请先开奖或停止。"),
    "lottery.keyword": ("The lottery needs an entry keyword viewers can type, e.g. 抽奖 or 扣1.",
                        "抽奖需要一个观众能输入的参与口令，例如“抽奖”或“扣1”。"),
    "lottery.window": ("The entry window must be longer than zero seconds.", "报名时长必须大于 0 秒。"),
    "lottery.winners": ("Choose between 1 and {max} winners.", "中奖人数请选 1 到 {max} 人。"),
    "lottery.open": ("Lottery open: comment “{keyword}” to enter ({seconds} s). Proof code {proof}…",
                     "抽奖开始：评论“{keyword}”参与（{seconds} 秒）。验证码 {proof}…"),
    "lottery.not_open": ("Lottery entries are not open.", "抽奖报名未开放。"),
    "lottery.closed": ("Lottery entries closed: {count} entrant(s).", "抽奖报名截止：{count} 人参与。"),
    "lottery.nothing_to_draw": ("There is no closed lottery to draw.", "没有已截止的抽奖可以开奖。"),
    "lottery.already_drawn": ("This lottery is already drawn; use reroll for another winner.",
                              "本次抽奖已开奖；如需再抽一位请用“补抽”。"),
    "lottery.nobody": ("Nobody entered this lottery, so there is no one to draw.", "没有人参与本次抽奖，无法开奖。"),
    "lottery.winners_drawn": ("Winner(s): {names}", "中奖者：{names}"),
    "lottery.winners_short": ("Winner(s): {names} (only {count} entrant(s) for {prizes} prizes)",
                              "中奖者：{names}（{prizes} 个奖品只有 {count} 人参与）"),
    "lottery.reroll_first": ("Draw the lottery before rerolling.", "请先开奖再补抽。"),
    "lottery.reroll_count": ("Reroll at least one winner.", "补抽至少一位。"),
    "lottery.reroll_nobody": ("Everyone who entered has already won; there is no one left to draw.",
                              "所有参与者都已中奖，没有人可以再抽。"),
    "lottery.rerolled": ("Rerolled: {names}", "补抽中奖者：{names}"),
    "lottery.removed": ("Lottery removed from the screen.", "抽奖已从画面移除。"),
    "lottery.closed_hash": ("Lottery entries closed: {count} entrant(s), list hash {digest}.",
                            "抽奖报名截止：{count} 人参与，名单哈希 {digest}。"),
    "lottery.no_keyring": ("No OS keyring to keep the secret seed in: if the console crashes before the draw, "
                           "this lottery will be void.",
                           "系统钥匙串不可用，无法保存抽奖密钥：若开奖前控制台崩溃，本次抽奖将作废。"),
    "lottery.nothing_to_void": ("There is no open lottery to void.", "没有可作废的抽奖。"),
    "lottery.void": ("Lottery void: {reason}", "抽奖作废：{reason}"),
    "lottery.recovered": ("Recovered the lottery “{keyword}” after a restart: {count} entrant(s), entries closed. "
                          "Draw when ready.", "重启后已恢复抽奖“{keyword}”：{count} 人参与，报名已截止，可以开奖。"),
    "lottery.void_seed_lost": ("the console stopped before the draw and the secret seed could not be recovered, "
                               "so no fair draw is possible",
                               "开奖前控制台中断，抽奖密钥无法恢复，无法公平开奖"),
    # -- coupons --------------------------------------------------------------------------------
    "coupon.sku": ("{sku} is not in the product catalog; a coupon can only be for a product in it.",
                   "{sku} 不在商品目录中；优惠券只能用于目录里的商品。"),
    "coupon.title": ("The coupon needs a title viewers will see.", "优惠券需要一个观众能看到的标题。"),
    "coupon.keyword": ("The coupon needs a keyword viewers comment to claim it, e.g. 领券.",
                       "优惠券需要一个观众评论领取的口令，例如“领券”。"),
    "coupon.quantity": ("The coupon quantity must be at least 1.", "优惠券数量至少为 1。"),
    "coupon.discount": ("Choose either a percent off or an amount off (exactly one).",
                        "请在折扣百分比和立减金额中二选一。"),
    "coupon.percent": ("Percent off must be between 0 and 100.", "折扣百分比须在 0 到 100 之间。"),
    "coupon.amount": ("The amount off must be more than zero.", "立减金额必须大于 0。"),
    "coupon.min_spend": ("The minimum spend cannot be negative.", "最低消费不能为负数。"),
    "coupon.limit": ("Each viewer must be allowed at least one claim.", "每位观众至少可以领取一张。"),
    "coupon.expiry": ("The coupon must stay valid for some time (expiry in seconds > 0).",
                      "优惠券必须有有效期（秒数大于 0）。"),
    "coupon.like_goal": ("The like goal must be at least 1 like.", "点赞目标至少为 1 个赞。"),
    "coupon.past": ("A timed drop cannot be in the past.", "定时发放的时间不能是过去。"),
    "coupon.running": ("A coupon is already running; stop it before dropping another.",
                       "已有优惠券在发放；请先停止再发新的。"),
    "coupon.needs_loop": ("The {backend} coupon backend needs the app's network loop.",
                          "{backend} 优惠券后台需要应用的网络循环。"),
    "coupon.armed_likes": ("Coupon armed: drops when the room reaches {goal} likes.",
                           "优惠券已就绪：直播间点赞达到 {goal} 时发放。"),
    "coupon.armed_timed": ("Coupon armed: drops in {seconds} s.", "优惠券已就绪：{seconds} 秒后发放。"),
    "coupon.no_loop": ("Could not reach the shop: the network loop is not running.", "无法连接店铺：网络循环未运行。"),
    "coupon.creating": ("Creating coupon code {code} on {backend}…", "正在 {backend} 上创建券码 {code}…"),
    "coupon.failed": ("Coupon not dropped: {reason}", "优惠券未发放：{reason}"),
    "coupon.live": ("Coupon live: {title} — comment “{keyword}” to claim ({quantity} available, code {code}).",
                    "优惠券已发放：{title}——评论“{keyword}”领取（共 {quantity} 张，券码 {code}）。"),
    "coupon.closed_all": ("Coupon closed: all coupons claimed.", "优惠券结束：已全部领完。"),
    "coupon.closed_expired": ("Coupon closed: coupon expired.", "优惠券结束：已过期。"),
    "coupon.closed_stopped": ("Coupon closed: stopped by host.", "优惠券结束：主播已停止。"),
    "coupon.closed": ("Coupon closed: {reason}.", "优惠券结束：{reason}。"),
    "coupon.none": ("No coupon on screen.", "画面上没有优惠券。"),
    "coupon.removed": ("Coupon removed from the screen.", "优惠券已从画面移除。"),
    # -- countdown ------------------------------------------------------------------------------
    "countdown.label": ("The countdown needs a label viewers will see.", "倒计时需要一个观众能看到的标题。"),
    "countdown.price": ("The flash-sale price cannot be negative.", "限时抢购价格不能为负数。"),
    "countdown.running": ("A countdown is already running; stop it before starting another.",
                          "已有倒计时在进行；请先停止再开始新的。"),
    "countdown.raised": ("Countdowns run {low}–{high} s; {seconds} s was raised to {low} s.",
                         "倒计时范围为 {low}–{high} 秒；{seconds} 秒已调整为 {low} 秒。"),
    "countdown.cut": ("Countdowns run {low}–{high} s; {seconds} s was cut to {high} s.",
                      "倒计时范围为 {low}–{high} 秒；{seconds} 秒已缩短为 {high} 秒。"),
    "countdown.started": ("Countdown started: {label} ({seconds} s).", "倒计时开始：{label}（{seconds} 秒）。"),
    "flash_sale.started": ("Flash sale started: {label} ({seconds} s).", "限时抢购开始：{label}（{seconds} 秒）。"),
    "countdown.ended": ("Countdown ended: {label}.", "倒计时结束：{label}。"),
    "countdown.none": ("No countdown on screen.", "画面上没有倒计时。"),
    "countdown.removed": ("Countdown removed.", "倒计时已移除。"),
    # -- cards ----------------------------------------------------------------------------------
    "pin.empty": ("There is no text to pin.", "没有可置顶的文字。"),
    "pin.done": ("Comment pinned on screen.", "评论已置顶到画面。"),
    "card.no_sku": ("The product card needs the product's SKU.", "商品卡需要商品的 SKU。"),
    "card.not_in_catalog": ("{sku} is not in the product catalog; give its name and price, or add it to the catalog.",
                            "{sku} 不在商品目录中；请给出名称和价格，或把它加入目录。"),
    "card.no_name": ("The product card needs the product's name.", "商品卡需要商品名称。"),
    "card.negative_price": ("The price cannot be negative.", "价格不能为负数。"),
    "card.shown": ("Product card on screen: {name} {price} {currency}.", "商品卡已上屏：{name} {price} {currency}。"),
    # -- camera -------------------------------------------------------------------------------
    "camera.no_source": ("No camera or video file called {name}.", "没有名为 {name} 的摄像头或视频文件。"),
    "camera.cannot_open": ("{source} could not be opened.", "{source} 无法打开。"),
    "camera.retrying": ("{error} Retrying in {seconds} s…", "{error} {seconds} 秒后重试…"),
    "camera.lost": ("{source} stopped sending pictures.", "{source} 不再传来画面。"),
    "camera.demo": ("Demo camera", "演示摄像头"),
    "camera.index": ("Camera {index}", "摄像头 {index}"),
    # -- run-of-show ----------------------------------------------------------------------------
    "cue.unknown": ("There is no cue called “{cue}”.", "没有名为“{cue}”的提示。"),
    "cue.done_already": ("Cue “{cue}” was already {status}.", "提示“{cue}”已经{status}。"),
    "cue.failed": ("Cue “{cue}” could not run: {error}", "提示“{cue}”无法执行：{error}"),
    "cue.not_pending": ("Cue “{cue}” is not waiting to fire.", "提示“{cue}”不在等待执行。"),
    "cue.skipped": ("Skipped cue “{cue}”.", "已跳过提示“{cue}”。"),
    "cue.status.fired": ("fired", "执行"),
    "cue.status.failed": ("failed", "失败"),
    "cue.status.skipped": ("skipped", "跳过"),
}


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Add an extension's own messages (an interaction kind module declares its words itself)."""
    for key, pair in messages.items():
        if key in MESSAGES and MESSAGES[key] != pair:
            raise ValueError(f"message key {key!r} is registered twice with different words")
        MESSAGES[key] = pair


@dataclass(frozen=True, slots=True)
class Message:
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        lang = lang or current_language()
        en, zh = MESSAGES[self.key]
        params = {k: _render(v, lang) for k, v in self.params.items()}
        try:
            return (zh if lang == "zh_CN" else en).format(**params)
        except (KeyError, IndexError, ValueError):  # a missing parameter must not hide the message
            return en if lang != "zh_CN" else zh

    def __str__(self) -> str:
        return self.text()

    def to_log(self) -> dict[str, Any]:
        """For the session log: key, plain parameters and the English text."""
        return {"key": self.key, "text": self.text("en"),
                "params": {k: _render(v, "en") for k, v in self.params.items()}}


def _render(value: Any, lang: str) -> Any:
    """A parameter as text in `lang`: messages and language-aware callables render; others pass."""
    if isinstance(value, Message):
        return value.text(lang)
    if callable(value):
        return value(lang)
    return value


def M(key: str, **params: Any) -> Message:
    if key not in MESSAGES:
        raise KeyError(f"unknown message key {key!r}")
    return Message(key, params)


def num(value: float) -> str:
    """A number as the host reads it (`:g`: 60, 2.5)."""
    return f"{value:g}"
