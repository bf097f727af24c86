"""Deterministic client order ids: the same (hedge, intent, sequence) always gives the same id,
so after a timeout the engine can look the order up instead of guessing, and after a restart it
can tell its own orders (and which hedge they belong to) from foreign ones.

Layout (≤ 36 chars, Binance `^[.A-Z:/a-z0-9_-]{1,36}$` and Bybit `orderLinkId` safe)::

    hb  <intent hash: 6 hex>  <sequence: 4 base36>  -  <hedge tag: 1..23 of [A-Za-z0-9_-]>
    hb3fa9c1000a-BTC

The hedge tag is the hedge name itself when the name is 1..23 characters of [A-Za-z0-9_-]
(the normal case); otherwise a sanitised prefix plus a hash of the full name. `hedge_of`
returns the tag; compare it with `hedge_tag(name)` for the configured hedges.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

__all__ = [
    "MAX_SEQUENCE",
    "ClientId",
    "hedge_of",
    "hedge_tag",
    "intent_hash",
    "is_ours",
    "make_client_id",
    "parse_client_id",
]

PREFIX = "hb"
MAX_SEQUENCE = 36**4 - 1
_TAG_MAX = 23
_PLAIN_TAG = re.compile(rf"^[A-Za-z0-9_-]{{1,{_TAG_MAX}}}$")
_LAYOUT = re.compile(rf"^{PREFIX}([0-9a-f]{{6}})([0-9a-z]{{4}})-([A-Za-z0-9_-]{{1,{_TAG_MAX}}})$")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class ClientId:
    """The parts of one of our client order ids."""

    hedge_tag: str
    intent_hash: str
    sequence: int


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def hedge_tag(hedge: str) -> str:
    """The tag that stands for hedge name `hedge` inside client ids (see module docstring)."""
    if not hedge:
        raise ValueError("hedge name must not be empty")
    if _PLAIN_TAG.match(hedge):
        return hedge
    sanitised = re.sub(r"[^A-Za-z0-9_-]", "_", hedge)[:16]
    return f"{sanitised}-{_digest(hedge, 6)}"


def intent_hash(hedge: str, intent: str) -> str:
    """6 hex chars identifying `intent` (e.g. "grow:2024-05-01T10:00:00Z:3") within `hedge`."""
    return _digest(f"{hedge}\0{intent}", 6)


def _base36(number: int, width: int) -> str:
    digits = ""
    for _ in range(width):
        number, rest = divmod(number, 36)
        digits = _DIGITS[rest] + digits
    return digits


def make_client_id(hedge: str, intent: str, sequence: int = 0) -> str:
    """The client order id for attempt/slice `sequence` (0..MAX_SEQUENCE) of `intent` on
    `hedge`. Deterministic: equal inputs give equal ids."""
    if not 0 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"sequence must be within 0..{MAX_SEQUENCE}, got {sequence}")
    return f"{PREFIX}{intent_hash(hedge, intent)}{_base36(sequence, 4)}-{hedge_tag(hedge)}"


def parse_client_id(client_id: str | None) -> ClientId | None:
    """The parts of `client_id` if hedgebot made it, else None."""
    found = _LAYOUT.match(client_id or "")
    if found is None:
        return None
    return ClientId(
        hedge_tag=found.group(3), intent_hash=found.group(1), sequence=int(found.group(2), 36)
    )


def is_ours(client_id: str | None) -> bool:
    """True when hedgebot generated `client_id` (foreign and venue-generated ids are False)."""
    return parse_client_id(client_id) is not None


def hedge_of(client_id: str | None) -> str | None:
    """The hedge tag inside one of our client ids; None for foreign ids."""
    parsed = parse_client_id(client_id)
    return parsed.hedge_tag if parsed else None
