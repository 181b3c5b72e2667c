"""Secrets removed by the shape of the value, wherever text is about to be kept or printed.

Key names catch `token = …`; values catch the rest: a camera URL `rtsp://user:pass@host/…`
handed over as a plain "camera" setting, a bearer token inside an error message, a stream key in
a push URL. Used for the session log's meta and for every log line (ScrubFilter).
"""

from __future__ import annotations

import logging
import re

MASK = "***"

# scheme://user:password@host → scheme://user:***@host (the user name helps to debug; the
# password never). Also user-only forms with a long opaque "user" (a token used as the user).
_URL_CREDENTIALS = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^\s:/@]*):(?P<pw>[^\s/@]+)@")
# ?key=…&token=… query parameters that carry credentials.
_QUERY_SECRET = re.compile(
    r"(?P<key>[?&;](?:access_?token|token|key|api_?key|apikey|secret|password|passwd|pwd|auth|sig|"
    r"signature|stream_?key|client_secret|refresh_token)=)(?P<value>[^&\s#]+)", re.I)
# "Bearer abc…", "oauth:abc…", "Authorization: xyz".
_BEARER = re.compile(r"\b(?P<key>(?:bearer|oauth:|token[:=]|authorization:)\s*)(?P<value>[A-Za-z0-9._~+/=-]{8,})", re.I)
# JWTs and long opaque tokens (API keys, stream keys): 32+ chars of [A-Za-z0-9_-] with both
# letters and digits. Plain words, paths and hex hashes the console itself logs (64-hex seeds
# and commitments are public by design) are left alone.
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b")
_OPAQUE = re.compile(r"\b(?:sk|pk|rk|live|ghp|gho|xox[abp]|AIza|shpat|shpss|sk_live|sk_test)[_-]?[A-Za-z0-9_-]{16,}\b")


def scrub_text(text: str) -> str:
    """`text` with credentials masked; unchanged when it holds none."""
    if not text or not isinstance(text, str):
        return text
    out = _URL_CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", text)
    out = _QUERY_SECRET.sub(lambda m: f"{m['key']}{MASK}", out)
    out = _BEARER.sub(lambda m: f"{m['key']}{MASK}", out)
    out = _JWT.sub(MASK, out)
    out = _OPAQUE.sub(MASK, out)
    return out


class ScrubFilter(logging.Filter):
    """Masks credentials in every record a handler emits (message and arguments)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 — a broken format string is logging's problem, not ours
            return True
        clean = scrub_text(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


def install_log_scrubbing(logger: logging.Logger | None = None) -> None:
    """Add ScrubFilter to every handler of `logger` (root by default); idempotent."""
    logger = logger or logging.getLogger()
    for handler in logger.handlers:
        if not any(isinstance(f, ScrubFilter) for f in handler.filters):
            handler.addFilter(ScrubFilter())
