"""bybit_parse against ccxt's recorded Bybit replies (`../shared/exchange-fixtures`) and
Bybit-shaped variants: unified balances, positions never read as zero, funding signs,
post-only cancels, risk-limit brackets, key permissions."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest

from bot.config.shared_paths import missing_reason, shared_dir
from bot.domain.model import Wallet
from bot.exchange import bybit_parse
from bot.exchange.errors import BadResponse, NotSupported

PERP = "BTC/USDT:USDT"
FIXTURE = shared_dir() / "exchange-fixtures" / "bybit.response.json"


def recorded(method: str, index: int = 0) -> Any:
    """ccxt's parsedResponse (with the raw reply in `info`) of one recorded Bybit call."""
    reason = missing_reason(FIXTURE, "recorded exchange fixtures")
    if reason:
        pytest.skip(reason)
    return copy.deepcopy(
        json.loads(FIXTURE.read_text())["methods"][method][index]["parsedResponse"]
    )


def test_recorded_unified_wallet_reads_as_spot_holdings() -> None:
    """The recorded UTA wallet: each coin's spot holding is its walletBalance."""
    balances = bybit_parse.parse_unified_balances(recorded("fetchBalance"), Wallet.SPOT)
    assert balances["BTC"].total == Decimal("0.85581394")
    assert balances["XRP"].total == Decimal("40.05245888")


def test_recorded_unified_wallet_reads_as_margin_with_equity_and_im() -> None:
    """As margin a coin is its equity (wallet + uPnL) with position and order IM used."""
    balances = bybit_parse.parse_unified_balances(recorded("fetchBalance"), Wallet.FUTURES)
    usdc = balances["USDC"]
    assert usdc.total == Decimal("5848.53933918")
    assert usdc.used == Decimal("3.18541012") and usdc.free == usdc.total - usdc.used


def test_a_wallet_that_is_not_unified_is_refused() -> None:
    """A CONTRACT (classic) wallet reply says the account must be unified."""
    raw = recorded("fetchBalance")
    raw["info"]["result"]["list"][0]["accountType"] = "CONTRACT"
    with pytest.raises(NotSupported, match="unified trading account"):
        bybit_parse.parse_unified_balances(raw, Wallet.SPOT)


def test_recorded_long_position_keeps_its_size() -> None:
    """The recorded LTC long (size 1.2, side Buy) parses as +1.2 contracts."""
    raws = recorded("fetchPositions")
    position = bybit_parse.parse_position_rows(raws, "LTC/USDT:USDT")
    assert position.contracts == Decimal("1.2") and position.leverage == 6


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"size": ""}, BadResponse),
        ({"size": "abc"}, BadResponse),
        ({"side": ""}, BadResponse),
        ({"positionIdx": "2"}, NotSupported),
    ],
)
def test_a_bent_position_row_is_an_error_not_zero(change: dict[str, str], error: type) -> None:
    """A row whose size or side cannot be trusted, or a hedge-mode row, is refused."""
    raws = recorded("fetchPositions")
    raws[0]["info"].update(change)
    with pytest.raises(error):
        bybit_parse.parse_position_rows(raws, "LTC/USDT:USDT")


def test_a_position_ccxt_reads_differently_from_the_venue_is_refused() -> None:
    """ccxt's contracts disagreeing with the venue's own size is refused."""
    raws = recorded("fetchPositions")
    raws[0]["contracts"] = 0
    with pytest.raises(BadResponse, match="disagrees"):
        bybit_parse.parse_position_rows(raws, "LTC/USDT:USDT")


def test_recorded_funding_received_is_positive() -> None:
    """The recorded execFee -0.00708126 was received: +0.00708126 USDT."""
    rows = recorded("fetchFundingHistory")
    received = next(r for r in rows if r["info"]["execFee"].startswith("-"))
    payment = bybit_parse.parse_funding_payment(received, "USDT")
    assert payment.amount == -Decimal(received["info"]["execFee"]) > 0
    assert payment.asset == "USDT"


def test_only_a_venue_cancelled_post_only_counts_as_would_take() -> None:
    """Cancelled + EC_PostOnlyWillTakeLiquidity, nothing filled, is a post-only cancel; a
    recorded filled order or a partly filled cancel is not."""
    order = recorded("fetchClosedOrder", 1)
    assert not bybit_parse.is_post_only_cancel(order)
    order["info"].update(orderStatus="Cancelled", rejectReason="EC_PostOnlyWillTakeLiquidity",
                         cumExecQty="0")  # fmt: skip
    assert bybit_parse.is_post_only_cancel(order)
    order["info"]["cumExecQty"] = "0.05"
    assert not bybit_parse.is_post_only_cancel(order)


def _tier(floor: str, cap: str, rate: str, deduction: str | None) -> dict[str, Any]:
    info = {"riskLimitValue": cap, "maintenanceMargin": rate}
    if deduction is not None:
        info["mmDeduction"] = deduction
    return {"minNotional": floor, "maxNotional": cap, "maintenanceMarginRate": rate,
            "maxLeverage": "100.00", "info": info}  # fmt: skip


def test_brackets_take_bybit_mm_deduction_or_derive_it() -> None:
    """cum is Bybit's mmDeduction; when absent it is the running floor × Δrate."""
    low, high = ("0", "2000000", "0.005"), ("2000000", "4000000", "0.01")
    given = bybit_parse.parse_brackets(PERP, [_tier(*low, "0"), _tier(*high, "10000")])
    derived = bybit_parse.parse_brackets(PERP, [_tier(*high, None), _tier(*low, None)])
    assert [b.cum for b in given] == [0, 10000] == [b.cum for b in derived]
    assert given[1].max_leverage == 100


def test_key_permissions() -> None:
    """Withdraw in Wallet permissions can withdraw; a read-only key may not trade futures."""
    reply = {"result": {"readOnly": 1, "permissions": {"Wallet": ["AccountTransfer"],
                                                       "ContractTrade": ["Order"]}}}  # fmt: skip
    restrictions = bybit_parse.parse_api_restrictions(reply)
    assert restrictions.can_withdraw is False and restrictions.can_trade_futures is False
    assert bybit_parse.parse_api_restrictions({"result": {}}).can_withdraw is None
