"""The graded risk guard: how close a hedge's short is to liquidation, and what to do.

Grades escalate OK < WARN < TOP_UP < DELEVER < REDUCE. The liquidation distance is measured
against the MARK price using the nearer of the exchange-reported and our own liquidation
price. From TOP_UP up, hedge increases are blocked (`RiskAssessment.gate`). Actions:
- top up (quote) enough to bring the distance back to `restore_distance`: in isolated mode
  from the futures wallet's free balance first (add margin), then from the spot wallet
  (transfer, then add margin); in cross mode only a spot → futures transfer helps;
- lower leverage (isolated only) if the distance after the top-up is still in DELEVER;
- buy back part of the short if, even after the top-up, it is still in REDUCE.
`collateral_exhausted` is raised from WARN up when what is available cannot restore the
distance, so the shell alerts while a human still has time.
Only linear (USDⓈ-M) contracts are supported for now.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from bot.domain.contracts import base_exposure, round_amount_up
from bot.domain.liquidation import (
    MarginBracket,
    liquidation_distance,
    liquidation_price,
    maintenance_margin,
    margin_ratio,
    wallet_for_liquidation_at,
)
from bot.domain.model import MarginMode, Market, MarketKind, Position
from bot.domain.risk_actions import leverage_for, reduction_for
from bot.domain.risk_policy import RiskGate, RiskGrade, RiskPolicy, grade_for

__all__ = ["RiskAssessment", "RiskView", "TopUp", "assess"]

ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class RiskView:
    """Everything one hedge's risk decision depends on. Amounts in the settle currency.

    `wallet_balance`: isolated → the position's isolated wallet (margin without unrealized
    P&L, Binance `isolatedWallet`); cross → the cross wallet balance. `futures_free` /
    `spot_free`: free settle-currency balances usable as top-up sources. `other_*`: the other
    positions sharing a cross wallet (0 in isolated mode).
    """

    hedge: str
    policy: RiskPolicy
    market: Market
    position: Position
    mark: Decimal
    brackets: tuple[MarginBracket, ...]
    margin_mode: MarginMode
    wallet_balance: Decimal
    futures_free: Decimal = ZERO
    spot_free: Decimal = ZERO
    other_maint_margin: Decimal = ZERO
    other_unrealized_pnl: Decimal = ZERO
    leverage: int | None = None  # current leverage if the position does not report it


@dataclass(frozen=True, slots=True)
class TopUp:
    """Collateral to move, in `asset`: first `transfer_from_spot` spot → futures wallet, then
    `add_isolated_margin` into the isolated position (0 in cross mode)."""

    asset: str
    transfer_from_spot: Decimal
    add_isolated_margin: Decimal

    @property
    def amount(self) -> Decimal:
        """Total new collateral behind the position."""
        return max(self.transfer_from_spot, self.add_isolated_margin)


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    """The verdict for one hedge; `reasons` name the numbers behind it."""

    hedge: str
    grade: RiskGrade
    reasons: tuple[str, ...] = ()
    distance: Decimal | None = None
    margin_ratio: Decimal | None = None
    liquidation_price: Decimal | None = None  # the one the distance used
    own_liquidation_price: Decimal | None = None
    exchange_liquidation_price: Decimal | None = None
    liq_price_mismatch: bool = False
    top_up_needed: Decimal = ZERO  # quote to restore `restore_distance`
    top_up: TopUp | None = None  # set only with auto_top_up at TOP_UP and above
    collateral_exhausted: bool = False
    target_leverage: int | None = None
    reduce_contracts: Decimal = ZERO  # unsigned contracts to buy back

    @property
    def gate(self) -> RiskGate:
        """What the planner may do: REDUCE only with an amount to reduce."""
        if self.grade is RiskGrade.REDUCE and self.reduce_contracts <= 0:
            return RiskGate.BLOCK_INCREASE
        return self.grade.gate


def assess(view: RiskView) -> RiskAssessment:
    """Grade one hedge's perp position and name the actions (see the module docstring).

    Raises ValueError naming the field for inputs that cannot be assessed (inverse market,
    non-positive mark)."""
    _check(view)
    position = view.position
    if position.contracts == 0:
        return RiskAssessment(view.hedge, RiskGrade.OK, ("flat: nothing to liquidate",))
    size = base_exposure(view.market, position.contracts)
    entry = position.entry_price if position.entry_price else view.mark
    own = _own_liquidation(view, size, entry, view.wallet_balance)
    reported = position.liquidation_price
    exchange = reported if reported is not None and reported > 0 else None
    used = _nearer(size, own, exchange)
    distance = liquidation_distance(size, view.mark, used)
    ratio = _margin_ratio(view, size, entry)
    grade = grade_for(view.policy, distance, ratio)
    reasons = [_describe(view, distance, used, ratio, grade)]
    mismatch = _mismatch(view.policy, own, exchange)
    if mismatch:
        reasons.append(f"exchange liquidation price {exchange} disagrees with ours {own}")
    needed = _top_up_needed(view, size, entry)
    available = _available(view)
    exhausted = grade >= RiskGrade.WARN and needed > available
    if exhausted:
        reasons.append(
            f"collateral exhausted: restoring {view.policy.restore_distance} needs"
            f" {needed} {view.market.settle}, only {available} available"
        )
    top_up = _top_up(view, needed, available) if grade >= RiskGrade.TOP_UP else None
    added = top_up.amount if top_up is not None else ZERO
    topped = _own_liquidation(view, size, entry, view.wallet_balance + added)
    after = liquidation_distance(size, view.mark, topped)
    grade_after = grade_for(view.policy, after, None)
    leverage = _delever(view, size, entry, grade_after, reasons)
    reduce = _reduce(view, size, entry, added, grade_after, reasons)
    return RiskAssessment(
        hedge=view.hedge,
        grade=grade,
        reasons=tuple(reasons),
        distance=distance,
        margin_ratio=ratio,
        liquidation_price=used,
        own_liquidation_price=own,
        exchange_liquidation_price=exchange,
        liq_price_mismatch=mismatch,
        top_up_needed=needed,
        top_up=top_up,
        collateral_exhausted=exhausted,
        target_leverage=leverage,
        reduce_contracts=reduce,
    )


def _check(view: RiskView) -> None:
    if view.market.kind is not MarketKind.LINEAR:
        raise ValueError(
            f"hedges.{view.hedge}: risk guard supports linear (USDⓈ-M) perps only,"
            f" got {view.market.kind.value}"
        )
    if not view.mark.is_finite() or view.mark <= 0:
        raise ValueError(f"hedges.{view.hedge}: mark price must be positive, got {view.mark}")


def _own_liquidation(
    view: RiskView, size: Decimal, entry: Decimal, wallet: Decimal
) -> Decimal | None:
    return liquidation_price(
        size=size,
        entry_price=entry,
        wallet_balance=wallet,
        brackets=view.brackets,
        other_maint_margin=_others(view, view.other_maint_margin),
        other_unrealized_pnl=_others(view, view.other_unrealized_pnl),
    )


def _others(view: RiskView, amount: Decimal) -> Decimal:
    """Other positions only share the wallet in cross mode."""
    return amount if view.margin_mode is MarginMode.CROSS else ZERO


def _nearer(size: Decimal, a: Decimal | None, b: Decimal | None) -> Decimal | None:
    """The more conservative liquidation price: the lower for a short, the higher for a long."""
    prices = [p for p in (a, b) if p is not None]
    if not prices:
        return None
    return min(prices) if size < 0 else max(prices)


def _mismatch(policy: RiskPolicy, own: Decimal | None, exchange: Decimal | None) -> bool:
    if own is None or exchange is None:
        return (own is None) != (exchange is None)
    return abs(exchange - own) / own > policy.liq_price_tolerance


def _margin_ratio(view: RiskView, size: Decimal, entry: Decimal) -> Decimal:
    maint = maintenance_margin(abs(size) * view.mark, view.brackets)
    maint += _others(view, view.other_maint_margin)
    balance = view.wallet_balance + size * (view.mark - entry)
    balance += _others(view, view.other_unrealized_pnl)
    return margin_ratio(maint, balance)


def _target_price(view: RiskView, size: Decimal) -> Decimal:
    """Where the liquidation price should sit after a top-up (restore_distance away)."""
    sign = 1 if size < 0 else -1
    return view.mark * (1 + sign * view.policy.restore_distance)


def _top_up_needed(view: RiskView, size: Decimal, entry: Decimal) -> Decimal:
    wallet = wallet_for_liquidation_at(
        size=size,
        entry_price=entry,
        price=_target_price(view, size),
        brackets=view.brackets,
        other_maint_margin=_others(view, view.other_maint_margin),
        other_unrealized_pnl=_others(view, view.other_unrealized_pnl),
    )
    return max(wallet - view.wallet_balance, ZERO).quantize(CENT, rounding=ROUND_UP)


def _available(view: RiskView) -> Decimal:
    """Collateral a top-up can use: a cross wallet already counts its own free balance."""
    spot = max(view.spot_free, ZERO)
    if view.margin_mode is MarginMode.CROSS:
        return spot
    return spot + max(view.futures_free, ZERO)


def _top_up(view: RiskView, needed: Decimal, available: Decimal) -> TopUp | None:
    if not view.policy.auto_top_up:
        return None
    amount = min(needed, available)
    if view.policy.max_top_up is not None:
        amount = min(amount, view.policy.max_top_up)
    # Whole cents: venues (and ccxt's precision check) refuse sub-cent margin amounts, and a
    # refused dust top-up would be retried and alerted every cycle.
    amount = amount.quantize(CENT, rounding=ROUND_DOWN)
    if amount <= 0:
        return None
    asset = view.market.settle or view.market.quote
    if view.margin_mode is MarginMode.CROSS:
        return TopUp(asset, transfer_from_spot=amount, add_isolated_margin=ZERO)
    from_futures = min(amount, max(view.futures_free, ZERO))
    transfer = (amount - from_futures).quantize(CENT, rounding=ROUND_UP)
    return TopUp(asset, transfer_from_spot=min(transfer, amount), add_isolated_margin=amount)


def _delever(
    view: RiskView, size: Decimal, entry: Decimal, grade: RiskGrade, reasons: list[str]
) -> int | None:
    if grade < RiskGrade.DELEVER:
        return None
    if view.margin_mode is MarginMode.CROSS:
        reasons.append("cross margin: lowering leverage does not move the liquidation price")
        return None
    current = int(view.position.leverage) if view.position.leverage else view.leverage
    wanted = view.wallet_balance + _top_up_needed(view, size, entry)
    target = leverage_for(abs(size) * view.mark, wanted, current)
    if target is None:
        reasons.append(f"cannot lower leverage below {current}")
    else:
        reasons.append(f"lower leverage {current} -> {target}")
    return target


def _reduce(
    view: RiskView,
    size: Decimal,
    entry: Decimal,
    added: Decimal,
    grade: RiskGrade,
    reasons: list[str],
) -> Decimal:
    if grade < RiskGrade.REDUCE or size > 0:
        return ZERO
    balance = view.wallet_balance + added + size * (view.mark - entry)
    balance += _others(view, view.other_unrealized_pnl - view.other_maint_margin)
    keep_base = reduction_for(
        size=size,
        mark=view.mark,
        target=_target_price(view, size),
        margin_balance=balance,
        brackets=view.brackets,
    )
    cut = round_amount_up(view.market, (abs(size) - keep_base) / view.market.contract_size)
    cut = min(max(cut, ZERO), abs(view.position.contracts))
    reasons.append(f"reduce the short by {cut} contracts to restore {view.policy.restore_distance}")
    return cut


def _describe(
    view: RiskView,
    distance: Decimal | None,
    used: Decimal | None,
    ratio: Decimal,
    grade: RiskGrade,
) -> str:
    where = (
        "no liquidation price"
        if distance is None
        else (f"liquidation {used:.2f} is {distance:.2%} from mark {view.mark}")
    )
    return f"{grade.name}: {where}; margin ratio {ratio:.2%}"
