"""parse.py against ccxt's own recorded unified outputs (`parsedResponse` in the shared
fixtures: real Binance/Bybit replies as ccxt 4.5 parsed them) plus malformed variants."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import ccxt
import pytest
from ccxt.base.decimal_to_precision import DECIMAL_PLACES, SIGNIFICANT_DIGITS, TICK_SIZE

from bot.config.shared_paths import missing_reason, shared_dir
from bot.domain.model import MarginMode, MarketKind, OrderStatus, PositionMode, Side, Wallet
from bot.exchange import parse
from bot.exchange.errors import BadResponse, NotSupported, PositionModeMismatch

FIXTURES = shared_dir() / "exchange-fixtures"


def _load(name: str) -> dict[str, Any]:
    path = FIXTURES / name
    reason = missing_reason(path, "recorded exchange fixtures")
    if reason:
        pytest.skip(reason)
    methods: dict[str, Any] = json.loads(path.read_text())["methods"]
    return methods


def _case(name: str, method: str, description: str) -> Any:
    for case in _load(name)[method]:
        if case["description"] == description:
            return copy.deepcopy(case["parsedResponse"])
    raise AssertionError(f"fixture {method}/{description} not found")


def binance(method: str, description: str) -> Any:
    return _case("binance.response.json", method, description)


def bybit(method: str, description: str) -> Any:
    return _case("bybit.response.json", method, description)


def D(value: object) -> Decimal:
    return Decimal(str(value))


# --- positions ---------------------------------------------------------------------------


def test_linear_long_position_matches_ccxt_fields() -> None:
    """A recorded Binance USDⓈ-M long parses with ccxt's numbers as exact Decimals."""
    raw = binance("fetchPositions", "Fetch linear positions with symbols")[0]
    position = parse.parse_position(raw)
    assert position.symbol == raw["symbol"]
    assert position.contracts == D(raw["info"]["positionAmt"]) > 0
    assert position.entry_price == D(raw["entryPrice"])
    assert position.mark_price == D(raw["markPrice"])
    assert position.liquidation_price == D(raw["liquidationPrice"])
    assert position.collateral == D(raw["collateral"])
    assert position.maintenance_margin == D(raw["maintenanceMargin"])
    assert position.margin_ratio == D(raw["marginRatio"])
    assert position.unrealized_pnl == D(raw["unrealizedPnl"])
    assert position.margin_mode is MarginMode.CROSS
    # v3 positionRisk carries no leverage: |notional| / positionInitialMargin (608.24 / 7.603)
    assert position.leverage == 80 and raw["leverage"] is None
    assert position.timestamp_ms == raw["timestamp"]


def test_inverse_short_position_is_negative() -> None:
    """ccxt reports `contracts` 3 + side short; the signed positionAmt -3 is what we keep."""
    raw = binance("fetchPositions", "inverse positions")[0]
    assert raw["contracts"] > 0 and raw["side"] == "short"
    position = parse.parse_position(raw)
    assert position.contracts == -D(raw["contracts"])
    assert position.contracts == D(raw["info"]["positionAmt"])
    assert position.leverage == D(raw["leverage"])


def test_account_method_position_without_prices() -> None:
    """The `account` endpoint gives no entry/mark/liquidation price: those become None."""
    raw = binance("fetchPositions", "Fetch linear positions using account endnpoint")[0]
    position = parse.parse_position(raw)
    assert position.entry_price is None and position.mark_price is None
    assert position.liquidation_price is None
    assert position.contracts == D(raw["contracts"])


def test_bybit_position_without_position_amt_uses_side() -> None:
    """Venues without a signed raw size fall back on ccxt's contracts + side."""
    raw = bybit("fetchPositions", "Fetch linear position")[0]
    position = parse.parse_position(raw)
    sign = -1 if raw["side"] == "short" else 1
    assert position.contracts == sign * D(raw["contracts"])


def test_position_amt_disagreeing_with_side_is_refused() -> None:
    """A raw signed size that contradicts ccxt's side is a response we cannot trust."""
    raw = binance("fetchPositions", "inverse positions")[0]
    raw["info"]["positionAmt"] = "3"
    with pytest.raises(BadResponse, match="positionAmt"):
        parse.parse_position(raw)


