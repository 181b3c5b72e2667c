"""Shopify coupon backend against a GraphQL double: a raw HTTP/1.1 server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json

import pytest

from console.commerce.book import CouponSpec
from console.commerce.shopify import ShopifyDiscounts
from console.core import actions as A
from console.core.clock import ManualClock
from console.core.events import Comment, Viewer
from console.core.hub import SessionHub
from console.interact.controller import Interactions

TOKEN = "shpat_test_secret_token_123"
VERSION = "2025-01"
THROTTLE = {"maximumAvailable": 1000.0, "currentlyAvailable": 990.0, "restoreRate": 50.0}


class ShopDouble:
    """Speaks just enough of the Admin GraphQL API: the create mutation and the lookup query.

    `script` decides what each *create* request gets: "ok", "user_error", "duplicate",
    "throttled", "drop" (creates the code, then hangs up without answering), "unauthorized".
    """

    def __init__(self, script: list[str]) -> None:
        self.script = list(script)
        self.created: dict[str, str] = {}
        self.requests: list[dict] = []
        self.problems: list[str] = []
        self.server: asyncio.base_events.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:] if l)}
            body = json.loads(await reader.readexactly(int(headers.get("content-length", "0"))))
            self.requests.append({"path": path, "headers": headers, "body": body})
            status, answer = self.answer(method, path, headers, body)
            if answer is None:  # hang up without a response
                writer.close()
                return
            data = json.dumps(answer).encode()
            writer.write(
                f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(data)}"
                "\r\nConnection: close\r\n\r\n".encode() + data
            )
            await writer.drain()
        finally:
            writer.close()

    def answer(self, method: str, path: str, headers: dict, body: dict):
        if method != "POST" or path != f"/admin/api/{VERSION}/graphql.json":
            self.problems.append(f"wrong endpoint {method} {path}")
            return 404, {"errors": "Not Found"}
        if headers.get("content-type", "").split(";")[0] != "application/json":
            self.problems.append("content type")
        if headers.get("x-shopify-access-token") != TOKEN:
            return 401, {"errors": "[API] Invalid API key or access token"}
        ext = {"cost": {"requestedQueryCost": 10, "actualQueryCost": 10, "throttleStatus": THROTTLE}}
        query, variables = body.get("query", ""), body.get("variables", {})
        if "codeDiscountNodeByCode" in query:
            node = self.created.get(variables.get("code"))
            return 200, {"data": {"codeDiscountNodeByCode": {"id": node} if node else None}, "extensions": ext}
        if "discountCodeBasicCreate" not in query:
            self.problems.append("unknown operation")
            return 200, {"errors": [{"message": "unknown operation"}]}
        inp = variables.get("basicCodeDiscount") or {}
        for key in ("title", "code", "startsAt", "endsAt", "customerGets", "usageLimit", "context"):
            if key not in inp:
                self.problems.append(f"missing {key}")
        value = inp.get("customerGets", {}).get("value", {})
        if ("percentage" in value) == ("discountAmount" in value):
            self.problems.append("value must be percentage or discountAmount")
        behaviour = self.script.pop(0) if self.script else "ok"
        code = inp.get("code")
        if behaviour == "throttled":
            throttled = dict(ext, cost={**ext["cost"], "throttleStatus": {**THROTTLE, "currentlyAvailable": 0.0}})
            return 200, {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
                         "extensions": throttled}
        if behaviour == "unauthorized":
            return 403, {"errors": "forbidden"}
        if behaviour == "user_error":
            return 200, {"data": {"discountCodeBasicCreate": {"codeDiscountNode": None, "userErrors": [
                {"field": ["basicCodeDiscount", "endsAt"], "code": "INVALID",
                 "message": "Ends at needs to be after starts_at"}]}}, "extensions": ext}
        if code in self.created or behaviour == "duplicate":
            return 200, {"data": {"discountCodeBasicCreate": {"codeDiscountNode": None, "userErrors": [
                {"field": ["basicCodeDiscount", "code"], "code": "TAKEN",
                 "message": "Code must be unique. Please try a different code."}]}}, "extensions": ext}
        self.created[code] = f"gid://shopify/DiscountCodeNode/{len(self.created) + 1}"
        if behaviour == "drop":
            return 200, None
        return 200, {"data": {"discountCodeBasicCreate": {
            "codeDiscountNode": {"id": self.created[code]}, "userErrors": []}}, "extensions": ext}


@pytest.fixture
async def shop():
    doubles: list[ShopDouble] = []

    async def make(script):
        double = ShopDouble(script)
        await double.start()
        doubles.append(double)
        return double

    yield make
    for d in doubles:
        await d.stop()


def backend(double: ShopDouble, waits: list[float], token: str = TOKEN) -> ShopifyDiscounts:
    async def fake_sleep(s: float) -> None:
        waits.append(s)

    return ShopifyDiscounts("demo-shop", token, api_version=VERSION, base_url=double.base_url,
                            backoff_s=0.01, sleep=fake_sleep, timeout_s=5)


SPEC = CouponSpec("¥20 off", "领券", quantity=50, amount_off=20, min_spend=99)


async def test_success_sends_the_documented_shape(shop):
    double = await shop(["ok"])
    out = await backend(double, []).publish(SPEC, "ABCD2345", 1_700_000_000, 1_700_000_600)
    assert out.ok and out.remote_id == "gid://shopify/DiscountCodeNode/1"
    assert double.problems == []
    [req] = double.requests
    inp = req["body"]["variables"]["basicCodeDiscount"]
    assert inp["code"] == "ABCD2345" and inp["usageLimit"] == 50 and inp["appliesOncePerCustomer"]
    assert inp["customerGets"]["value"] == {"discountAmount": {"amount": "20.00", "appliesOnEachItem": False}}
    assert inp["minimumRequirement"] == {"subtotal": {"greaterThanOrEqualToSubtotal": "99.00"}}
    assert inp["startsAt"] == "2023-11-14T22:13:20Z"


async def test_user_errors_in_host_words(shop):
    double = await shop(["user_error"])
    out = await backend(double, []).publish(SPEC, "ABCD2345", 0, 600)
    assert not out.ok and "did not accept" in out.message and "Ends at" in out.message
    assert len(double.requests) == 1  # not retried: retrying would not help


async def test_throttled_then_success_waits_for_the_bucket(shop):
    double = await shop(["throttled", "ok"])
    waits: list[float] = []
    out = await backend(double, waits).publish(SPEC, "ABCD2345", 0, 600)
    assert out.ok and len(double.created) == 1
    # (requested 10 - available 0) / restore 50 per s = 0.2 s, plus at most 10 % jitter
    assert len(waits) == 1 and 0.2 <= waits[0] <= 0.22


async def test_dropped_connection_retries_without_creating_twice(shop):
    double = await shop(["drop", "ok"])
    waits: list[float] = []
    out = await backend(double, waits).publish(SPEC, "ABCD2345", 0, 600)
    assert out.ok and out.remote_id == "gid://shopify/DiscountCodeNode/1"
    assert list(double.created) == ["ABCD2345"]  # idempotent: one code despite the retry
    queries = ["codeDiscountNodeByCode" in r["body"]["query"] for r in double.requests]
    assert queries == [False, True]  # create (lost answer), then lookup found it
    assert len(waits) == 1


async def test_duplicate_on_retry_counts_as_ours(shop):
    # A throttled first try, then "must be unique" for our own code: an earlier attempt of ours
    # landed after all, so the drop counts as done rather than failing.
    double = await shop(["throttled", "duplicate"])
    out = await backend(double, []).publish(SPEC, "ABCD2345", 0, 600)
    assert out.ok


async def test_duplicate_on_first_try_is_a_failure(shop):
    double = await shop(["duplicate"])
    out = await backend(double, []).publish(SPEC, "ABCD2345", 0, 600)
    assert not out.ok and "unique" in out.message


async def test_bad_token_refused_and_never_echoed(shop):
    double = await shop([])
    b = backend(double, [], token="shpat_wrong_token_999")
    out = await b.publish(SPEC, "ABCD2345", 0, 600)
    assert not out.ok and "refused the access token" in out.message
    assert "shpat_wrong_token_999" not in out.message + repr(b)
    assert len(double.requests) == 1


async def test_gives_up_after_retries_with_a_clear_message(shop):
    double = await shop(["throttled"] * 10)
    out = await backend(double, []).publish(SPEC, "ABCD2345", 0, 600)
    assert not out.ok and "after 5 tries" in out.message and double.created == {}


async def test_controller_drop_through_shopify(shop):
    double = await shop(["drop", "ok"])
    hub, clock = SessionHub(), ManualClock()
    log: list = []
    hub.subscribe(lambda batch: log.extend(e for e in batch if e.kind == "action"), name="log")
    ix = Interactions(hub, clock, presets=[], coupon_backend=backend(double, []))
    changed = asyncio.Event()
    ix.add_listener(changed.set)
    res = ix.drop_coupon("¥20 off", "领券", quantity=2, amount_off=20)
    assert res.ok and "Creating" in res.message
    assert ix.snapshot().coupon.code is None  # not claimable until the shop has it
    changed.clear()
    await asyncio.wait_for(changed.wait(), 60)
    view = ix.snapshot().coupon
    assert view.code in double.created
    [drop] = [a.detail for a in log if a.name == A.COUPON_DROP]
    assert drop["backend"] == "shopify" and drop["remote_id"].startswith("gid://")
    assert all(TOKEN not in json.dumps(dict(a.detail)) for a in log)
    hub.publish(Comment(platform="demo", msg_id="c1", ts=0.0, viewer=Viewer("v", "v"), text="领券"))
    assert view.remaining == 2 and ix.snapshot().coupon.remaining == 1


async def test_controller_reports_shop_failure(shop):
    double = await shop(["user_error"])
    hub = SessionHub()
    log: list = []
    hub.subscribe(lambda batch: log.extend(e for e in batch if e.kind == "action"), name="log")
    ix = Interactions(hub, ManualClock(), presets=[], coupon_backend=backend(double, []))
    changed = asyncio.Event()
    ix.add_listener(changed.set)
    ix.drop_coupon("¥20 off", "领券", quantity=2, amount_off=20)
    changed.clear()
    await asyncio.wait_for(changed.wait(), 60)
    assert not ix.notices[-1].ok and "Ends at" in ix.notices[-1].message
    assert [a.name for a in log] == [A.COUPON_FAILED]
    assert ix.snapshot().coupon.code is None


def test_remote_backend_without_loop_is_refused():
    class Remote:
        name, remote = "shopify", True

        async def publish(self, *a):  # pragma: no cover - never awaited
            raise AssertionError

    ix = Interactions(SessionHub(), ManualClock(), presets=[], coupon_backend=Remote())
    res = ix.drop_coupon("x", "领券", quantity=1, amount_off=1)
    assert not res.ok and "network loop" in res.message


def test_token_comes_from_the_keyring(monkeypatch):
    import keyring

    from console.commerce import shopify

    store = {("live-console.shopify", "demo-shop"): TOKEN}
    monkeypatch.setattr(keyring, "get_password", lambda service, user: store.get((service, user)))
    b = ShopifyDiscounts.from_keyring("demo-shop")
    assert b._token == TOKEN and TOKEN not in repr(b)
    with pytest.raises(shopify.ShopifyRefused, match="No Shopify access token"):
        ShopifyDiscounts.from_keyring("other-shop")

    def broken(service, user):
        raise keyring.errors.KeyringError("no backend")

    monkeypatch.setattr(keyring, "get_password", broken)
    with pytest.raises(shopify.ShopifyRefused, match="keychain"):
        ShopifyDiscounts.from_keyring("demo-shop")
