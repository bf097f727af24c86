"""client_ids.py: deterministic, venue-safe, parseable client order ids."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.exchange.client_ids import (
    MAX_SEQUENCE,
    hedge_of,
    hedge_tag,
    intent_hash,
    is_ours,
    make_client_id,
    parse_client_id,
)

BINANCE = re.compile(r"^[.A-Z:/a-z0-9_-]{1,36}$")
BYBIT = re.compile(r"^[A-Za-z0-9_-]{1,36}$")

hedges = st.text(min_size=1, max_size=60)
plain_hedges = st.from_regex(r"[A-Za-z0-9_-]{1,23}", fullmatch=True)
intents = st.text(max_size=200)
sequences = st.integers(min_value=0, max_value=MAX_SEQUENCE)


@given(hedges, intents, sequences)
def test_ids_fit_binance_and_bybit(hedge: str, intent: str, sequence: int) -> None:
    """Any hedge name and intent give an id within both venues' charset and 36 chars."""
    client_id = make_client_id(hedge, intent, sequence)
    assert BINANCE.match(client_id) and BYBIT.match(client_id)


@given(hedges, intents, sequences)
def test_round_trip(hedge: str, intent: str, sequence: int) -> None:
    """An id parses back into the hedge's tag, the intent hash and the sequence."""
    parsed = parse_client_id(make_client_id(hedge, intent, sequence))
    assert parsed is not None
    assert parsed.hedge_tag == hedge_tag(hedge)
    assert parsed.intent_hash == intent_hash(hedge, intent)
    assert parsed.sequence == sequence


@given(plain_hedges, intents)
def test_plain_hedge_names_are_their_own_tag(hedge: str, intent: str) -> None:
    """Ordinary names ('BTC', 'eth_main') come back verbatim from hedge_of."""
    assert hedge_of(make_client_id(hedge, intent)) == hedge


@given(hedges, intents, sequences)
def test_deterministic(hedge: str, intent: str, sequence: int) -> None:
    """Equal inputs always give the same id (so a lost reply can be looked up)."""
    assert make_client_id(hedge, intent, sequence) == make_client_id(hedge, intent, sequence)


@given(hedges, intents, intents)
def test_different_intents_differ(hedge: str, first: str, second: str) -> None:
    """Two intents of one hedge get different ids (up to a 24-bit hash collision)."""
    if intent_hash(hedge, first) != intent_hash(hedge, second):
        assert make_client_id(hedge, first) != make_client_id(hedge, second)


def test_sequences_differ() -> None:
    """Retry slices of one intent have distinct ids."""
    ids = {make_client_id("BTC", "grow:1", n) for n in range(50)}
    assert len(ids) == 50


@pytest.mark.parametrize(
    "foreign",
    [
        None,
        "",
        "x-cvBPrNm9a1b2c3d4e5f6a7b8c9d0e1f2",  # ccxt's broker-prefixed default
        "web_abc123",
        "hb-BTC",
        "hbXYZ1230000-BTC",  # upper-case hex is not ours
        "hb3fa9c1000a-" + "x" * 24,  # tag too long
    ],
)
def test_foreign_ids_are_not_ours(foreign: str | None) -> None:
    """Venue-generated, manual and malformed ids are recognised as foreign."""
    assert not is_ours(foreign)
    assert hedge_of(foreign) is None


def test_unusual_hedge_names_get_distinct_safe_tags() -> None:
    """Names with spaces or non-ASCII map to distinct tags that still fit the charset."""
    tags = {hedge_tag(name) for name in ("my hedge", "my_hedge", "ëth", "a" * 40, "a" * 41)}
    assert len(tags) == 5
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{1,23}", tag) for tag in tags)


@pytest.mark.parametrize("sequence", [-1, MAX_SEQUENCE + 1])
def test_sequence_out_of_range_is_refused(sequence: int) -> None:
    """Sequences outside the 4-digit base36 field are a ValueError, never a long id."""
    with pytest.raises(ValueError, match="sequence"):
        make_client_id("BTC", "grow", sequence)


def test_empty_hedge_name_is_refused() -> None:
    """An empty hedge name cannot be tagged."""
    with pytest.raises(ValueError, match="hedge"):
        make_client_id("", "grow")
