"""The risk guard on COIN-M (inverse) shorts: graded by the COIN-M liquidation price, topped
up in the coin (whole satoshis, into the COIN-M wallet), cut in contracts.
Contracts signed (short < 0) of 100 USD; amounts BTC; prices USD per BTC."""

from __future__ import annotations

from decimal import Decimal as D

from bot.domain.liquidation import MarginBracket, liquidation_distance
from bot.domain.liquidation_inverse import (
    inverse_liquidation_price,
    inverse_wallet_for_liquidation_at,
)
from bot.domain.model import MarginMode, Position, Wallet
from bot.domain.risk import RiskView, assess
from bot.domain.risk_policy import RiskGate, RiskGrade, RiskPolicy

from ._factories import inverse

MKT = inverse()
BRACKETS = (
    MarginBracket(D(0), D(5), D("0.004"), D(0)),
    MarginBracket(D(5), D(10), D("0.005"), D("0.005")),
    MarginBracket(D(10), D(20), D("0.01"), D("0.055")),
)
ENTRY = D(60_000)
SHORT = D(-3000)


def view(
    distance: str,
    *,
    mode: MarginMode = MarginMode.ISOLATED,
    spot_free: str = "0",
    futures_free: str = "0",
    policy: RiskPolicy | None = None,
) -> RiskView:
    """A 3,000-contract short at 60,000 whose coin wallet puts liquidation `distance` above."""
    wallet = inverse_wallet_for_liquidation_at(
        contracts=SHORT,
        entry_price=ENTRY,
        price=ENTRY * (1 + D(distance)),
        contract_size=MKT.contract_size,
        brackets=BRACKETS,
    )
    position = Position(
        symbol=MKT.symbol,
        contracts=SHORT,
        entry_price=ENTRY,
        mark_price=ENTRY,
        leverage=D(3),
        margin_mode=mode,
    )
    return RiskView(
        hedge="BTC",
        policy=policy or RiskPolicy(),
        market=MKT,
        position=position,
        mark=ENTRY,
        brackets=BRACKETS,
        margin_mode=mode,
        wallet_balance=wallet,
        futures_free=D(futures_free),
        spot_free=D(spot_free),
    )


def distance_with(v: RiskView, wallet: D, contracts: D = SHORT) -> D | None:
    price = inverse_liquidation_price(
        contracts=contracts,
        entry_price=ENTRY,
        wallet_balance=wallet,
        contract_size=MKT.contract_size,
        brackets=BRACKETS,
    )
    return liquidation_distance(contracts, v.mark, price)


def test_far_liquidation_is_ok() -> None:
    """A short whose COIN-M liquidation sits 60 % above the mark is OK and may grow."""
    result = assess(view("0.6"))
    assert result.grade is RiskGrade.OK and result.gate is RiskGate.ALLOW
    assert result.liquidation_price is not None
    assert abs(result.liquidation_price - 96_000) < D("0.01")


def test_top_up_moves_the_coin_into_the_coinm_wallet() -> None:
    """At TOP_UP with spare spot BTC the top-up is in BTC, whole satoshis, transferred spot →
    COIN-M and added as isolated margin, and it restores the restore distance."""
    v = view("0.18", spot_free="4", policy=RiskPolicy(auto_top_up=True))
    result = assess(v)
    top = result.top_up
    assert result.grade is RiskGrade.TOP_UP and top is not None
    assert top.asset == "BTC" and top.wallet is Wallet.COINM
    assert top.add_isolated_margin == top.amount == top.transfer_from_spot
    assert top.amount == top.amount.quantize(D("1e-8")) and top.amount < 1
    after = distance_with(v, v.wallet_balance + top.amount)
    assert after is not None and after >= v.policy.restore_distance


def test_reduce_cuts_contracts_to_restore_the_distance() -> None:
    """Deep in REDUCE with nothing to top up from, a cross short is cut by whole contracts,
    and the short that stays sits at the restore distance or beyond."""
    v = view("0.03", mode=MarginMode.CROSS)
    result = assess(v)
    assert result.grade is RiskGrade.REDUCE and result.gate is RiskGate.REDUCE
    cut = result.reduce_contracts
    assert 0 < cut < 3000 and cut == cut.to_integral_value()
    kept = SHORT + cut
    after = distance_with(v, v.wallet_balance, kept)
    assert after is None or after >= v.policy.restore_distance
    one_more = distance_with(v, v.wallet_balance, kept - 1)
    assert one_more is not None and one_more < v.policy.restore_distance


def test_an_isolated_coin_top_up_keeps_a_satoshi_of_the_reported_free_balance() -> None:
    """The venue reports the COIN-M free balance rounded to 8 dp: a top-up drawing on it
    takes at most free − 1 satoshi from it and transfers the rest from spot, so the added
    margin never exceeds what is really free."""
    v = view("0.18", futures_free="0.19749833", spot_free="4", policy=RiskPolicy(auto_top_up=True))
    top = assess(v).top_up
    assert top is not None and top.add_isolated_margin > D("0.19749833")
    assert top.add_isolated_margin - top.transfer_from_spot == D("0.19749832")
