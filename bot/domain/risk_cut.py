"""The risk guard's heavier grades for one measured position: lower the leverage (DELEVER),
buy back part of the short (REDUCE). Each appends the reason it acted on.

Cut sizing (REDUCE) counts only the margin that actually stays behind the kept short:
- cross: the margin balance stays in the wallet whatever the size; a hedge-mode LONG leg
  sharing it adds what it gains less its maintenance margin at the target (`Leg.long_room`),
  and when it outweighs the short nothing is cut (that would add to the net long);
(COIN-M positions: the same rules in contracts and coin, see `risk_inverse.InverseLeg.keep`)
- isolated: the cut releases the position's margin pro rata to the futures wallet (Binance
  and the simulator), and it comes back only as the next cycle's top-up from that wallet's
  free balance — in full when no `max_top_up` caps it, else at most `max_top_up`. So the kept
  size k is the largest whose liquidation sits at `restore_distance` with
  min(MB + leftover, MB·k/s + max_top_up) behind it (MB: margin balance after this cycle's
  top-up; s: the short now; leftover: what this cycle's top-up could not use), less the
  cut's taker fee.
"""

from __future__ import annotations

from decimal import Decimal

from bot.domain.contracts import round_amount_up
from bot.domain.risk_actions import leverage_for, reduction_for
from bot.domain.risk_inverse import InverseLeg
from bot.domain.risk_policy import RiskGrade
from bot.domain.risk_top_up import top_up_sources
from bot.domain.risk_view import Leg

__all__ = ["cut_for", "delever_to"]

ZERO = Decimal(0)


def delever_to(
    leg: Leg | InverseLeg, needed: Decimal, grade: RiskGrade, reasons: list[str]
) -> int | None:
    """The lower leverage to set at DELEVER and above (isolated only), or None."""
    if grade < RiskGrade.DELEVER:
        return None
    if leg.cross:
        reasons.append("cross margin: lowering leverage does not move the liquidation price")
        return None
    position = leg.view.position
    current = int(position.leverage) if position.leverage else leg.view.leverage
    if current is None:
        reasons.append("leverage unknown: cannot lower it")
        return None
    wanted = leg.view.wallet_balance + needed
    target = leverage_for(leg.notional(), wanted, current)
    if target is None:
        reasons.append(f"cannot lower leverage below {current}")
    else:
        reasons.append(f"lower leverage {current} -> {target}")
    return target


def cut_for(leg: Leg | InverseLeg, added: Decimal, grade: RiskGrade, reasons: list[str]) -> Decimal:
    """Unsigned contracts of the short to buy back at REDUCE (after a top-up of `added`
    quote), rounded up to the step, at most the short; 0 below REDUCE or for a long."""
    view = leg.view
    if grade < RiskGrade.REDUCE or leg.size > 0:
        return ZERO
    if leg.exposure() > 0:
        reasons.append(
            "the hedge-mode LONG leg outweighs the short: liquidation is below the mark and"
            " buying back the short would add to the net long, so it is not cut; reduce the"
            " LONG leg or add margin by hand"
        )
        return ZERO
    held = abs(view.position.contracts)
    if not leg.brackets:
        reasons.append("margin balance gone and no brackets to size a partial cut: buy back all")
        return held
    if isinstance(leg, InverseLeg):
        cut = round_amount_up(view.market, abs(leg.size) - leg.keep(added))
    else:
        cut = round_amount_up(
            view.market, (abs(leg.size) - _keep(leg, added)) / view.market.contract_size
        )
    cut = min(max(cut, ZERO), held)
    how = "" if leg.cross else " (isolated: the margin it releases is added back next cycle)"
    reasons.append(
        f"reduce the short by {cut} contracts to restore {view.policy.restore_distance}{how}"
    )
    return cut


def _keep(leg: Leg, added: Decimal) -> Decimal:
    """Base units of the short that can stay (see the module docstring). The cut's taker fee
    (bought at about the mark) comes out of the margin that stays, in either mode."""
    view = leg.view
    balance = leg.balance(view.wallet_balance + added) - leg.others(view.other_maint_margin)
    held = abs(leg.size)
    fee = view.mark * view.market.taker_fee  # quote per base unit cut

    def keep(fixed: Decimal, per_base: Decimal) -> Decimal:
        return reduction_for(
            size=leg.size,
            mark=view.mark,
            target=leg.target(),
            margin_balance=fixed,
            brackets=leg.brackets,
            margin_per_base=per_base,
        )

    if leg.cross:
        return keep(balance + leg.long_room(leg.target()) - held * fee, fee)
    sources = top_up_sources(
        view.margin_mode,
        RiskGrade.REDUCE,
        futures_free=view.futures_free,
        spot_free=view.spot_free,
        auto=view.policy.auto_top_up,
    )
    leftover = max((sources.total if sources else ZERO) - added, ZERO)
    full = keep(balance + leftover - held * fee, fee)
    cap = view.policy.max_top_up
    if cap is None:
        return full
    return min(full, keep(cap, balance / held))
