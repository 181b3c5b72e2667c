"""A small obs-websocket v5 client (synchronous, for the OBS link's own thread).

The protocol: the server says Hello (op 0, with an authentication challenge and salt when a
password is set); we Identify (op 1) with base64(sha256(base64(sha256(password + salt)) +
challenge)); it answers Identified (op 2) or closes with 4009 on a wrong password. Requests are
op 6 with a requestId; RequestResponse (op 7) carries requestStatus {result, code, comment} and
responseData. Events (op 5) are not subscribed to (eventSubscriptions 0), so every frame after
Identified answers our last request; frames with another requestId are skipped.

Written on `websockets` (BSD) rather than obsws-python, which is GPL-3.0 and would have to be
shipped in the installers of a proprietary app.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from typing import Any

AUTH_FAILED = 4009


class ObsProtocolError(RuntimeError):
    """The socket or the handshake failed (reconnecting may help)."""


class ObsAuthError(ObsProtocolError):
    """OBS wants a password, or refused the one given."""


class ObsRequestError(RuntimeError):
    """OBS answered a request with a failure status (reconnecting will not help)."""

    def __init__(self, request: str, code: int, comment: str | None) -> None:
        self.request, self.code, self.comment = request, code, comment
        super().__init__(f"{request} failed (code {code}){': ' + comment if comment else ''}.")


def auth_string(password: str, salt: str, challenge: str) -> str:
    secret = base64.b64encode(hashlib.sha256((password + salt).encode()).digest())
    return base64.b64encode(hashlib.sha256(secret + challenge.encode()).digest()).decode()


class ObsClient:
    def __init__(self, host: str, port: int, password: str, timeout_s: float = 3.0) -> None:
        from websockets.sync.client import connect

        self.timeout_s = timeout_s
        self._ids = itertools.count(1)
        # OSError (refused, unreachable) and TimeoutError propagate as they are.
        options = dict(open_timeout=timeout_s, close_timeout=1, ping_interval=None, proxy=None, max_size=2**22)
        try:  # websockets ≥ 16 wants the wish to hold the connection ourselves said out loud
            self._ws = connect(f"ws://{host}:{port}", legacy=True, **options)
        except TypeError:  # older websockets: that is simply what connect() does
            self._ws = connect(f"ws://{host}:{port}", **options)
        try:
            self._identify(password)
        except BaseException:
            self.close()
            raise

    def _recv(self) -> dict[str, Any]:
        from websockets.exceptions import ConnectionClosed

        try:
            raw = self._ws.recv(timeout=self.timeout_s)
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd is not None else None
            if code == AUTH_FAILED:
                raise ObsAuthError("OBS refused the password (close code 4009)") from exc
            raise ObsProtocolError(f"OBS closed the connection ({code or 'no close frame'})") from exc
        except TimeoutError as exc:
            raise ObsProtocolError(f"OBS did not answer within {self.timeout_s:g} s") from exc
        try:
            message = json.loads(raw)
            message["op"], message["d"]
        except (ValueError, TypeError, KeyError) as exc:
            raise ObsProtocolError(f"OBS sent a malformed frame ({str(raw)[:60]!r})") from exc
        return message

    def _identify(self, password: str) -> None:
        hello = self._recv()
        if hello["op"] != 0:
            raise ObsProtocolError(f"expected Hello (op 0), got op {hello['op']}")
        identify: dict[str, Any] = {"rpcVersion": 1, "eventSubscriptions": 0}
        auth = hello["d"].get("authentication")
        if auth:
            if not password:
                raise ObsAuthError("OBS asks for a password and none is stored")
            identify["authentication"] = auth_string(password, auth["salt"], auth["challenge"])
        self._ws.send(json.dumps({"op": 1, "d": identify}))
        identified = self._recv()
        if identified["op"] != 2:
            raise ObsProtocolError(f"expected Identified (op 2), got op {identified['op']}")

    def send(self, request: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send one request; its responseData, or ObsRequestError when OBS says no."""
        from websockets.exceptions import ConnectionClosed

        request_id = str(next(self._ids))
        payload: dict[str, Any] = {"requestType": request, "requestId": request_id}
        if data:
            payload["requestData"] = data
        try:
            self._ws.send(json.dumps({"op": 6, "d": payload}))
        except ConnectionClosed as exc:
            raise ObsProtocolError("OBS closed the connection") from exc
        while True:
            message = self._recv()
            if message["op"] == 7 and message["d"].get("requestId") == request_id:
                break
        d = message["d"]
        status = d.get("requestStatus") or {}
        if not status.get("result"):
            raise ObsRequestError(request, int(status.get("code", 0)), status.get("comment"))
        return d.get("responseData") or {}

    def close(self) -> None:
        try:
            self._ws.close()
        except Exception:  # noqa: BLE001 — closing a dead socket
            pass
