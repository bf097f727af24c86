"""Baskets: several hedges naming the same perp (same account and symbol), planned as ONE.

A holder of SOL, AVAX and LINK may hedge all three with one BTC/USDT:USDT short. One-way
positions are netted, so the perp carries one position and at most one live order for all of
them. Each member is sized as a hedge of its own (its effective target, its exposure in the
perp's base units, its beta); the basket then adds them up, in the perp's base units:

    target short = Σ target_i × exposure_i × beta_i
    band         = Σ band_i × exposure_i × beta_i      (act when the short is further off)
    max short    = Σ max_ratio_i × exposure_i × beta_i (no fill may take the short past it)

and plans that sum with the ordinary planner, through one combined `HedgePolicy` whose
ratios are those sums over the summed exposure E = Σ exposure_i × beta_i (beta 1). So every
planner invariant (one live order, max_ratio, reduce-only shrinking, dust, slicing) holds for
the basket as a whole. Decimal division makes ratio × E equal the sum to within one unit in
the 28th digit, far below any venue's step.

The position is attributed to the members pro rata to their target shorts (`weights`): a
member's share is position × target_short_i / Σ target_short, so at the target each member's
ratio (share / its exposure × beta) is its own target. When every target is zero the shares
follow the exposures, and when there is no exposure at all they are equal.

Execution settings belong to the one order and must agree across the members (`AGREED`);
`allow_over_hedge` holds when any member allows it, and `max_daily_turnover` is the sum (no
limit when any member has none).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, Decimal

from bot.domain.hedge import HedgePolicy

__all__ = [
    "AGREED",
    "BasketShare",
    "Member",
    "attributed",
    "basket_exposure",
    "combined_policy",
    "disagreement",
    "group_by_perp",
    "weights",
]

ZERO = Decimal(0)
ONE = Decimal(1)
# Shares are shown to 12 places; the last member takes the remainder so they sum exactly.
_SHARE_PLACES = Decimal("1e-12")
# HedgePolicy fields that describe the perp's one order or its setup: one value per perp.
AGREED = (
    "leverage",
    "margin_mode",
    "post_only",
    "max_order_notional",
    "reprice_after_ms",
    "reprice_ticks",
    "emergency_band",
)


@dataclass(frozen=True, slots=True)
class BasketShare:
    """A hedge's place in its basket: `members`, every hedge on the perp (lead first,
    config order), and `fraction`, its part of the position (0..1, pro rata to the
    targets, `weights`)."""

    members: tuple[str, ...]
    fraction: Decimal

    def partners(self, name: str) -> tuple[str, ...]:
        """The other members, as seen from hedge `name`."""
        return tuple(m for m in self.members if m != name)


@dataclass(frozen=True, slots=True)
class Member:
    """One hedge of a basket as sized this cycle: `policy` with its EFFECTIVE target as
    `target_ratio`, and `exposure`, its holding in the perp's base units before beta
    (`HedgeExposure.units`: by value for a proxy), ≥ 0."""

    policy: HedgePolicy
    exposure: Decimal

    @property
    def weighted(self) -> Decimal:
        """Exposure × beta: the perp base units this member's ratios multiply."""
        return max(self.exposure, ZERO) * self.policy.beta

    def short_at(self, ratio: Decimal) -> Decimal:
        """The short (perp base units) this member wants at `ratio`."""
        return ratio * self.weighted


def group_by_perp(perps: Mapping[str, tuple[str, str]]) -> tuple[tuple[str, ...], ...]:
    """Hedge names grouped by their (perp account, perp symbol), each group and the groups
    in the order the names come (config order): the first name of a group is its lead,
    whose name the basket's orders, fills and trust baseline carry."""
    groups: dict[tuple[str, str], list[str]] = {}
    for name, perp in perps.items():
        groups.setdefault(perp, []).append(name)
    return tuple(tuple(names) for names in groups.values())


def disagreement(policies: Sequence[HedgePolicy]) -> str | None:
    """The first `AGREED` field whose value differs between `policies`, or None."""
    for name in AGREED:
        if len({getattr(p, name) for p in policies}) > 1:
            return name
    return None


def basket_exposure(members: Sequence[Member]) -> Decimal:
    """E = Σ exposure_i × beta_i, perp base units (what the combined ratios divide by)."""
    return sum((m.weighted for m in members), ZERO)


def combined_policy(members: Sequence[Member]) -> HedgePolicy:
    """The one policy the basket is planned with, named after the lead (`members[0]`): beta
    1 over E (`basket_exposure`), ratios = the members' summed shorts / E (see the module
    docstring). Raises ValueError naming the field when an `AGREED` field differs."""
    if not members:
        raise ValueError("a basket needs at least one hedge")
    policies = [m.policy for m in members]
    field = disagreement(policies)
    lead = policies[0]
    if field is not None:
        names = ", ".join(p.name for p in policies)
        raise ValueError(f"hedges.{lead.name}.{field}: differs within the basket {names}")
    total = basket_exposure(members)
    return replace(
        lead,
        target_ratio=_ratio(members, total, lambda p: p.target_ratio),
        band=_ratio(members, total, lambda p: p.band),
        max_ratio=_ratio(members, total, lambda p: p.max_ratio),
        allow_over_hedge=any(p.allow_over_hedge for p in policies),
        beta=ONE,
        max_daily_turnover=_summed_turnover(policies),
        count_margin=False,  # each member counted its own holding already
    )


def _ratio(
    members: Sequence[Member], total: Decimal, pick: Callable[[HedgePolicy], Decimal]
) -> Decimal:
    """Σ pick(policy_i) × exposure_i × beta_i / total; 0 without exposure (then the
    planner sees no holding and buys any short back)."""
    if total <= 0:
        return ZERO
    return sum((m.short_at(pick(m.policy)) for m in members), ZERO) / total


def _summed_turnover(policies: Iterable[HedgePolicy]) -> Decimal | None:
    caps = [p.max_daily_turnover for p in policies]
    if any(cap is None for cap in caps):
        return None
    return sum((cap for cap in caps if cap is not None), ZERO)


def weights(members: Sequence[Member]) -> tuple[Decimal, ...]:
    """Each member's fraction of the position (summing to 1): pro rata to the target
    shorts, else to the exposures × beta when every target is zero, else equal."""
    targets = [m.short_at(m.policy.target_ratio) for m in members]
    for parts in (targets, [m.weighted for m in members]):
        total = sum(parts, ZERO)
        if total > 0:
            return tuple(part / total for part in parts)
    return tuple(ONE / len(members) for _ in members)


def attributed(contracts: Decimal, fractions: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """`contracts` (signed) split by `fractions`: each share rounded toward zero to 12
    places, the last taking the remainder, so the shares sum to `contracts` exactly and
    each has its sign."""
    shares = [(contracts * f).quantize(_SHARE_PLACES, rounding=ROUND_DOWN) for f in fractions]
    if shares:
        shares[-1] = contracts - sum(shares[:-1], ZERO)
    return tuple(shares)
