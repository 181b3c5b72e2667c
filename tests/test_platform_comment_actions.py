"""Replies and moderation from the comment panel go to the platform the comment came from
(multistream: a YouTube comment is answered on YouTube, a Twitch one on Twitch)."""

from __future__ import annotations

import asyncio
import contextlib


from console.core.clock import SystemClock
from console.providers.status import ConnState
from console.providers.twitch.provider import TwitchProvider
from console.providers.youtube.provider import YouTubeProvider
from console.ui.comment_actions import CommentActions
from console.ui.comments_model import CommentsModel, Row
from tests.doubles.twitch import TwitchDouble
from tests.doubles.youtube import YouTubeDouble
from tests.platform_helpers import Room, until


class Platforms:
    def __init__(self, providers):
        self.providers = providers

    def by_platform(self, name):
        return next((p for p in self.providers if p.platform == name), None)


def row(platform, msg_id, viewer_id):
    return Row(msg_id=msg_id, ts=0.0, kind="comment", viewer_id=viewer_id, viewer_name="Ann", raw="size?",
               platform=platform)


async def test_reply_and_moderate_go_back_to_the_comments_platform(qtbot, tmp_path):
    tw = await TwitchDouble().start()
    yt = await YouTubeDouble(polling_ms=50).start()
    room = Room(tmp_path, "twitch+youtube")
    twitch = TwitchProvider(room.ctx("twitch", tw.config, {"TOKEN": "tok-good", "CLIENT_ID": "cid-123"}))
    youtube = YouTubeProvider(room.ctx("youtube", {**yt.config, "quota_per_day": 10**6}, {"TOKEN": "ya29.good"}))
    tasks = [asyncio.create_task(p.run(room.hub)) for p in (twitch, youtube)]
    try:
        await until(lambda: twitch.status.state is ConnState.LIVE and youtube.status.state is ConnState.LIVE,
                    what="both live")
        model = CommentsModel()
        actions = CommentActions(model, room.hub, SystemClock(), provider=twitch, platforms=Platforms([twitch, youtube]))
        yt_row, tw_row = row("youtube", "LCC.q1", "UCann"), row("twitch", "chat-9", "u-ann")
        assert actions.can_moderate(yt_row) and actions.can_moderate(tw_row)
        actions.reply(yt_row, "M fits, 95 cm")
        actions.reply(tw_row, "M fits")
        actions.moderate(tw_row, "delete")
        actions.moderate(yt_row, "timeout", 600)
        await until(lambda: yt.inserted and tw.chat_sent and tw.moderation and yt.bans, what="all four sent")
        assert yt.inserted[0]["textMessageDetails"]["messageText"] == "M fits, 95 cm"
        assert tw.chat_sent == [{"broadcaster_id": "1001", "sender_id": "1001", "message": "M fits",
                                 "reply_parent_message_id": "chat-9"}]
        assert tw.moderation[0][1]["message_id"] == "chat-9"
        assert yt.bans[0]["bannedUserDetails"]["channelId"] == "UCann" and yt.bans[0]["banDurationSeconds"] == 600
        logged = [e for e in room.events if e.kind == "action" and e.name == "comment.moderate"]
        assert [(a.detail["platform"], a.detail["action"]) for a in logged] == [("twitch", "delete"), ("youtube", "timeout")]
    finally:
        for t in tasks:
            t.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await t
        await tw.stop()
        await yt.stop()
        room.close()
