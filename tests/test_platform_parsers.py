"""Platform parsers are pure and total: recorded frames become the right events, and no input at
all — random JSON, wrong types, garbage bytes — ever raises out of them."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from console.core.events import Comment, Gift
from console.providers.twitch.parse import events_from_notification, parse_frame, parse_ts

CHAT = {"metadata": {"message_id": "m1", "message_type": "notification",
                     "message_timestamp": "2023-07-19T14:56:51.634234626Z",
                     "subscription_type": "channel.chat.message", "subscription_version": "1"},
        "payload": {"subscription": {"type": "channel.chat.message", "status": "enabled"},
                    "event": {"chatter_user_id": "42", "chatter_user_login": "ann", "chatter_user_name": "Ann",
                              "message_id": "c-1", "message": {"text": "Cheer50 hi"}, "cheer": {"bits": 50}}}}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=30)
# Frames shaped like the real thing, with random values in every slot.
frame_like = st.fixed_dictionaries({
    "metadata": st.fixed_dictionaries({"message_id": json_values, "message_type": st.sampled_from(
        ["notification", "revocation", "session_welcome", "session_reconnect", "session_keepalive", "x"]) | json_values,
        "message_timestamp": json_values, "subscription_type": st.sampled_from([
            "channel.chat.message", "channel.follow", "channel.subscribe", "channel.subscription.gift",
            "channel.subscription.message", "channel.raid"]) | json_values}),
    "payload": st.fixed_dictionaries({"session": json_values, "subscription": json_values, "event": json_values})})


def test_twitch_chat_with_cheer_is_a_comment_and_a_bits_gift():
    frame = parse_frame(json.dumps(CHAT))
    events = events_from_notification(frame)
    assert isinstance(events[0], Comment) and events[0].msg_id == "c-1" and events[0].text == "Cheer50 hi"
    assert events[0].viewer.name == "Ann"
    assert isinstance(events[1], Gift) and events[1].count == 50 and events[1].value == 0.5
    assert abs(frame.ts - 1689778611.634234) < 1e-3


def test_twitch_timestamps_with_nanoseconds_and_garbage():
    assert parse_ts("2023-07-19T14:56:51.634234626Z") > 1.6e9
    assert parse_ts("not a time", 7.0) == 7.0 and parse_ts(None, 3.0) == 3.0


@settings(max_examples=400, deadline=None)
@given(st.one_of(json_values, frame_like))
def test_twitch_parser_never_raises_on_random_json(value):
    frame = parse_frame(json.dumps(value))
    for ev in events_from_notification(frame):
        assert ev.platform == "twitch"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_twitch_parser_never_raises_on_bytes(data):
    events_from_notification(parse_frame(data))


# -- YouTube ----------------------------------------------------------------------------------
from console.providers.youtube.parse import parse_error, parse_page  # noqa: E402

YT_PAGE = {"kind": "youtube#liveChatMessageListResponse", "nextPageToken": "GOD", "pollingIntervalMillis": 2500,
           "items": [{"id": "a1", "snippet": {"type": "superChatEvent", "publishedAt": "2026-12-03T09:00:00.5+00:00",
                                              "superChatDetails": {"amountMicros": "1990000", "currency": "USD",
                                                                   "amountDisplayString": "$1.99",
                                                                   "userComment": "yes!", "tier": 1}},
                      "authorDetails": {"channelId": "UCa", "displayName": "Ann"}},
                     {"id": "e", "snippet": {"type": "chatEndedEvent"}}]}

yt_like = st.fixed_dictionaries({
    "nextPageToken": json_values, "pollingIntervalMillis": json_values, "offlineAt": json_values,
    "activePollItem": json_values,
    "items": st.lists(st.fixed_dictionaries({"id": json_values, "snippet": st.fixed_dictionaries({
        "type": st.sampled_from(["textMessageEvent", "superChatEvent", "superStickerEvent", "newSponsorEvent",
                                 "memberMilestoneChatEvent", "membershipGiftingEvent", "pollEvent",
                                 "chatEndedEvent"]) | json_values,
        "publishedAt": json_values, "textMessageDetails": json_values, "superChatDetails": json_values,
        "superStickerDetails": json_values, "pollDetails": json_values, "memberMilestoneChatDetails": json_values,
        "membershipGiftingDetails": json_values}), "authorDetails": json_values}), max_size=4)})


def test_youtube_super_chat_page():
    page = parse_page(YT_PAGE)
    assert page.next_page_token == "GOD" and page.polling_ms == 2500 and page.ended
    comment, gift = page.events
    assert isinstance(comment, Comment) and comment.text == "yes!" and comment.viewer.name == "Ann"
    assert isinstance(gift, Gift) and gift.value == 1.99 and gift.msg_id == "a1:superchat"


def test_youtube_error_reasons():
    body = {"error": {"code": 403, "message": "The live chat is no longer live.",
                      "errors": [{"domain": "youtube.liveChat", "reason": "liveChatEnded"}]}}
    assert parse_error(403, json.dumps(body)).reason == "liveChatEnded"
    assert parse_error(500, b"<html>").reason == ""


@settings(max_examples=400, deadline=None)
@given(st.one_of(json_values, yt_like))
def test_youtube_parser_never_raises_on_random_json(value):
    page = parse_page(json.dumps(value))
    for ev in page.events:
        assert ev.platform == "youtube"
    parse_error(403, value if isinstance(value, dict) else {})


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_youtube_parser_never_raises_on_bytes(data):
    parse_page(data)
    parse_error(400, data)
