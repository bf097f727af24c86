"""The cross wallet the risk guard reads beside another symbol's isolated LONG leg: that
leg's isolated wallet and uPnL are in ccxt's futures total but not in the cross wallet."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.domain.hedge import HedgePolicy
from bot.domain.model import AccountSnapshot, Balance, MarginMode, Position
from bot.domain.risk_inputs import risk_view
from bot.domain.risk_policy import RiskPolicy

from ._factories import SYMBOL, linear

ETH = "ETH/USDT:USDT"
MARK = D(60_000)
CROSS_WALLET = D(10_000)
BTC_UPNL = D(-500)
ETH_WALLET = D(3_000)  # the isolated ETH long's own margin
ETH_UPNL = D(200)


def _eth(short_mode: MarginMode | None, short: D) -> Position:
    """The ETH position: an isolated LONG leg, beside an isolated SHORT leg (collateral
    1,000 with −100 uPnL) or none."""
    return Position(
        symbol=ETH, contracts=short, margin_mode=short_mode,
        collateral=D(1_000) if short else None, unrealized_pnl=D(-100) if short else None,
        long_leg_contracts=D(2), long_leg_unrealized_pnl=ETH_UPNL,
        long_leg_maintenance_margin=D(40), long_leg_margin_mode=MarginMode.ISOLATED,
        long_leg_isolated_wallet=ETH_WALLET,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("short_mode", "short"),
    [(None, D(0)), (MarginMode.ISOLATED, D(-1))],
    ids=["long-only", "both-legs-isolated"],
)
def test_isolated_long_leg_of_another_symbol_is_not_cross_wallet(
    short_mode: MarginMode | None, short: D
) -> None:
    """BTC's cross wallet leaves out ETH's isolated LONG leg (its 3,000 USDT margin and its
    uPnL), whether ETH holds only that leg or an isolated SHORT too."""
    eth = _eth(short_mode, short)
    eth_in_total = ETH_WALLET + ETH_UPNL + (eth.collateral or D(0))
    btc = Position(
        symbol=SYMBOL, contracts=D(-1), entry_price=MARK, mark_price=MARK,
        margin_mode=MarginMode.CROSS, unrealized_pnl=BTC_UPNL, maintenance_margin=D(240),
    )  # fmt: skip
    total = CROSS_WALLET + BTC_UPNL + eth_in_total
    snapshot = AccountSnapshot(
        account="main", taken_at_ms=1,
        markets={SYMBOL: linear(), ETH: linear(symbol=ETH)},
        futures={"USDT": Balance("USDT", free=D(0), used=D(0), total=total)},
        positions={SYMBOL: btc, ETH: eth},
    )  # fmt: skip
    policy = HedgePolicy(name="BTC", spot_asset="BTC", perp_symbol=SYMBOL, target_ratio=D(1),
                         margin_mode=MarginMode.CROSS)  # fmt: skip
    view = risk_view(policy, RiskPolicy(), snapshot, (), MARK)
    assert view.wallet_balance == CROSS_WALLET
    assert view.other_unrealized_pnl == 0
    assert view.other_maint_margin == 0
