"""`hedgebot check`: one line per basket (several hedges on one perp), so the operator sees
which hedges share a position before the daemon trades it once for all of them."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.memory import HedgeLegs

from .basket_cycle import hedge_groups
from .check import Line, ok

__all__ = ["basket_lines"]


def basket_lines(legs: Mapping[str, HedgeLegs]) -> list[Line]:
    """'basket SOL, ETH, XRP: one BTC/USDT:USDT position on account main ...' per basket."""
    lines = []
    for group in hedge_groups(legs):
        if len(group) < 2:
            continue
        lead = legs[group[0]]
        lines.append(
            ok(
                f"basket {', '.join(group)}: one {lead.perp_symbol} position on account "
                f"{lead.perp_account}, its target short the sum of theirs, one order at a "
                f"time (lead {group[0]}: orders, fills and alerts carry its name)"
            )
        )
    return lines