def test_parse_positions_filters_to_symbols_and_drops_flat() -> None:
    """Only requested symbols come back, and a flat row is omitted."""
    raw = binance("fetchPositions", "Fetch linear positions without symbols")[0]
    flat = copy.deepcopy(raw)
    flat["symbol"] = "ETH/USDT:USDT"
    flat["contracts"] = 0
    flat["info"]["positionAmt"] = "0"
    positions = parse.parse_positions([raw, flat], [raw["symbol"], "ETH/USDT:USDT"])
    assert list(positions) == [raw["symbol"]]
    assert parse.parse_positions([raw], ["SOL/USDT:USDT"]) == {}


def test_duplicate_position_rows_are_refused() -> None:
    """Two rows for one symbol (hedge mode or a broken reply) are refused."""
    raw = binance("fetchPositions", "Fetch linear positions with symbols")[0]
    with pytest.raises(BadResponse, match="twice"):
        parse.parse_positions([raw, copy.deepcopy(raw)], [raw["symbol"]])


def _hedge_leg(side: str, amount: str, *, liquidation: float | None = None) -> Any:
    """The recorded one-way row turned into a hedge-mode LONG or SHORT leg of `amount`."""
    raw = binance("fetchPositions", "Fetch linear positions with symbols")[0]
    signed = amount if side == "LONG" else f"-{amount}"
    raw["info"].update(positionSide=side, positionAmt=signed)
    raw.update(contracts=float(amount), side=side.lower(), hedged=True)
    if liquidation is not None:
        raw["liquidationPrice"] = liquidation
    return raw


def test_hedge_mode_short_leg_is_the_position_and_long_leg_is_reported() -> None:
    """In hedge mode the SHORT row is the hedge (its size and liquidation price); the LONG
    row's size is only reported as long_leg_contracts."""
    rows = [_hedge_leg("LONG", "0.5", liquidation=1.0), _hedge_leg("SHORT", "0.009")]
    (position,) = parse.parse_positions(rows, ["BTC/USDT:USDT"], PositionMode.HEDGE).values()
    assert position.contracts == D("-0.009")
    assert position.long_leg_contracts == D("0.5")
    assert position.liquidation_price == D(rows[1]["liquidationPrice"])


def test_hedge_mode_long_leg_is_read_for_its_size_only() -> None:
    """A cross LONG leg whose ccxt-derived collateral and margin ratio are negative (two legs
    share one liquidation price) does not void the SHORT leg's reading."""
    long_leg = _hedge_leg("LONG", "0.3", liquidation=135241.5)
    long_leg.update(collateral=-20910.13, marginRatio=-0.0037)
    rows = [long_leg, _hedge_leg("SHORT", "1")]
    position = parse.parse_positions(rows, ["BTC/USDT:USDT"], PositionMode.HEDGE)["BTC/USDT:USDT"]
    assert (position.contracts, position.long_leg_contracts) == (D("-1"), D("0.3"))
    assert position.margin_ratio == D(rows[1]["marginRatio"])


def test_hedge_mode_long_leg_alone_is_kept_with_a_flat_hedge() -> None:
    """A LONG leg with no SHORT is a flat hedge that still reports the long leg."""
    rows = [_hedge_leg("LONG", "0.5"), _hedge_leg("SHORT", "0")]
    positions = parse.parse_positions(rows, ["BTC/USDT:USDT"], PositionMode.HEDGE)
    position = positions["BTC/USDT:USDT"]
    assert position.contracts == 0 and position.is_flat
    assert position.long_leg_contracts == D("0.5")


def test_hedge_mode_isolated_long_leg_reports_its_mode_and_wallet() -> None:
    """An isolated LONG leg carries its margin mode and Binance isolatedWallet, so the risk
    guard can leave that margin out of the cross wallet (a cross one reports no wallet)."""
    long_leg = _hedge_leg("LONG", "0.5")
    long_leg["marginMode"] = "isolated"
    long_leg["info"].update(marginType="isolated", isolatedWallet="3000.5")
    rows = [long_leg, _hedge_leg("SHORT", "0")]
    (position,) = parse.parse_positions(rows, ["BTC/USDT:USDT"], PositionMode.HEDGE).values()
    assert position.long_leg_margin_mode is MarginMode.ISOLATED
    assert position.long_leg_isolated_wallet == D("3000.5")
    cross = parse.parse_positions(
        [_hedge_leg("LONG", "0.5"), _hedge_leg("SHORT", "1")], ["BTC/USDT:USDT"],
        PositionMode.HEDGE,
    )["BTC/USDT:USDT"]  # fmt: skip
    assert (cross.long_leg_margin_mode, cross.long_leg_isolated_wallet) == (MarginMode.CROSS, None)


