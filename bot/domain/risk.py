"""The graded risk guard: how close a hedge's short is to liquidation, and what to do.

Grades escalate OK < WARN < TOP_UP < DELEVER < REDUCE. The liquidation distance is measured
against the MARK price using the nearer of the exchange-reported and our own liquidation
price; a margin ratio at or above 1 (the margin balance is at or below maintenance, e.g.
negative equity) is at or through liquidation: REDUCE. From TOP_UP up, hedge increases are
blocked (`RiskAssessment.gate`). Actions (top-up sources: see `risk_top_up`):
- top up (quote) enough to bring the distance back to `restore_distance`;
- lower leverage (isolated only) if the distance after the top-up is still in DELEVER;
- buy back part of the short if, even after the top-up, it is still in REDUCE. The cut is
  sized for the margin that actually stays: an isolated position's margin is released pro
  rata by the cut (Binance and the simulator), and comes back only as the next cycle's
  top-up of the futures wallet's free balance (at most `max_top_up`), so the cut keeps what
  that margin can hold at `restore_distance`, and one rally makes one cut.
`collateral_exhausted` is raised from WARN up when what is available cannot restore the
distance, so the shell alerts while a human still has time.

Without the venue's margin brackets the guard fails closed: the hedge is never grown
(`gate` is at least BLOCK_INCREASE, also when flat), the venue's own liquidation price gives
the distance, and a bracket implied by that price sizes top-ups and cuts.
Linear (USDⓈ-M) positions are measured in base units and quote (`risk_view.Leg`), COIN-M
(inverse) ones in contracts and coin with Binance's COIN-M formula (`risk_inverse`): their
top-ups move the coin, in whole satoshis.

Hedge mode, cross margin: the LONG leg the account holds beside the short shares the wallet
and the liquidation price (`risk_view.Leg.long`). When it outweighs the short the liquidation
lies BELOW the mark: the distance is measured downwards, a top-up still moves it away, but
the short is never cut (buying it back adds to the net long): the grade is alerted instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.domain.liquidation import liquidation_distance
from bot.domain.model import MarginMode, MarketKind
from bot.domain.numbers import at_tick
from bot.domain.risk_cut import cut_for, delever_to
from bot.domain.risk_inverse import SATOSHI, InverseLeg, inverse_leg_of
from bot.domain.risk_policy import RiskGate, RiskGrade, RiskPolicy, grade_for
from bot.domain.risk_top_up import CENT, TopUp, TopUpSources, plan_top_up, top_up_sources
from bot.domain.risk_unified import unified_reason
from bot.domain.risk_view import Leg, RiskView, leg_of, reported_liquidation

__all__ = ["RiskAssessment", "RiskView", "TopUp", "assess"]

ZERO = Decimal(0)
NO_BRACKETS = "margin brackets unavailable: the hedge is not grown"


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
    top_up: TopUp | None = None  # see risk_top_up for when it is set
    collateral_exhausted: bool = False
    target_leverage: int | None = None
    reduce_contracts: Decimal = ZERO  # unsigned contracts to buy back
    brackets_missing: bool = False  # assessed without the venue's margin brackets
    margin_mode: MarginMode | None = None  # the mode it was assessed (and a top-up planned) in

    @property
    def gate(self) -> RiskGate:
        """What the planner may do: REDUCE only with an amount to reduce; never ALLOW when
        the margin brackets are missing (the hedge must not grow blind)."""
        gate = self.grade.gate
        if gate is RiskGate.REDUCE and self.reduce_contracts <= 0:
            return RiskGate.BLOCK_INCREASE
        if gate is RiskGate.ALLOW and self.brackets_missing:
            return RiskGate.BLOCK_INCREASE
        return gate


def assess(view: RiskView) -> RiskAssessment:
    """Grade one hedge's perp position and name the actions (see the module docstring).

    Raises ValueError naming the field for inputs that cannot be assessed (a spot market,
    a non-positive mark)."""
    _check(view)
    if view.position.contracts == 0:
        return _flat(view)
    leg = inverse_leg_of(view) if _inverse(view) else leg_of(view)
    own = leg.liquidation(view.wallet_balance) if view.brackets else None
    exchange = reported_liquidation(view.position)
    side = leg.exposure()
    used = _nearer(side, own, exchange)
    distance = liquidation_distance(side, view.mark, used)
    ratio = leg.ratio(view.wallet_balance)
    grade = grade_for(view.policy, distance, ratio)
    reasons = [_describe(view, distance, used, ratio, grade)]
    unified = unified_reason(view.market, view.margin_mode, grade)
    if unified:
        reasons.append(unified)
    if not view.brackets:
        reasons.append(_no_brackets(leg, exchange))
    mismatch = _mismatch(view.policy, own, exchange)
    if mismatch:
        reasons.append(f"exchange liquidation price {exchange} disagrees with ours {own:.2f}")
    needed = leg.top_up_needed()
    available = _available(view)
    exhausted = grade >= RiskGrade.WARN and needed > available
    if exhausted:
        reasons.append(
            f"collateral exhausted: restoring {view.policy.restore_distance} needs"
            f" {needed} {_asset(view)}, only {available} available"
        )
    top_up = plan_top_up(
        _asset(view),
        view.margin_mode,
        needed,
        _sources(view, grade),
        view.policy.max_top_up,
        unit=SATOSHI if _inverse(view) else CENT,
        wallet=view.market.margin_wallet,
        slack=SATOSHI if _inverse(view) else ZERO,
    )
    added = top_up.amount if top_up is not None else ZERO
    grade_after = _grade_after(leg, distance, ratio, added)
    leverage = delever_to(leg, needed, grade_after, reasons)
    cut = cut_for(leg, added, grade_after, reasons)
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
        reduce_contracts=cut,
        brackets_missing=not view.brackets,
        margin_mode=view.margin_mode,
    )


def _check(view: RiskView) -> None:
    if not view.market.is_contract:
        raise ValueError(
            f"hedges.{view.hedge}: the risk guard assesses futures positions, got a"
            f" {view.market.kind.value} market"
        )
    if not view.mark.is_finite() or view.mark <= 0:
        raise ValueError(f"hedges.{view.hedge}: mark price must be positive, got {view.mark}")


def _flat(view: RiskView) -> RiskAssessment:
    reasons = ["flat: nothing to liquidate"]
    if not view.brackets:
        reasons.append(f"{NO_BRACKETS} (no short is opened)")
    missing = not view.brackets
    return RiskAssessment(view.hedge, RiskGrade.OK, tuple(reasons), brackets_missing=missing)


def _nearer(size: Decimal, a: Decimal | None, b: Decimal | None) -> Decimal | None:
    """The more conservative liquidation price: the lower for a short, the higher for a long."""
    prices = [p for p in (a, b) if p is not None]
    if not prices:
        return None
    return min(prices) if size < 0 else max(prices)


def _mismatch(policy: RiskPolicy, own: Decimal | None, exchange: Decimal | None) -> bool:
    """Both prices known and apart by more than the tolerance. A venue reporting no price
    (or a position through liquidation, where ours is None) is not a disagreement."""
    if own is None or exchange is None:
        return False
    return abs(exchange - own) / own > policy.liq_price_tolerance


def _inverse(view: RiskView) -> bool:
    return view.market.kind is MarketKind.INVERSE


def _grade_after(
    leg: Leg | InverseLeg, distance: Decimal | None, ratio: Decimal | None, added: Decimal
) -> RiskGrade:
    """The grade once `added` (settle currency) is behind the position (unchanged when
    nothing can size margin: then no top-up is planned either)."""
    if leg.brackets:
        wallet = leg.view.wallet_balance + added
        distance, ratio = leg.distance(wallet), leg.ratio(wallet)
    return grade_for(leg.view.policy, distance, ratio)


def _asset(view: RiskView) -> str:
    return view.market.settle or view.market.quote


def _available(view: RiskView) -> Decimal:
    """Collateral a top-up could use: a cross wallet already counts its own free balance."""
    spot = max(view.spot_free, ZERO)
    if view.margin_mode is MarginMode.CROSS:
        return spot
    return spot + max(view.futures_free, ZERO)


def _sources(view: RiskView, grade: RiskGrade) -> TopUpSources | None:
    return top_up_sources(
        view.margin_mode,
        grade,
        futures_free=view.futures_free,
        spot_free=view.spot_free,
        auto=view.policy.auto_top_up,
    )


def _describe(
    view: RiskView,
    distance: Decimal | None,
    used: Decimal | None,
    ratio: Decimal | None,
    grade: RiskGrade,
) -> str:
    tick = view.market.price_tick
    where = (
        "no liquidation price"
        if distance is None or used is None
        else f"liquidation {used:.2f} is {distance:.2%} from mark {at_tick(view.mark, tick)}"
    )
    return f"{grade.name}: {where}; {_ratio_text(ratio)}"


def _ratio_text(ratio: Decimal | None) -> str:
    if ratio is None:
        return "margin ratio unknown"
    if not ratio.is_finite():
        return "margin balance gone (at or below zero): at or through liquidation"
    return f"margin ratio {ratio:.2%}"


def _no_brackets(leg: Leg | InverseLeg, exchange: Decimal | None) -> str:
    if exchange is None:
        return f"{NO_BRACKETS}; the venue reports no liquidation price either"
    if not leg.brackets:
        return (
            f"{NO_BRACKETS}; the venue's liquidation price {exchange} gives the distance but"
            " does not fit the wallet, so top-ups and cuts cannot be sized"
        )
    return f"{NO_BRACKETS}; distance and actions from the venue's liquidation price {exchange}"
