"""Config checks for baskets: several hedges naming the same perp (account + symbol).

A basket is planned as one position with one live order (`domain/basket.py`), so what
describes the perp itself or its one order must be the same in every member: leverage and
margin mode (set once on the venue), and the execution settings. A dated future cannot be
shared: its roll and close-out before delivery belong to one hedge.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bot.config.hedges import HedgeSettings

__all__ = ["SHARED_FIELDS", "basket_problems"]

# YAML paths (under hedges.<name>) that must agree across the hedges of one perp.
SHARED_FIELDS = (
    "leverage",
    "margin_mode",
    "execution.post_only",
    "execution.max_order_notional",
    "execution.reprice_after_s",
    "execution.reprice_ticks",
    "execution.emergency_band",
)


def basket_problems(hedges: Mapping[str, HedgeSettings]) -> Iterator[tuple[str, str]]:
    """(path, problem) for each hedge that cannot share its contract with the hedges before
    it: a dated future, or a `SHARED_FIELDS` value that differs from the first member's."""
    first: dict[tuple[str, str], str] = {}
    for name, hedge in hedges.items():
        key = (hedge.contract.account, hedge.contract.label)
        lead = first.setdefault(key, name)
        if lead == name:
            continue
        yield from _member_problems(name, hedge, lead, hedges[lead])


def _member_problems(
    name: str, hedge: HedgeSettings, lead: str, first: HedgeSettings
) -> Iterator[tuple[str, str]]:
    label, account = hedge.contract.label, hedge.contract.account
    if hedge.future is not None or first.future is not None:
        yield (
            f"hedges.{name}.future",
            f"{label} on account {account} is already hedge {lead}'s dated future; only a "
            "perpetual can be shared by several hedges (a basket)",
        )
        return
    for path in SHARED_FIELDS:
        mine, theirs = _value(hedge, path), _value(first, path)
        if mine != theirs:
            yield (
                f"hedges.{name}.{path}",
                f"{_text(mine)} differs from hedge {lead}'s {_text(theirs)}: hedges sharing "
                f"{label} on account {account} (a basket) trade one position with one order, "
                "so set the same value in each",
            )


def _value(hedge: HedgeSettings, path: str) -> Any:
    found: Any = hedge
    for part in path.split("."):
        found = getattr(found, part)
    return found


def _text(value: Any) -> str:
    if value is None:
        return "unset"
    return str(getattr(value, "value", value))
