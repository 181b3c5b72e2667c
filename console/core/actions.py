"""Names of actions and the detail keys each carries.

This is the contract between the engines that emit actions, the demo audience that reacts to
them, the session log and `verify-draw`. Add a name here before using it anywhere.
"""

from __future__ import annotations

# Try-on. detail: {"skus": [str, ...]} — the full set now on air (empty = none).
TRYON_ON_AIR = "tryon.on_air"

# Polls. open: {"poll_id", "question", "options": [{"label", "keywords": [str]}], "duration_s"}
POLL_OPEN = "poll.open"
POLL_VOTE = "poll.vote"  # {"poll_id", "viewer_id", "option": int}
POLL_CLOSE = "poll.close"  # {"poll_id", "tally": [int, ...], "by_platform"?: {source: [int, ...]}}
# The same poll run natively on a platform: {"poll_id", "platform", "state": "open"|"closed"|"failed",
# "remote_id", "tally": [int, ...], "message"} (tallies as the platform counted them).
POLL_NATIVE = "poll.native"
# Twitch channel-points predictions, each step as the platform confirmed it: {"prediction_id",
# "platform", "state", "remote_id" (Twitch's id), "title", "by": "host"|"cue"|"platform",
# "outcomes": [{"title", "users", "channel_points"}], "winner": title|None, "message"}; a refused
# step is prediction.failed with "step" (open|lock|resolve|cancel) and the reason in "message".
PREDICTION_OPEN = "prediction.open"
PREDICTION_LOCK = "prediction.lock"
PREDICTION_RESOLVE = "prediction.resolve"
PREDICTION_CANCEL = "prediction.cancel"
PREDICTION_FAILED = "prediction.failed"

# Lottery (commit-reveal). open: {"draw_id", "keyword", "window_s", "winners", "commitment"}
LOTTERY_OPEN = "lottery.open"
LOTTERY_ENTRY = "lottery.entry"  # {"draw_id", "viewer_id"}
LOTTERY_CLOSE = "lottery.close"  # {"draw_id", "entrants": [viewer_id, ...] sorted}
LOTTERY_DRAW = "lottery.draw"  # {"draw_id", "winners": [...], "seed": hex}
LOTTERY_REROLL = "lottery.reroll"  # {"draw_id", "winners": [...]}
# A keyword comment refused: {"draw_id", "viewer_id", "msg_id", "reason", + the entry facts}.
LOTTERY_REJECT = "lottery.reject"
LOTTERY_VOID = "lottery.void"  # {"draw_id", "reason"}: called off (e.g. seed lost in a crash), shown on air

# Coupons. drop: {"coupon_id", "keyword", "quantity", "title"}
COUPON_DROP = "coupon.drop"
COUPON_CLAIM = "coupon.claim"  # {"coupon_id", "viewer_id", "code"}
COUPON_CLOSE = "coupon.close"

# Countdown / flash sale. start: {"countdown_id", "seconds", "label", "flash_sale": bool, "sku"}
COUNTDOWN_START = "countdown.start"
COUNTDOWN_END = "countdown.end"

# {"sku", "name", "price", "currency", "coupon_text", "tryon": bool}; tryon = put it on the host too.
PRODUCT_CARD = "product_card.show"
LINT_OVERRIDE = "lint.override"  # {"text", "hits": [str]}