def test_one_way_positions_have_no_long_leg() -> None:
    """One-way rows parse as before, with long_leg_contracts 0."""
    raw = binance("fetchPositions", "Fetch linear positions with symbols")[0]
    (position,) = parse.parse_positions([raw], [raw["symbol"]]).values()
    assert position.contracts == D("0.009") and position.long_leg_contracts == 0


@pytest.mark.parametrize("mode", [PositionMode.ONE_WAY, PositionMode.HEDGE])
def test_rows_of_the_other_mode_are_a_mode_mismatch(mode: PositionMode) -> None:
    """Rows of the other position mode mean the venue's mode changed: PositionModeMismatch."""
    one_way = binance("fetchPositions", "Fetch linear positions with symbols")[0]
    rows = [_hedge_leg("SHORT", "0.009") if mode is PositionMode.ONE_WAY else one_way]
    with pytest.raises(PositionModeMismatch, match="position mode changed"):
        parse.parse_positions(rows, ["BTC/USDT:USDT"], mode)


def test_short_leg_with_a_long_size_is_refused() -> None:
    """A SHORT leg whose signed size is positive is a reply we cannot trust."""
    raw = _hedge_leg("SHORT", "0.009")
    raw["info"]["positionAmt"] = "0.009"
    raw["side"] = "long"
    with pytest.raises(BadResponse, match="SHORT"):
        parse.parse_positions([raw], ["BTC/USDT:USDT"], PositionMode.HEDGE)


def test_duplicate_hedge_legs_are_refused() -> None:
    """Two SHORT rows for one symbol are a broken reply."""
    rows = [_hedge_leg("SHORT", "0.009"), _hedge_leg("SHORT", "0.009")]
    with pytest.raises(BadResponse, match="twice"):
        parse.parse_positions(rows, ["BTC/USDT:USDT"], PositionMode.HEDGE)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contracts", None, None),  # missing size with a side: treated as flat → disagrees
        ("contracts", -0.009, "negative"),
        ("contracts", float("nan"), "not finite"),
        ("markPrice", float("nan"), "markPrice"),
        ("markPrice", float("inf"), "markPrice"),
        ("entryPrice", -1.0, "negative"),
        ("liquidationPrice", "abc", "not a number"),
        ("symbol", None, "symbol"),
        ("collateral", True, "not a number"),
    ],
)
def test_malformed_position_is_bad_response(field: str, value: object, message: str) -> None:
    """Missing, negative, NaN/inf or non-numeric position fields raise BadResponse."""
    raw = binance("fetchPositions", "Fetch linear positions with symbols")[0]
    raw[field] = value
    with pytest.raises(BadResponse, match=message):
        parse.parse_position(raw)


def test_a_cross_short_at_negative_equity_is_read_not_refused() -> None:
    """At negative equity ccxt derives a negative cross collateral and marginRatio (the
    simulator's reply after the wallet was emptied): the position still parses — size, uPnL,
    the venue's liquidation price — with no margin ratio, so the risk guard can grade it."""
    raw = binance("fetchPositions", "Fetch linear positions with symbols")[0]
    raw.update(collateral=-1215.03, marginRatio=-7320000000.0, marginMode="cross")
    position = parse.parse_position(raw)
    assert position.collateral == D("-1215.03") and position.margin_ratio is None
    assert position.contracts == D(raw["info"]["positionAmt"])


def test_bad_response_names_field_and_symbol() -> None:
    """The error says which field of which symbol was wrong."""
    raw = binance("fetchPositions", "Fetch linear positions with symbols")[0]
    raw["markPrice"] = float("nan")
    with pytest.raises(BadResponse) as caught:
        parse.parse_position(raw)
    assert "markPrice" in str(caught.value) and raw["symbol"] in str(caught.value)


