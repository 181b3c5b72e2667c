"""A YouTube double on 127.0.0.1: Data API v3 liveChat (list/insert/transition/delete/bans),
liveBroadcasts, and Google's installed-app OAuth (authorize with PKCE, token, revoke), byte for
byte as documented, with levers: liveChatEnded, offlineAt, quota errors, 5xx, a poll closing early."""

from __future__ import annotations

import base64
import hashlib
import itertools
import time
import uuid
from datetime import datetime, timezone
from urllib.parse import urlencode

from .http import HttpServer, Request, Response


def iso(ts: float | None = None) -> str:
    return datetime.fromtimestamp(ts if ts is not None else time.time(), timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.%f+00:00")


def api_error(status: int, reason: str, message: str, domain: str = "youtube.liveChat") -> Response:
    return Response(status, {"error": {"code": status, "message": message,
                                       "errors": [{"message": message, "domain": domain, "reason": reason}]}})


class YouTubeDouble:
    def __init__(self, *, token: str = "ya29.good", chat_id: str = "Cg0KC2xpdmVjaGF0", polling_ms: int = 100,
                 history: int = 3) -> None:
        self.tokens = {token}
        self.chat_id = chat_id
        self.polling_ms = polling_ms
        self.http = HttpServer(self._http)
        self.base = ""
        self.items: list[dict] = []
        self.history_ids: list[str] = []
        self.page_tokens: list[str | None] = []
        self.list_times: list[float] = []
        """pageToken of every list call, in order (None = first call)."""
        self.inserted: list[dict] = []
        self.deleted: list[str] = []
        self.bans: list[dict] = []
        self.ended = False
        self.offline = False
        self.quota_fail_next = 0
        self.fail_next_5xx = 0
        self.polls: dict[str, dict] = {}
        self.codes: dict[str, dict] = {}
        self.refresh_tokens: dict[str, str] = {}
        self.revoked: list[str] = []
        self._ids = itertools.count(1)
        for i in range(history):
            self.history_ids.append(self.add_text(f"old {i}", author="hist"))

    async def start(self, port: int = 0) -> "YouTubeDouble":
        self.http.port = port
        self.base = await self.http.start()
        return self

    async def stop(self) -> None:
        await self.http.stop()

    @property
    def config(self) -> dict:
        return {"api_base": f"{self.base}/youtube/v3", "auth_base": self.base}

    # -- chat content -------------------------------------------------------------------------
    def _author(self, name: str) -> dict:
        return {"channelId": f"UC{name}", "channelUrl": f"http://www.youtube.com/channel/UC{name}",
                "displayName": name.title(), "profileImageUrl": "", "isVerified": False, "isChatOwner": False,
                "isChatSponsor": False, "isChatModerator": False}

    def _item(self, type_: str, author: str, details_key: str | None, details: dict | None, display: str) -> str:
        mid = f"LCC.{uuid.uuid4().hex[:16]}"
        sn = {"type": type_, "liveChatId": self.chat_id, "authorChannelId": f"UC{author}", "publishedAt": iso(),
              "hasDisplayContent": True, "displayMessage": display}
        if details_key:
            sn[details_key] = details
        self.items.append({"kind": "youtube#liveChatMessage", "etag": uuid.uuid4().hex, "id": mid,
                           "snippet": sn, "authorDetails": self._author(author)})
        return mid

    def add_text(self, text: str, author: str = "viewer") -> str:
        return self._item("textMessageEvent", author, "textMessageDetails", {"messageText": text}, text)

    def add_superchat(self, text: str, micros: int, author: str = "fan") -> str:
        return self._item("superChatEvent", author, "superChatDetails", {
            "amountMicros": str(micros), "currency": "USD", "amountDisplayString": f"${micros / 1e6:.2f}",
            "userComment": text, "tier": 2}, text)

    def add_sticker(self, micros: int, author: str = "fan") -> str:
        return self._item("superStickerEvent", author, "superStickerDetails", {
            "superStickerMetadata": {"stickerId": "s1", "altText": "Thumbs up", "language": "en"},
            "amountMicros": str(micros), "currency": "USD", "amountDisplayString": f"${micros / 1e6:.2f}",
            "tier": 1}, "")

    def add_member(self, author: str = "member") -> str:
        return self._item("newSponsorEvent", author, "newSponsorDetails",
                          {"memberLevelName": "Gold", "isUpgrade": False}, "welcome")

    def chat_ids(self) -> list[str]:
        return [i["id"] for i in self.items if i["snippet"]["type"] == "textMessageEvent"]

    # -- HTTP ---------------------------------------------------------------------------------
    async def _http(self, req: Request) -> Response:
        if req.path.startswith("/o/oauth2/") or req.path in ("/token", "/revoke"):
            return self._oauth(req)
        if not req.path.startswith("/youtube/v3/"):
            return Response(404, {"error": {"code": 404, "message": "Not Found"}})
        token = req.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.tokens:
            return Response(401, {"error": {"code": 401, "message": "Request had invalid authentication credentials.",
                                            "errors": [{"message": "Invalid Credentials", "domain": "global",
                                                        "reason": "authError"}], "status": "UNAUTHENTICATED"}})
        if self.quota_fail_next > 0:
            self.quota_fail_next -= 1
            return api_error(403, "quotaExceeded", "The request cannot be completed because you have exceeded "
                             "your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.", "youtube.quota")
        if self.fail_next_5xx > 0:
            self.fail_next_5xx -= 1
            return api_error(503, "backendError", "Backend Error", "global")
        route = req.path.removeprefix("/youtube/v3")
        if route == "/liveBroadcasts":
            if sum(k in req.query for k in ("broadcastStatus", "id", "mine")) != 1:
                return api_error(400, "incompatibleParameters", "Specify exactly one of broadcastStatus, id, mine.",
                                 "youtube.parameter")
            return Response(200, {"kind": "youtube#liveBroadcastListResponse", "etag": "e", "items": [
                {"kind": "youtube#liveBroadcast", "id": "bc1", "snippet": {"title": "Show", "liveChatId": self.chat_id}}],
                "pageInfo": {"totalResults": 1, "resultsPerPage": 5}})
        if route == "/liveChat/messages" and req.method == "GET":
            return self._list(req)
        if route == "/liveChat/messages" and req.method == "POST":
            return self._insert(req)
        if route == "/liveChat/messages/transition":
            p = self.polls.get(req.query.get("id", ""))
            if p is None:
                return api_error(404, "liveChatMessageNotFound", "The poll does not exist.")
            if p["snippet"]["pollDetails"]["status"] != "active":
                return api_error(403, "pollNotActive", "The poll is not active.")
            p["snippet"]["pollDetails"]["status"] = "closed"
            return Response(200, p)
        if route == "/liveChat/messages" and req.method == "DELETE":
            self.deleted.append(req.query.get("id", ""))
            return Response(204)
        if route == "/liveChat/bans":
            self.bans.append(req.json()["snippet"])
            return Response(200, {"kind": "youtube#liveChatBan", "id": "ban1", "snippet": req.json()["snippet"]})
        return Response(404, {"error": {"code": 404, "message": route}})

    def _list(self, req: Request) -> Response:
        if req.query.get("liveChatId") != self.chat_id:
            return api_error(404, "liveChatNotFound", "The live chat that you are trying to retrieve cannot be found.")
        if self.ended:
            return api_error(403, "liveChatEnded", "The live chat is no longer live.")
        token = req.query.get("pageToken")
        self.page_tokens.append(token)
        self.list_times.append(time.time())
        start = int(token.removeprefix("page-")) if token and token.startswith("page-") else 0
        items = self.items[start:]
        body = {"kind": "youtube#liveChatMessageListResponse", "etag": uuid.uuid4().hex,
                "pollingIntervalMillis": self.polling_ms,
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
                "nextPageToken": f"page-{len(self.items)}", "items": items}
        active = next((p for p in self.polls.values() if p["snippet"]["pollDetails"]["status"] == "active"), None)
        if active is not None:
            body["activePollItem"] = active
        if self.offline:
            body["offlineAt"] = iso()
        return Response(200, body)

    def _insert(self, req: Request) -> Response:
        sn = req.json()["snippet"]
        self.inserted.append(sn)
        if sn.get("type") == "pollEvent":
            if any(p["snippet"]["pollDetails"]["status"] == "active" for p in self.polls.values()):
                return api_error(403, "pollAlreadyActive", "A poll is already active.")
            mid = f"LCC.poll{next(self._ids)}"
            meta = sn["pollDetails"]["metadata"]
            item = {"kind": "youtube#liveChatMessage", "etag": "e", "id": mid, "snippet": {
                "type": "pollEvent", "liveChatId": self.chat_id, "authorChannelId": "UChost", "publishedAt": iso(),
                "hasDisplayContent": True, "displayMessage": meta["questionText"],
                "pollDetails": {"metadata": {"questionText": meta["questionText"], "options": [
                    {"optionText": o["optionText"], "tally": "0"} for o in meta["options"]]}, "status": "active"}}}
            self.polls[mid] = item
            return Response(200, item)
        text = sn["textMessageDetails"]["messageText"]
        mid = self.add_text(text, author="host")
        return Response(200, next(i for i in self.items if i["id"] == mid))

    def vote(self, poll_id: str, tallies: list[int]) -> None:
        for o, t in zip(self.polls[poll_id]["snippet"]["pollDetails"]["metadata"]["options"], tallies):
            o["tally"] = str(t)

    def close_poll_early(self, poll_id: str) -> None:
        self.polls[poll_id]["snippet"]["pollDetails"]["status"] = "closed"
        self.items.append(self.polls[poll_id])  # the closed poll shows up in the chat feed

    # -- Google OAuth for installed apps ------------------------------------------------------
    def _oauth(self, req: Request) -> Response:
        if req.path == "/o/oauth2/v2/auth":  # the consent page: "approve" at once, as a browser would
            q = req.query
            if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
                return Response(400, "PKCE required")
            code = f"4/{uuid.uuid4().hex[:10]}"
            self.codes[code] = {"challenge": q["code_challenge"], "redirect_uri": q["redirect_uri"],
                                "scope": q.get("scope", ""), "client_id": q.get("client_id")}
            target = f"{q['redirect_uri']}?{urlencode({'state': q.get('state', ''), 'code': code, 'scope': q.get('scope', '')})}"
            return Response(302, "", {"Location": target})
        form = req.form()
        if req.path == "/token":
            if form.get("grant_type") == "authorization_code":
                c = self.codes.pop(form.get("code", ""), None)
                if c is None or c["redirect_uri"] != form.get("redirect_uri"):
                    return Response(400, {"error": "invalid_grant", "error_description": "Bad code"})
                digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != c["challenge"]:
                    return Response(400, {"error": "invalid_grant", "error_description": "PKCE mismatch"})
                return Response(200, self._issue(c["scope"], refresh=True))
            if form.get("grant_type") == "refresh_token":
                scope = self.refresh_tokens.get(form.get("refresh_token", ""))
                if scope is None:
                    return Response(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
                return Response(200, self._issue(scope, refresh=False))
            return Response(400, {"error": "unsupported_grant_type"})
        if req.path == "/revoke":
            tok = form.get("token", "") or req.query.get("token", "")
            self.tokens.discard(tok)
            self.refresh_tokens.pop(tok, None)
            self.revoked.append(tok)
            return Response(200, {})
        return Response(404, "not found")

    def _issue(self, scope: str, refresh: bool) -> dict:
        access = f"ya29.{uuid.uuid4().hex[:16]}"
        self.tokens.add(access)
        out = {"access_token": access, "expires_in": 3599, "scope": scope, "token_type": "Bearer"}
        if refresh:
            rt = f"1//{uuid.uuid4().hex[:16]}"
            self.refresh_tokens[rt] = scope
            out["refresh_token"] = rt
        return out
