"""The Bybit gateway through real `ccxt.async_support.bybit` over HTTP (a canned v5 stub):
positions never read as zero, post-only cancels, orderLinkId lookups, leverage, margin mode,
funding, permissions and the unified wallet."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from bot.domain.model import MarginMode, OrderStatus, Side, Wallet
from bot.exchange.bybit_gateway import BybitExchange
from bot.exchange.errors import (
    BadResponse,
    InsufficientFunds,
    NotSupported,
    PostOnlyWouldTake,
    ReduceOnlyRejected,
)
from bot.exchange.port import OrderRequest

from .bybit_stub import BybitStub, bybit_stub, ok, order_row, position_row, refused, stub_gateway

PERP = "BTC/USDT:USDT"


@pytest.fixture
async def stub() -> AsyncIterator[BybitStub]:
    async with bybit_stub() as running:
        yield running


@pytest.fixture
async def gw(stub: BybitStub) -> AsyncIterator[BybitExchange]:
    gateway = stub_gateway(stub)
    yield gateway
    await gateway.close()


def _positions(*rows: dict[str, object]) -> dict[str, object]:
    return ok({"category": "linear", "list": list(rows), "nextPageCursor": ""})


def _sell(client_id: str = "hb000000000a-BTC") -> OrderRequest:
    return OrderRequest(PERP, Side.SELL, Decimal(1), Decimal(60000), client_id)


async def test_short_position_is_read_with_bybit_liquidation_and_margin(
    stub: BybitStub, gw: BybitExchange
) -> None:
    """A Sell row is a signed short with Bybit's own liqPrice and position margins."""
    stub.replies["/v5/position/list"] = _positions(position_row("1.5", "Sell"))
    position = (await gw.fetch_positions([PERP]))[PERP]
    assert position.contracts == Decimal("-1.5")
    assert position.liquidation_price == Decimal(79000)
    assert position.maintenance_margin == Decimal(300)
    assert position.leverage == Decimal(3)


async def test_a_missing_position_row_is_an_error_not_flat(
    stub: BybitStub, gw: BybitExchange
) -> None:
    """A reply without the symbol's row is refused: never read as a zero position."""
    stub.replies["/v5/position/list"] = _positions()
    with pytest.raises(BadResponse, match="no row"):
        await gw.fetch_positions([PERP])


async def test_an_unreadable_size_is_an_error_not_flat(stub: BybitStub, gw: BybitExchange) -> None:
    """A row whose size is empty is refused, not taken for size 0."""
    stub.replies["/v5/position/list"] = _positions(position_row("", "Sell"))
    with pytest.raises(BadResponse):
        await gw.fetch_positions([PERP])


async def test_an_explicit_flat_row_is_flat(stub: BybitStub, gw: BybitExchange) -> None:
    """Only the venue's own size 0 (side "") reads as flat."""
    stub.replies["/v5/position/list"] = _positions(position_row("0", ""))
    assert await gw.fetch_positions([PERP]) == {}


async def test_post_only_cancelled_by_the_venue_is_post_only_would_take(
    stub: BybitStub, gw: BybitExchange
) -> None:
    """Bybit accepts, then cancels a post-only that would take: PostOnlyWouldTake, no fill."""
    stub.replies["/v5/order/create"] = ok({"orderId": "oid-1", "orderLinkId": "hb000000000a-BTC"})
    stub.replies["/v5/order/realtime"] = ok(
        {"list": [order_row("Cancelled", reject="EC_PostOnlyWillTakeLiquidity")]}
    )
    with pytest.raises(PostOnlyWouldTake):
        await gw.place_order(_sell())
    sent = dict(stub.calls)["/v5/order/create"]
    assert sent["timeInForce"] == "PostOnly" and sent["orderLinkId"] == "hb000000000a-BTC"


async def test_a_resting_post_only_is_placed_open(stub: BybitStub, gw: BybitExchange) -> None:
    """An acknowledged post-only that rests comes back open, unfilled, with our client id."""
    stub.replies["/v5/order/create"] = ok({"orderId": "oid-1", "orderLinkId": "hb000000000a-BTC"})
    stub.replies["/v5/order/realtime"] = ok({"list": [order_row("New")]})
    order = await gw.place_order(_sell())
    assert order.status is OrderStatus.OPEN
    assert order.client_id == "hb000000000a-BTC" and order.filled == 0


async def test_lookup_by_order_link_id_falls_back_to_history(
    stub: BybitStub, gw: BybitExchange
) -> None:
    """After an ambiguous outcome the order is found by orderLinkId in the order history."""
    stub.replies["/v5/order/realtime"] = ok({"list": []})
    stub.replies["/v5/order/history"] = ok({"list": [order_row("Filled", filled="1")]})
    found = await gw.fetch_order(PERP, client_id="hb000000000a-BTC")
    assert found is not None and found.status is OrderStatus.CLOSED and found.filled == 1
    assert dict(stub.calls)["/v5/order/history"]["orderLinkId"] == "hb000000000a-BTC"


