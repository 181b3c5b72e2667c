"""Shopify coupon backend: one discount code per drop through the Admin GraphQL API.

`discountCodeBasicCreate` with the code, a usage limit equal to the drop's quantity and
once-per-customer when the per-viewer limit is 1. Errors arrive with HTTP 200 (`userErrors`,
`{"errors":[{"message":"Throttled"}]}`), so every response is read, not just its status.

Retries are safe: before creating again after a failure whose outcome is unknown (dropped
connection, timeout, server error) we ask `codeDiscountNodeByCode` whether the first attempt
landed, and a "code must be unique" error for our own code on a retry counts as success.

The access token comes from the OS keyring; it is sent only in the X-Shopify-Access-Token header
and never appears in messages, logs, repr or the session database.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable

import httpx

from .backend import PublishOutcome
from .book import CouponSpec

log = logging.getLogger(__name__)

KEYRING_SERVICE = "live-console.shopify"
DEFAULT_API_VERSION = "2025-01"

CREATE = """
mutation CreateCoupon($basicCodeDiscount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
    codeDiscountNode { id }
    userErrors { field code message }
  }
}
"""

LOOKUP = """
query CouponByCode($code: String!) {
  codeDiscountNodeByCode(code: $code) { id }
}
"""


class ShopifyError(Exception):
    """A failure worth retrying (throttled, server hiccup, connection lost)."""

    def __init__(self, message: str, wait_s: float | None = None, outcome_unknown: bool = False) -> None:
        super().__init__(message)
        self.wait_s = wait_s
        self.outcome_unknown = outcome_unknown
        """True when the shop may have created the code before the failure."""


class ShopifyRefused(Exception):
    """A failure that retrying will not fix (bad token, missing permission, invalid input)."""


def load_token(shop: str) -> str | None:
    import keyring  # imported lazily: the backend is optional and keyring probes the OS

    return keyring.get_password(KEYRING_SERVICE, shop)


def save_token(shop: str, token: str) -> None:
    import keyring

    keyring.set_password(KEYRING_SERVICE, shop, token)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def discount_input(spec: CouponSpec, code: str, starts_at: float, ends_at: float) -> dict[str, Any]:
    if spec.percent_off is not None:
        value: dict[str, Any] = {"percentage": round(spec.percent_off / 100.0, 4)}
    else:
        value = {"discountAmount": {"amount": f"{spec.amount_off:.2f}", "appliesOnEachItem": False}}
    data: dict[str, Any] = {
        "title": f"{spec.title} ({code})",
        "code": code,
        "startsAt": _iso(starts_at),
        "endsAt": _iso(ends_at),
        "context": {"all": "ALL"},
        "customerGets": {"value": value, "items": {"all": True}},
        "usageLimit": spec.quantity,
        "appliesOncePerCustomer": spec.per_viewer_limit == 1,
    }
    if spec.min_spend > 0:
        data["minimumRequirement"] = {"subtotal": {"greaterThanOrEqualToSubtotal": f"{spec.min_spend:.2f}"}}
    return data


def _throttle_wait(body: dict[str, Any]) -> float | None:
    status = (body.get("extensions") or {}).get("cost", {}).get("throttleStatus") or {}
    try:
        need = float((body.get("extensions") or {}).get("cost", {}).get("requestedQueryCost", 10))
        available = float(status["currentlyAvailable"])
        rate = float(status["restoreRate"])
    except (KeyError, TypeError, ValueError):
        return None
    return max(0.0, (need - available) / rate) if rate > 0 else None


class ShopifyDiscounts:
    name = "shopify"
    remote = True

    def __init__(self, shop: str, token: str, *, api_version: str = DEFAULT_API_VERSION,
                 base_url: str | None = None, max_attempts: int = 5, backoff_s: float = 0.5,
                 max_wait_s: float = 20.0, timeout_s: float = 10.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.shop = shop
        self._token = token
        self.base_url = (base_url or f"https://{shop}.myshopify.com").rstrip("/")
        self.endpoint = f"{self.base_url}/admin/api/{api_version}/graphql.json"
        self.max_attempts = max_attempts
        self.backoff_s = backoff_s
        self.max_wait_s = max_wait_s
        self.timeout_s = timeout_s
        self._sleep = sleep

    @classmethod
    def from_keyring(cls, shop: str, **kwargs: Any) -> "ShopifyDiscounts":
        import keyring.errors

        try:
            token = load_token(shop)
        except keyring.errors.KeyringError as exc:
            raise ShopifyRefused(
                f"The system keychain could not be read ({type(exc).__name__}), so the Shopify "
                "token is unavailable. Unlock the keychain or set the token again in Settings."
            ) from None
        if not token:
            raise ShopifyRefused(
                f"No Shopify access token saved for {shop}. Add it in Settings → Shop "
                "(it is kept in the system keychain)."
            )
        return cls(shop, token, **kwargs)

    def __repr__(self) -> str:
        return f"ShopifyDiscounts(shop={self.shop!r}, endpoint={self.endpoint!r})"

    # -- transport -----------------------------------------------------------------------------
    async def _post(self, client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        try:
            resp = await client.post(
                self.endpoint,
                json={"query": query, "variables": variables},
                headers={"X-Shopify-Access-Token": self._token, "Content-Type": "application/json"},
            )
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise ShopifyError(f"lost the connection to Shopify ({type(exc).__name__})",
                               outcome_unknown=True) from None
        if resp.status_code in (401, 403):
            raise ShopifyRefused(
                "Shopify refused the access token. Check that the app token is current and has "
                "the write_discounts permission."
            )
        if resp.status_code == 429:
            retry_after = resp.headers.get("Retry-After")
            raise ShopifyError("Shopify is busy (too many requests); waiting before trying again",
                               wait_s=float(retry_after) if retry_after else None)
        if resp.status_code >= 500:
            raise ShopifyError(f"Shopify had a server problem (HTTP {resp.status_code})", outcome_unknown=True)
        if resp.status_code != 200:
            raise ShopifyRefused(f"Shopify answered HTTP {resp.status_code}; the coupon was not created.")
        try:
            body = resp.json()
        except ValueError:
            raise ShopifyError("Shopify sent an unreadable answer", outcome_unknown=True) from None
        errors = body.get("errors")
        if errors:
            messages = [str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors]
            if any("throttled" in m.lower() for m in messages):
                raise ShopifyError("Shopify asked us to slow down (rate limit); retrying shortly",
                                   wait_s=_throttle_wait(body))
            raise ShopifyRefused("Shopify rejected the request: " + "; ".join(messages))
        return body

    async def _lookup(self, client: httpx.AsyncClient, code: str) -> str | None:
        body = await self._post(client, LOOKUP, {"code": code})
        node = (body.get("data") or {}).get("codeDiscountNodeByCode")
        return node.get("id") if node else None

    # -- the backend API -----------------------------------------------------------------------
    async def publish(self, spec: CouponSpec, code: str, starts_at: float, ends_at: float) -> PublishOutcome:
        variables = {"basicCodeDiscount": discount_input(spec, code, starts_at, ends_at)}
        uncertain = False  # an earlier attempt may have created the code
        last_problem = ""
        async with httpx.AsyncClient(timeout=self.timeout_s) as client:
            for attempt in range(1, self.max_attempts + 1):
                try:
                    if uncertain:
                        existing = await self._lookup(client, code)
                        if existing:
                            return PublishOutcome(True, f"Code {code} is live on Shopify.", existing)
                    body = await self._post(client, CREATE, variables)
                    payload = (body.get("data") or {}).get("discountCodeBasicCreate") or {}
                    user_errors = payload.get("userErrors") or []
                    if user_errors:
                        if attempt > 1 and _is_duplicate_code(user_errors):
                            existing = await self._lookup(client, code)
                            return PublishOutcome(True, f"Code {code} is live on Shopify.", existing)
                        return PublishOutcome(False, "Shopify did not accept the coupon: " + "; ".join(
                            _describe_user_error(e) for e in user_errors))
                    node = payload.get("codeDiscountNode") or {}
                    return PublishOutcome(True, f"Code {code} is live on Shopify.", node.get("id"))
                except ShopifyRefused as exc:
                    return PublishOutcome(False, str(exc))
                except ShopifyError as exc:
                    uncertain = uncertain or exc.outcome_unknown
                    last_problem = str(exc)
                    if attempt == self.max_attempts:
                        break
                    wait = exc.wait_s if exc.wait_s is not None else self.backoff_s * 2 ** (attempt - 1)
                    wait = min(self.max_wait_s, wait) * (1 + random.random() * 0.1)
                    log.info("shopify attempt %d failed (%s); retrying in %.2fs", attempt, exc, wait)
                    await self._sleep(wait)
        return PublishOutcome(False, f"Could not create the coupon on Shopify after {self.max_attempts} "
                                     f"tries: {last_problem}. Check the internet connection and try again.")


def _is_duplicate_code(user_errors: list[dict[str, Any]]) -> bool:
    for err in user_errors:
        field = [str(f).lower() for f in (err.get("field") or [])]
        text = f"{err.get('code', '')} {err.get('message', '')}".lower()
        if "code" in field and ("unique" in text or "taken" in text):
            return True
    return False


def _describe_user_error(err: dict[str, Any]) -> str:
    field = ".".join(str(f) for f in (err.get("field") or []) if f != "basicCodeDiscount")
    message = str(err.get("message", "unknown problem"))
    return f"{field}: {message}" if field else message
