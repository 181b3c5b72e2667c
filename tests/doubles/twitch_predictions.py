"""Helix channel-points predictions for the Twitch double (mixed into TwitchDouble).

As documented (dev.twitch.tv/docs/api/reference/predictions): POST creates one (title ≤ 45,
2–10 outcomes ≤ 25 each, prediction_window 30–1800 s; one ACTIVE or LOCKED prediction per channel),
GET reads by broadcaster_id + id, PATCH sets LOCKED (from ACTIVE), RESOLVED with a
winning_outcome_id or CANCELED (from ACTIVE or LOCKED). Every answer is {"data": [prediction]};
a prediction locks by itself when its window has passed. A token not granted
channel:manage:predictions (or with the scope in `missing_scopes`) gets "Missing scope: channel:manage:predictions" (Twitch answers 401;
`scope_status = 403` to see a 403). The wording of 400 messages is the double's own.

Levers: `bet()` (a viewer predicts), `lock_early()` / `cancel_early()` (the broadcaster does it on
Twitch, not the console), plus the double's `limit_next` (429 with Ratelimit-Reset).
"""

from __future__ import annotations

import time
import uuid

from .http import Request, Response

SCOPE = "channel:manage:predictions"


def _bad(message: str, status: int = 400) -> Response:
    reason = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}[status]
    return Response(status, {"error": reason, "status": status, "message": message})


class PredictionsDouble:
    predictions: dict[str, dict]
    missing_scopes: set[str]
    granted: dict[str, list[str]]
    scope_status: int
    login: str
    user_id: str
    patches: list[dict]

    def _predictions(self, req: Request) -> Response:
        from .twitch import rfc3339

        token = req.headers.get("authorization", "").removeprefix("Bearer ")
        if SCOPE in self.missing_scopes or SCOPE not in self.granted.get(token, ()):
            return _bad(f"Missing scope: {SCOPE}", self.scope_status)
        self._auto_lock()
        if req.method == "GET":
            if req.query.get("broadcaster_id") != self.user_id:
                return _bad("The ID in broadcaster_id must match the user ID found in the request's OAuth token.", 403)
            rows = sorted(self.predictions.values(), key=lambda p: p["_created"], reverse=True)
            if "id" in req.query:
                rows = [p for p in rows if p["id"] == req.query["id"]]
            return Response(200, {"data": [self._public(p) for p in rows], "pagination": {}})
        body = req.json() or {}
        if body.get("broadcaster_id") != self.user_id:
            return _bad("The ID in broadcaster_id must match the user ID found in the request's OAuth token.", 403)
        if req.method == "POST":
            return self._create(body, rfc3339)
        if req.method == "PATCH":
            return self._end(body, rfc3339)
        return _bad("method not allowed", 404)

    def _create(self, body: dict, rfc3339) -> Response:
        title, outcomes, window = body.get("title"), body.get("outcomes"), body.get("prediction_window")
        if not isinstance(title, str) or not title or len(title) > 45:
            return _bad("The title is required and may contain at most 45 characters.")
        if not isinstance(outcomes, list) or not 2 <= len(outcomes) <= 10:
            return _bad("The outcomes field must contain 2 to 10 outcomes.")
        if any(not isinstance(o, dict) or not o.get("title") or len(o["title"]) > 25 for o in outcomes):
            return _bad("Each outcome needs a title of at most 25 characters.")
        if not isinstance(window, int) or not 30 <= window <= 1800:
            return _bad("The prediction_window must be 30 to 1800 seconds.")
        if any(p["status"] in ("ACTIVE", "LOCKED") for p in self.predictions.values()):
            return _bad("The broadcaster already has an active prediction.")
        pid = str(uuid.uuid4())
        colors = ["BLUE", "PINK"] if len(outcomes) == 2 else ["BLUE"] * len(outcomes)
        self.predictions[pid] = {
            "id": pid, "broadcaster_id": self.user_id, "broadcaster_name": self.login,
            "broadcaster_login": self.login, "title": title, "winning_outcome_id": None,
            "outcomes": [{"id": str(uuid.uuid4()), "title": o["title"], "users": 0, "channel_points": 0,
                          "top_predictors": None, "color": c} for o, c in zip(outcomes, colors)],
            "prediction_window": window, "status": "ACTIVE", "created_at": rfc3339(),
            "ended_at": None, "locked_at": None, "_created": time.time()}
        return Response(200, {"data": [self._public(self.predictions[pid])]})

    def _end(self, body: dict, rfc3339) -> Response:
        p = self.predictions.get(str(body.get("id", "")))
        if p is None:
            return _bad("The prediction ID in the id field was not found.", 404)
        self.patches.append(dict(body))
        status = body.get("status")
        if status == "LOCKED":
            if p["status"] != "ACTIVE":
                return _bad("The prediction must be ACTIVE to lock it.")
            p["status"], p["locked_at"] = "LOCKED", rfc3339()
        elif status in ("RESOLVED", "CANCELED"):
            if p["status"] not in ("ACTIVE", "LOCKED"):
                return _bad("The prediction must be ACTIVE or LOCKED to end it.")
            if status == "RESOLVED":
                ids = [o["id"] for o in p["outcomes"]]
                if body.get("winning_outcome_id") not in ids:
                    return _bad("The winning_outcome_id field is required and must name one of the outcomes.")
                p["winning_outcome_id"] = body["winning_outcome_id"]
                self._pay_out(p)
            p["status"], p["ended_at"] = status, rfc3339()
            p["locked_at"] = p["locked_at"] or p["ended_at"]
        else:
            return _bad("The status field must be LOCKED, RESOLVED or CANCELED.")
        return Response(200, {"data": [self._public(p)]})

    def _auto_lock(self) -> None:
        from .twitch import rfc3339

        now = time.time()
        for p in self.predictions.values():
            if p["status"] == "ACTIVE" and now >= p["_created"] + p["prediction_window"]:
                p["status"], p["locked_at"] = "LOCKED", rfc3339()

    @staticmethod
    def _public(p: dict) -> dict:
        return {k: v for k, v in p.items() if not k.startswith("_")}

    @staticmethod
    def _pay_out(p: dict) -> None:
        total = sum(o["channel_points"] for o in p["outcomes"])
        for o in p["outcomes"]:
            share = total / o["channel_points"] if o["channel_points"] else 0
            for t in o["top_predictors"] or []:
                t["channel_points_won"] = int(t["channel_points_used"] * share) if o["id"] == p["winning_outcome_id"] else 0

    def public_predictions(self) -> list[dict]:
        return [self._public(p) for p in self.predictions.values()]

    # -- levers --------------------------------------------------------------------------------
    def bet(self, pid: str, outcome: int, user: str, points: int) -> None:
        """A viewer predicts `outcome` (0-based) with `points` channel points."""
        o = self.predictions[pid]["outcomes"][outcome]
        o["users"] += 1
        o["channel_points"] += points
        tops = o["top_predictors"] or []
        tops.append({"user_id": f"u-{user}", "user_name": user.title(), "user_login": user,
                     "channel_points_used": points, "channel_points_won": None})
        o["top_predictors"] = sorted(tops, key=lambda t: -t["channel_points_used"])[:10]

    def lock_early(self, pid: str) -> None:
        from .twitch import rfc3339
        self.predictions[pid]["status"], self.predictions[pid]["locked_at"] = "LOCKED", rfc3339()

    def cancel_early(self, pid: str) -> None:
        from .twitch import rfc3339
        p = self.predictions[pid]
        p["status"], p["ended_at"] = "CANCELED", rfc3339()
