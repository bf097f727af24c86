"""The gateway on COIN-M (inverse) contracts against the simulator, through real ccxt: the
COIN-M wallet in coin, inverse positions in contracts, MAIN_CMFUTURE transfers and isolated
margin added in fractions of a coin. Amounts are BTC; positions signed contracts of 100 USD."""

from __future__ import annotations

from decimal import Decimal

from bot.domain.model import MarginMode, MarketKind, Side, Wallet
from bot.exchange.client_ids import make_client_id
from bot.exchange.port import OrderRequest

from .simulated import Sim, gateway

INVERSE = "BTC/USD:BTC"
COINM_FUNDS = {"spot": {"BTC": "4", "USDT": "0"}, "coinm": {"BTC": "1"}}


async def _short(sim: Sim, key: str, contracts: str) -> None:
    """Open a short of `contracts` on BTCUSD_PERP by selling into the still book (IOC)."""
    gw = gateway(sim, key)
    try:
        await gw.set_margin_mode(INVERSE, MarginMode.ISOLATED)
        await gw.set_leverage(INVERSE, 2)
        quote = await gw.fetch_quote(INVERSE)
        request = OrderRequest(
            symbol=INVERSE,
            side=Side.SELL,
            amount=Decimal(contracts),
            price=quote.bid,
            client_id=make_client_id("BTC", "coinm-open"),
            post_only=False,
            immediate_or_cancel=True,
        )
        await gw.place_order(request)
    finally:
        await gw.close()


async def test_inverse_market_and_coinm_wallet_are_read_in_coin(sim: Sim) -> None:
    """BTC/USD:BTC loads as an inverse market of 100 USD contracts, and the COIN-M wallet
    reads 1 BTC beside the 4 BTC spot."""
    await sim.post("/sim/price", {"symbol": "BTCUSDT", "price": "60000"})
    key = await sim.account(balances=COINM_FUNDS)
    gw = gateway(sim, key)
    try:
        market = await gw.market(INVERSE)
        coinm = await gw.fetch_balances(Wallet.COINM)
        spot = await gw.fetch_balances(Wallet.SPOT)
    finally:
        await gw.close()
    assert market.kind is MarketKind.INVERSE and market.contract_size == 100
    assert market.settle == "BTC" and market.amount_step == 1
    assert coinm["BTC"].total == 1 and spot["BTC"].total == 4


async def test_inverse_short_transfer_and_coin_margin(sim: Sim) -> None:
    """A 200-contract short reads as −200 with its margin in BTC; 0.5 BTC moves spot →
    COIN-M (MAIN_CMFUTURE) and 0.1234 BTC is added as isolated margin, not rounded to 0."""
    await sim.post("/sim/price", {"symbol": "BTCUSDT", "price": "60000"})
    key = await sim.account(balances=COINM_FUNDS)
    await _short(sim, key, "200")
    gw = gateway(sim, key)
    try:
        before = (await gw.fetch_positions([INVERSE]))[INVERSE]
        await gw.transfer("BTC", Decimal("0.5"), Wallet.SPOT, Wallet.COINM)
        await gw.add_margin(INVERSE, Decimal("0.1234"))
        after = (await gw.fetch_positions([INVERSE]))[INVERSE]
        spot = await gw.fetch_balances(Wallet.SPOT)
    finally:
        await gw.close()
    assert before.contracts == -200 and before.margin_mode is MarginMode.ISOLATED
    assert before.collateral is not None and before.collateral < Decimal("0.2")  # ≈ 0.167 BTC at 2x
    assert after.collateral is not None
    assert after.collateral - before.collateral == Decimal("0.1234")
    assert spot["BTC"].total == Decimal("3.5")
    assert before.liquidation_price is not None and before.liquidation_price > 60_000


async def test_coin_brackets_and_funding_in_coin(sim: Sim) -> None:
    """COIN-M brackets come from /dapi with their floors in BTC (the first 0–5 BTC at 0.4 %),
    and a funding settlement on the short is paid in BTC."""
    await sim.post("/sim/price", {"symbol": "BTCUSDT", "price": "60000"})
    key = await sim.account(balances=COINM_FUNDS)
    await _short(sim, key, "200")
    await sim.post("/sim/funding", {"symbol": "BTCUSD_PERP", "rate": "0.0001"})
    gw = gateway(sim, key)
    try:
        brackets = await gw.fetch_margin_brackets(INVERSE)
        (payment,) = await gw.fetch_funding_payments(INVERSE)
    finally:
        await gw.close()
    first = brackets[0]
    assert (first.notional_floor, first.notional_cap) == (0, 5)
    assert first.maint_margin_ratio == Decimal("0.004")
    # 200 × 100 USD / 60,000 × 0.01 % received by the short, in BTC
    assert payment.asset == "BTC"
    assert abs(payment.amount - Decimal("0.00003333")) <= Decimal("0.00000001")