# --- balances ----------------------------------------------------------------------------


def test_spot_balance_per_asset() -> None:
    """Every asset of the recorded spot balance parses with free/used/total."""
    raw = binance("fetchBalance", "Spot balance")
    balances = parse.parse_balances(raw, Wallet.SPOT)
    assert set(balances) == set(raw["total"])
    for asset, balance in balances.items():
        assert balance.free == D(raw[asset]["free"])
        assert balance.used == D(raw[asset]["used"])
        assert balance.total == D(raw[asset]["total"])


def test_futures_balance() -> None:
    """The recorded USDⓈ-M wallet parses; its USDT total matches ccxt's."""
    raw = binance("fetchBalance", "Linear swap balance")
    balances = parse.parse_balances(raw, Wallet.FUTURES)
    assert balances["USDT"].total == D(raw["USDT"]["total"])
    assert balances["USDT"].free == D(raw["USDT"]["free"])


def test_totals_only_balance_derives_free() -> None:
    """Replies with totals only (portfolio margin) get free = total, used = 0."""
    raw = binance("fetchBalance", "fetch papi balance")
    balances = parse.parse_balances(raw, Wallet.SPOT)
    assert balances["USDT"].free == balances["USDT"].total == D(raw["total"]["USDT"])
    assert balances["USDT"].used == 0


def test_negative_spot_balance_is_refused_but_futures_may_be_negative() -> None:
    """Spot cannot go below zero; a futures wallet can (losses beyond the wallet)."""
    spot = binance("fetchBalance", "Spot balance")
    spot["LTC"]["free"] = -1
    with pytest.raises(BadResponse, match="negative"):
        parse.parse_balances(spot, Wallet.SPOT)
    futures = binance("fetchBalance", "Linear swap balance")
    futures["USDT"] = {"free": -5.0, "used": 0.0, "total": -5.0}
    assert parse.parse_balances(futures, Wallet.FUTURES)["USDT"].total == -5


def test_balance_without_totals_is_refused() -> None:
    """A balance reply missing its totals map is a BadResponse."""
    with pytest.raises(BadResponse, match="total"):
        parse.parse_balances({"info": {}}, Wallet.SPOT)


# --- orders and fills --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "description", "index"),
    [
        ("fetchOrder", "Fetch spot closed order", None),
        ("fetchOpenOrder", "swap open order", None),
        ("fetchOpenOrders", "Fetch spot open orders", 0),
        ("createOrder", "spot +selfTradePrevention +iceberg", None),
        ("createOrders", "create swap orders", 0),
    ],
)
def test_orders_match_ccxt(method: str, description: str, index: int | None) -> None:
    """Recorded orders parse with ccxt's id, client id, side, sizes, status and flags."""
    raw = binance(method, description)
    raw = raw if index is None else raw[index]
    order = parse.parse_order(raw)
    assert order.id == raw["id"]
    assert order.client_id == raw["clientOrderId"]
    assert order.side is Side(raw["side"])
    assert order.amount == D(raw["amount"])
    assert order.filled == D(raw["filled"])
    assert order.status is OrderStatus(raw["status"])
    assert order.post_only is bool(raw["postOnly"])
    assert order.reduce_only is bool(raw["reduceOnly"])
    assert order.price == (D(raw["price"]) if raw["price"] else None)


@pytest.mark.parametrize(
    ("side", "leg", "closes"),
    [
        ("buy", "SHORT", True),
        ("sell", "LONG", True),
        ("sell", "SHORT", False),
        ("buy", "BOTH", False),
    ],
)
def test_hedge_mode_closing_orders_read_as_reduce_only(side: str, leg: str, closes: bool) -> None:
    """Hedge-mode orders carry no reduceOnly flag; a BUY on the SHORT leg can only close it,
    so it reads as reduce-only (the planner then keeps it instead of replacing it)."""
    raw = binance("fetchOpenOrder", "swap open order")
    raw.update(side=side, reduceOnly=False)
    raw["info"]["positionSide"] = leg
    assert parse.parse_order(raw).reduce_only is closes


