"""The platform badge on comment rows, shown only when several platforms feed one session.

The comment panel asks `badges.prefix(event.platform)` for each row; with one platform (or the
DEMO audience) the prefix is empty, so a single-platform show looks exactly as before. Follows a
mid-show switch through `app.platforms_changed`.
"""

from __future__ import annotations

SHORT = {"bilibili": "B站", "douyin": "抖音", "twitch": "Twitch", "youtube": "YouTube", "bridge": "Bridge"}


def badge(platform: str) -> str:
    return f"[{SHORT.get(platform, platform)}]"


class PlatformBadges:
    def __init__(self, app=None) -> None:
        self.multi = False
        if app is not None:
            self._update(app.platforms)
            app.platforms_changed.connect(self._update)

    def _update(self, runner) -> None:
        self.multi = len(runner.names) > 1  # read by the panel's flush; a bool swap is atomic

    def prefix(self, platform: str) -> str:
        return f"{badge(platform)} " if self.multi else ""
