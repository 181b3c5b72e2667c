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
POLL_CLOSE = "poll.close"  # {"poll_id", "tally": [int, ...]}

# Lottery (commit-reveal). open: {"draw_id", "keyword", "window_s", "winners", "commitment"}
LOTTERY_OPEN = "lottery.open"
LOTTERY_ENTRY = "lottery.entry"  # {"draw_id", "viewer_id"}
LOTTERY_CLOSE = "lottery.close"  # {"draw_id", "entrants": [viewer_id, ...] sorted}
LOTTERY_DRAW = "lottery.draw"  # {"draw_id", "winners": [...], "seed": hex}
LOTTERY_REROLL = "lottery.reroll"  # {"draw_id", "winners": [...]}

# Coupons. drop: {"coupon_id", "keyword", "quantity", "title"}
COUPON_DROP = "coupon.drop"
COUPON_CLAIM = "coupon.claim"  # {"coupon_id", "viewer_id", "code"}
COUPON_CLOSE = "coupon.close"

# Countdown / flash sale. start: {"countdown_id", "seconds", "label", "flash_sale": bool, "sku"}
COUNTDOWN_START = "countdown.start"
COUNTDOWN_END = "countdown.end"

PRODUCT_CARD = "product_card.show"  # {"sku", "name", "price"}
LINT_OVERRIDE = "lint.override"  # {"text", "hits": [str]}

# Console state, recorded so a session can be audited afterwards.
CAMERA_STATUS = "camera.status"  # {"state": "ok"|"lost"|"retrying", "source", "message"}
PROVIDER_STATUS = "provider.status"  # {"state", "message"}