def test_gtx_futures_order_is_post_only() -> None:
    """A futures GTX order (ccxt timeInForce 'PO') is post-only."""
    order = parse.parse_order(binance("fetchOpenOrder", "swap open order"))
    assert order.post_only and order.status is OrderStatus.OPEN


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("status", "weird", "status"),
        ("status", None, "status"),
        ("amount", None, "missing"),
        ("amount", -0.2, "negative"),
        ("price", float("nan"), "not finite"),
        ("filled", 5.0, "exceeds"),
        ("side", "long", "side"),
        ("id", None, "id"),
    ],
)
def test_malformed_order_is_bad_response(field: str, value: object, message: str) -> None:
    """Orders with unknown status, missing/negative/NaN sizes or bad side are refused."""
    raw = binance("fetchOpenOrder", "swap open order")
    raw[field] = value
    with pytest.raises(BadResponse, match=message):
        parse.parse_order(raw)


@pytest.mark.parametrize("description", ["Spot private trade", "Swap private trade"])
def test_fills_match_ccxt(description: str) -> None:
    """Recorded trades parse with price, amount, fee and maker flag."""
    raw = binance("fetchMyTrades", description)[0]
    fill = parse.parse_fill(raw)
    assert (fill.id, fill.order_id, fill.symbol) == (raw["id"], raw["order"], raw["symbol"])
    assert fill.amount == D(raw["amount"]) and fill.price == D(raw["price"])
    assert fill.fee == D(raw["fee"]["cost"]) and fill.fee_asset == raw["fee"]["currency"]
    assert fill.maker is (raw["takerOrMaker"] == "maker")
    assert fill.timestamp_ms == raw["timestamp"]


@pytest.mark.parametrize(("field", "value"), [("price", 0), ("amount", -1), ("timestamp", None)])
def test_malformed_fill_is_bad_response(field: str, value: object) -> None:
    """A fill with zero price, negative amount or no timestamp is refused."""
    raw = binance("fetchMyTrades", "Swap private trade")[0]
    raw[field] = value
    with pytest.raises(BadResponse, match=field):
        parse.parse_fill(raw)


# --- market data -------------------------------------------------------------------------


def test_quote_from_swap_book_and_funding() -> None:
    """Top of a recorded swap book plus mark/index from a recorded funding rate."""
    book = binance("fetchOrderBook", "swap orderbook")
    funding = bybit("fetchFundingRate", _first_description("fetchFundingRate"))
    quote = parse.parse_quote(book["symbol"], book, now_ms=1, funding=funding)
    assert quote.bid == D(book["bids"][0][0]) and quote.ask == D(book["asks"][0][0])
    assert quote.mark == D(funding["markPrice"]) and quote.index == D(funding["indexPrice"])
    assert quote.timestamp_ms == book["timestamp"]


def test_spot_book_without_timestamp_uses_now() -> None:
    """Spot depth has no timestamp: the caller's clock is used, and no mark is invented."""
    book = binance("fetchOrderBook", "spot orderbook")
    quote = parse.parse_quote(book["symbol"], book, now_ms=1234)
    assert quote.timestamp_ms == 1234 and quote.mark is None


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b.update(bids=[]), "empty"),
        (lambda b: b.update(asks=None), "empty"),
        (lambda b: b["bids"][0].__setitem__(0, float("nan")), "not finite"),
        (lambda b: b["asks"][0].__setitem__(0, -1), "negative"),
        (lambda b: b["bids"][0].__setitem__(0, 1e9), "crossed"),
    ],
)
def test_malformed_book_is_bad_response(mutate: Any, message: str) -> None:
    """Empty, NaN, negative or crossed books are refused."""
    book = binance("fetchOrderBook", "swap orderbook")
    mutate(book)
    with pytest.raises(BadResponse, match=message):
        parse.parse_quote(book["symbol"], book, now_ms=1)


def _first_description(method: str) -> str:
    return str(_load("bybit.response.json")[method][0]["description"])


def test_funding_rate() -> None:
    """A recorded funding rate parses: signed rate, next funding time, interval hours."""
    raw = bybit("fetchFundingRate", _first_description("fetchFundingRate"))
    info = parse.parse_funding_rate(raw)
    assert info.rate == D(raw["fundingRate"])
    assert info.next_funding_ms == raw["fundingTimestamp"]
    assert info.interval_hours == int(raw["interval"].rstrip("h"))