async def test_lookup_of_an_unknown_client_id_is_none(stub: BybitStub, gw: BybitExchange) -> None:
    """A client id the venue never booked is None (the engine may then place again)."""
    stub.replies["/v5/order/realtime"] = ok({"list": []})
    stub.replies["/v5/order/history"] = ok({"list": []})
    assert await gw.fetch_order(PERP, client_id="hb000000000a-BTC") is None


@pytest.mark.parametrize(
    ("code", "error"), [(110017, ReduceOnlyRejected), (110007, InsufficientFunds)]
)
async def test_order_refusals_keep_their_meaning(
    stub: BybitStub, gw: BybitExchange, code: int, error: type[Exception]
) -> None:
    """Bybit's reduce-only and balance refusals reach the engine as those errors."""
    stub.replies["/v5/order/create"] = refused(code, "refused")
    with pytest.raises(error):
        await gw.place_order(_sell())


async def test_leverage_not_modified_is_success(stub: BybitStub, gw: BybitExchange) -> None:
    """110043 "leverage not modified" is the wanted state, not an error."""
    stub.replies["/v5/position/set-leverage"] = refused(110043, "leverage not modified")
    await gw.set_leverage(PERP, 3)
    assert stub.paths().count("/v5/position/set-leverage") == 1


async def test_margin_mode_is_set_once_per_account(stub: BybitStub, gw: BybitExchange) -> None:
    """The account's margin mode is sent once; another mode on the same account is refused."""
    stub.replies["/v5/account/set-margin-mode"] = ok({"reasons": []})
    await gw.set_margin_mode(PERP, MarginMode.CROSS)
    await gw.set_margin_mode(PERP, MarginMode.CROSS)
    assert stub.paths().count("/v5/account/set-margin-mode") == 1
    assert dict(stub.calls)["/v5/account/set-margin-mode"]["setMarginMode"] == "REGULAR_MARGIN"
    with pytest.raises(NotSupported, match="per account"):
        await gw.set_margin_mode(PERP, MarginMode.ISOLATED)


async def test_funding_paid_by_execfee_is_journaled_as_negative(
    stub: BybitStub, gw: BybitExchange
) -> None:
    """execFee > 0 is funding paid: the payment is negative, in the settle coin."""
    row = {"symbol": "BTCUSDT", "execType": "Funding", "execFee": "1.25", "execId": "e1",
           "execTime": "1700000000000", "feeRate": "0.0001", "execQty": "1", "side": "Sell",
           "execPrice": "60000", "orderId": "f1", "feeCurrency": ""}  # fmt: skip
    stub.replies["/v5/execution/list"] = ok({"list": [row], "category": "linear"})
    (payment,) = await gw.fetch_funding_payments(PERP)
    assert payment.amount == Decimal("-1.25") and payment.asset == "USDT"


async def test_withdrawal_permission_is_reported(stub: BybitStub, gw: BybitExchange) -> None:
    """A key whose Wallet permissions list Withdraw can withdraw (so start-up refuses it)."""
    stub.replies["/v5/user/query-api"] = ok(
        {"readOnly": 0, "uta": 1, "unified": 0,
         "permissions": {"Wallet": ["AccountTransfer", "Withdraw"], "ContractTrade": ["Order"]}}
    )  # fmt: skip
    restrictions = await gw.fetch_api_restrictions()
    assert restrictions.can_withdraw is True and restrictions.can_trade_futures is True


async def test_a_classic_account_is_refused(stub: BybitStub, gw: BybitExchange) -> None:
    """An account that is not unified is refused with what to do."""
    stub.replies["/v5/user/query-api"] = ok({"readOnly": 0, "uta": 0, "unified": 0,
                                             "permissions": {}})  # fmt: skip
    with pytest.raises(NotSupported, match="unified"):
        await gw.fetch_api_restrictions()


async def test_unified_wallet_is_both_spot_and_margin(stub: BybitStub, gw: BybitExchange) -> None:
    """One wallet: BTC held as spot, USDT equity and position margin as the futures wallet;
    nothing can be transferred between them."""
    coins = [
        {"coin": "BTC", "walletBalance": "2", "equity": "2", "locked": "0",
         "totalPositionIM": "0", "totalOrderIM": "0", "unrealisedPnl": "0"},
        {"coin": "USDT", "walletBalance": "50000", "equity": "49900", "locked": "0",
         "totalPositionIM": "20000", "totalOrderIM": "100", "unrealisedPnl": "-100"},
    ]  # fmt: skip
    stub.replies["/v5/account/wallet-balance"] = ok(
        {"list": [{"accountType": "UNIFIED", "coin": coins}]}
    )
    spot = await gw.fetch_balances(Wallet.SPOT)
    futures = await gw.fetch_balances(Wallet.FUTURES)
    assert spot["BTC"].total == 2
    assert futures["USDT"].total == Decimal(49900) and futures["USDT"].free == Decimal(29800)
    assert (await gw.market(PERP)).unified_margin
    with pytest.raises(NotSupported, match="nothing to"):
        await gw.transfer("USDT", Decimal(1), Wallet.SPOT, Wallet.FUTURES)
