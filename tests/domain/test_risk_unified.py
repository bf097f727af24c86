"""A short margined by a unified wallet (Bybit UTA): the risk guard plans no transfer (spot
and derivatives share the wallet), says so, and de-risks by grade instead."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from bot.domain.hedge import HedgePolicy
from bot.domain.liquidation import MarginBracket, wallet_for_liquidation_at
from bot.domain.model import AccountSnapshot, Balance, MarginMode, Position
from bot.domain.risk import RiskAssessment, assess
from bot.domain.risk_inputs import risk_view
from bot.domain.risk_policy import RiskGrade, RiskPolicy
from bot.domain.risk_unified import UNIFIED_NO_TRANSFER

from ._factories import SYMBOL, linear

BRACKETS = (MarginBracket(D(0), D(2_000_000), D("0.005"), D(0)),)
ENTRY = MARK = D(60_000)
POLICY = RiskPolicy(auto_top_up=True)


def _snapshot(distance: str, *, unified: bool, mode: MarginMode) -> AccountSnapshot:
    """A 1-BTC short whose wallet puts liquidation `distance` above the mark, beside
    100,000 USDT free as 'spot' (in a unified account: the same wallet)."""
    wallet = wallet_for_liquidation_at(
        size=D(-1), entry_price=ENTRY, price=MARK * (1 + D(distance)), brackets=BRACKETS
    )
    market = replace(linear(contract_size="1", step="0.001"), unified_margin=unified)
    position = Position(symbol=SYMBOL, contracts=D(-1), entry_price=ENTRY, mark_price=MARK,
                        leverage=D(3), margin_mode=mode, collateral=wallet,
                        unrealized_pnl=D(0))  # fmt: skip
    usdt = Balance("USDT", free=D(100_000), used=D(0), total=D(100_000))
    futures = Balance("USDT", free=D(0), used=wallet, total=wallet)
    return AccountSnapshot(
        account="main", taken_at_ms=1, markets={SYMBOL: market}, spot={"USDT": usdt},
        futures={"USDT": futures}, positions={SYMBOL: position},
    )  # fmt: skip


def _assess(distance: str, *, unified: bool, mode: MarginMode = MarginMode.CROSS) -> RiskAssessment:
    policy = HedgePolicy(name="BTC", spot_asset="BTC", perp_symbol=SYMBOL, target_ratio=D(1),
                         margin_mode=mode, leverage=3)  # fmt: skip
    snapshot = _snapshot(distance, unified=unified, mode=mode)
    return assess(risk_view(policy, POLICY, snapshot, BRACKETS, MARK))


def test_a_unified_wallet_plans_no_transfer_and_says_so() -> None:
    """At TOP_UP a Binance-style account moves spot USDT; a unified one has nowhere to move
    it from: no top-up, and the reason names the unified wallet."""
    separate = _assess("0.15", unified=False)
    unified = _assess("0.15", unified=True)
    assert separate.grade is unified.grade is RiskGrade.TOP_UP
    assert separate.top_up is not None and separate.top_up.transfer_from_spot > 0
    assert unified.top_up is None
    assert any(r.startswith(UNIFIED_NO_TRANSFER) for r in unified.reasons)


def test_a_unified_cross_short_near_liquidation_is_reduced() -> None:
    """With no transfer to make, a cross short at REDUCE is cut rather than topped up."""
    unified = _assess("0.03", unified=True)
    assert unified.grade is RiskGrade.REDUCE
    assert unified.top_up is None and unified.reduce_contracts > 0


def test_a_healthy_unified_short_says_nothing_about_transfers() -> None:
    """Below TOP_UP the unified wallet is not mentioned: nothing needs margin."""
    assert not any(UNIFIED_NO_TRANSFER in r for r in _assess("0.9", unified=True).reasons)