def test_funding_payment_keeps_sign() -> None:
    """A recorded funding fee we paid stays negative."""
    raw = binance("fetchFundingHistory", "fetch portfolio margin funding history")[0]
    payment = parse.parse_funding_payment(raw)
    assert payment.amount == D(raw["amount"]) < 0
    assert (payment.asset, payment.timestamp_ms) == (raw["code"], raw["timestamp"])


# --- markets (driven through ccxt's own Binance parser) ----------------------------------


def _exchange_info_row(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "symbol": "BTCUSDT",
        "pair": "BTCUSDT",
        "contractType": "PERPETUAL",
        "status": "TRADING",
        "baseAsset": "BTC",
        "quoteAsset": "USDT",
        "marginAsset": "USDT",
        "pricePrecision": 2,
        "quantityPrecision": 3,
        "orderTypes": ["LIMIT", "MARKET"],
        "filters": [
            {"filterType": "PRICE_FILTER", "tickSize": "0.10", "minPrice": "556.80"},
            {"filterType": "LOT_SIZE", "stepSize": "0.001", "minQty": "0.001", "maxQty": "1000"},
            {"filterType": "MIN_NOTIONAL", "notional": "100"},
        ],
    }
    row.update(overrides)
    return row


def _ccxt_market(row: dict[str, Any]) -> dict[str, Any]:
    client = ccxt.binance()  # the sync class: same parser, no session to close
    client.options.update(crossMarginPairsData=[], isolatedMarginPairsData=[])
    market: dict[str, Any] = client.parse_market(row)
    return market


def test_linear_market_from_ccxt_parser() -> None:
    """A Binance perpetual parsed by ccxt gives step, tick, min qty and min notional."""
    market = parse.parse_market(_ccxt_market(_exchange_info_row()), precision_mode=TICK_SIZE)
    assert market is not None
    assert (market.symbol, market.exchange_symbol) == ("BTC/USDT:USDT", "BTCUSDT")
    assert market.kind is MarketKind.LINEAR and market.settle == "USDT"
    assert market.amount_step == Decimal("0.001") and market.price_tick == Decimal("0.1")
    assert market.min_amount == Decimal("0.001") and market.min_notional == Decimal("100")
    assert market.contract_size == 1


def test_spot_market_has_unit_contract_size() -> None:
    """A spot listing is MarketKind.SPOT with contract size 1."""
    row = _exchange_info_row(symbol="ETHUSDT", baseAsset="ETH")
    for key in ("contractType", "marginAsset"):
        row.pop(key)
    market = parse.parse_market(_ccxt_market(row), precision_mode=TICK_SIZE)
    assert market is not None and market.kind is MarketKind.SPOT
    assert market.contract_size == 1 and market.settle is None


def test_decimal_places_precision_becomes_a_step() -> None:
    """In DECIMAL_PLACES mode precision 3 means a step of 0.001."""
    raw = _ccxt_market(_exchange_info_row())
    raw["precision"] = {"amount": 3, "price": 1}
    market = parse.parse_market(raw, precision_mode=DECIMAL_PLACES)
    assert market is not None
    assert market.amount_step == Decimal("0.001") and market.price_tick == Decimal("0.1")


def test_significant_digits_mode_is_not_supported() -> None:
    """A step cannot be derived from significant digits: NotSupported, not a guess."""
    with pytest.raises(NotSupported):
        parse.parse_market(_ccxt_market(_exchange_info_row()), precision_mode=SIGNIFICANT_DIGITS)


def test_parse_markets_skips_bad_and_inactive_listings() -> None:
    """One broken listing is reported, inactive ones dropped, the rest kept."""
    good = _ccxt_market(_exchange_info_row())
    broken = copy.deepcopy(good)
    broken.update(symbol="ETH/USDT:USDT", precision={"amount": None, "price": 0.1})
    halted = _ccxt_market(_exchange_info_row(symbol="SOLUSDT", baseAsset="SOL", status="BREAK"))
    markets, rejected = parse.parse_markets([good, broken, halted], precision_mode=TICK_SIZE)
    assert list(markets) == ["BTC/USDT:USDT"]
    assert rejected == ("ETH/USDT:USDT",)