# Console state, recorded so a session can be audited afterwards.
CAMERA_STATUS = "camera.status"  # {"state": "ok"|"lost"|"retrying", "source", "message"}
PROVIDER_STATUS = "provider.status"  # {"platform", "state", "message", "attempt"?, "next_try_s"?}
# Program outputs (console/output). status: {"output", "destination", "url" (key hidden), "state":
# "live"|"reconnecting"|"failed"|"off", "message", "encoder"}; health every few seconds while on:
# {"output", "destination", "state", "fps", "kbps", "dropped", "queue", "reconnects", "encoder"}.
OUTPUT_STATUS = "output.status"
OUTPUT_HEALTH = "output.health"
# OBS link (console/output/obs_link.py), asked by a cue or the host: scene {"scene"}; a source
# shown/hidden {"source_name", "visible", "scene" ("" = the current program scene)}; what OBS
# answered {"request", "ok", "message"}.
OBS_SCENE = "obs.scene"
OBS_SOURCE = "obs.source"
OBS_RESULT = "obs.result"
# What the platform itself announced (not an audience event): {"what": "live_start"|"live_end"|
# "chat_ended"|"paid_message_removed", + the platform's facts (title, area, message_ids …)}.
PLATFORM_NOTICE = "platform.notice"
PROVIDER_RESUME = "provider.resume"  # {"platform", "state": {cursor…}} — where to continue after a restart

# Interactions, added with the engines (console/interact). Detail keys beyond the above:
# poll.open also has "allow_change", "backend"; poll.vote "previous" when a vote changed.
# lottery.open also has "rules" {followers_only, min_watch_s, high_value_only, blocked: [ids]} and
# "algorithm"; lottery.entry also {"msg_id" (the comment), "is_follower", "segment", "watch_s",
# "blocked", "recovered"?} (what the rules checked); lottery.close also {"entrant_count",
# "entrants_sha256"}; lottery.draw also {"chain_seq", "chain_hash"} (the log's chain head on air).
# coupon.drop also {"code", "percent_off", "amount_off", "min_spend", "per_viewer_limit",
# "expires_s", "backend", "remote_id"?, "like_goal"?}; coupon.close {"coupon_id", "reason", "claimed"}.
COUPON_ARM = "coupon.arm"  # {"coupon_id", "title", "keyword", "quantity", "like_goal", "drop_in_s"}
COUPON_FAILED = "coupon.failed"  # {"coupon_id", "backend", "message"}
# countdown.end: {"countdown_id", "reason": "done"|"stopped"}; countdown.start also "price", "total_s".
PIN_COMMENT = "comment.pin"  # {"viewer_name", "text"}
OVERLAY_CLEAR = "overlay.clear"  # {"kind"}: the host took an overlay off the video
FATIGUE_WARNING = "fatigue.warning"  # {"kind", "count", "window_s", "max_calls"}
# The console continued a session a crash interrupted: {"interrupted_at": ts of its last record}.
SESSION_RESUMED = "session.resumed"
# Run-of-show.
SHOW_START = "show.start"  # {"title", "cues": int, "segments": int}
# A run-of-show segment began: {"index", "sku", "name", "price", "tryon": bool} (same meaning as above).
SHOW_SEGMENT = "show.segment"
CUE_FIRE = "cue.fire"  # {"cue_id", "action", "early": bool, "ok": bool, "message"}
CUE_SKIP = "cue.skip"  # {"cue_id", "action"}
# Comment panel (console/ui/comments_*). detail always has "msg_id" and "viewer_id" where known.
COMMENT_ANSWERED = "comment.answered"  # {"msg_ids": [...], "group": str|None, "latency_s": [float]}
COMMENT_REPLY = "comment.reply"  # {"msg_id", "viewer_id", "text", "via": "platform"|"clipboard"}
COMMENT_HIDE = "comment.hide"  # {"msg_id", "viewer_id"}
# Moderation on the platform the comment came from: {"platform", "action": "delete"|"timeout",
# "msg_id", "viewer_id", "duration_s"}.
COMMENT_MODERATE = "comment.moderate"
VIEWER_BLOCK = "viewer.block"  # {"viewer_id", "viewer_name", "platform_moderation": bool, "message"}
BLOCKED_WORDS = "comment.blocked_words"  # {"words": [...]}: the host changed the list
HEATMAP_FILTER = "heatmap.filter"  # {"row": [kind, key], "t0", "t1", "comments": int}
