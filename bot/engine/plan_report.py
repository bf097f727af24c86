"""`hedgebot plan` output: decisions → a plain document (JSON-ready) → a rich table or JSON.

Units: `spot`, `perp_base`, `gap` in base units of the spot asset; `perp_contracts` and
order amounts in signed/unsigned contracts (short = negative); ratios and `band` as fractions;
prices in the perp's quote currency. `gap` > 0 means the short is below the target. During a
roll, `roll` says from/to which contract, `moved` and `size` in base units; the ratio and gap
measure old + new, `perp_contracts` the old contract alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.domain.contracts import base_exposure, notional
from bot.domain.decision import Decision
from bot.domain.hedge import HedgePolicy, HedgeState, measure
from bot.domain.model import AccountSnapshot
from bot.domain.planner import reference_price
from bot.domain.roll_state import RollState, roll_line
from bot.engine.holding_view import holding_fields

__all__ = ["HedgeOutcome", "plan_document", "print_plan_json", "render_plan"]

_DASH = "—"
_PIPE_WIDTH = 120


@dataclass(frozen=True, slots=True)
class HedgeOutcome:
    """One hedge's plan: the decision and the perp snapshot it came from, or why none."""

    policy: HedgePolicy
    perp: AccountSnapshot | None
    decision: Decision | None
    error: str | None


def _state(o: HedgeOutcome, d: Decision, price: Decimal) -> HedgeState | None:
    """The planner's measurement; measured here too when the planner stopped early (paused,
    untrusted data) so the numbers are still shown."""
    if d.plan.state is not None:
        return d.plan.state
    assert o.perp is not None
    market = o.perp.markets[o.policy.perp_symbol]
    try:
        return measure(o.policy, market, d.exposure_units, d.position.contracts, price)
    except ValueError:
        return None


def _risk(d: Decision) -> dict[str, Any] | None:
    r = d.risk
    if r is None:
        return None
    return {
        "grade": r.grade.name.lower(),
        "liquidation_distance": r.distance,
        "liquidation_price": r.liquidation_price,
        "margin_ratio": r.margin_ratio,
        "reasons": list(r.reasons),
    }


def _roll(roll: RollState | None) -> dict[str, Any] | None:
    if roll is None:
        return None
    return {
        "from": roll.from_symbol,
        "to": roll.to_symbol,
        "moved": roll.progress.moved,
        "size": roll.size,
        "late": roll.late,
        "line": roll_line(roll),
    }


def _hedge(o: HedgeOutcome) -> dict[str, Any]:
    policy = o.policy
    doc: dict[str, Any] = {
        "spot_asset": policy.spot_asset,
        "perp_symbol": policy.perp_symbol,
        "target": policy.target_ratio,
        "band": policy.band,
        "max_ratio": policy.max_ratio,
        "error": o.error,
    }
    if o.decision is None or o.perp is None:
        return doc
    d = o.decision
    if d.target is not None:  # the effective target the plan aims at, and why
        doc.update(target=d.target.ratio, target_reason=d.target.reason)
    market = o.perp.markets[policy.perp_symbol]
    quote = o.perp.quotes[policy.perp_symbol]
    price = reference_price(quote)
    state = _state(o, d, price)
    doc.update(
        spot=d.spot_amount,
        **holding_fields(d),
        perp_contracts=d.position.contracts,
        perp_base=base_exposure(market, d.position.contracts, price),
        ratio=state.ratio if state else None,
        gap=state.gap if state else None,
        gap_contracts=state.gap_contracts if state else None,
        within_band=(
            state is not None
            and state.ratio is not None
            and abs(state.ratio - doc["target"]) <= policy.band
        ),
        price=price,
        quote_currency=market.quote,
        bid=quote.bid,
        ask=quote.ask,
        data_ok=d.verdict.ok,
        data_reason=d.verdict.reason,
        risk=_risk(d),
        roll=_roll(d.memory.roll),
        orders=[
            {
                "symbol": p.symbol,
                "side": p.side.value,
                "amount": p.amount,
                "price": p.price,
                "notional": notional(o.perp.markets.get(p.symbol, market), p.amount, p.price),
                "post_only": p.post_only,
                "reduce_only": p.reduce_only,
                "immediate_or_cancel": p.immediate_or_cancel,
                "purpose": p.purpose.value,
            }
            for p in d.plan.orders
        ],
        cancels=[{"order_id": c.order_id, "reason": c.reason} for c in d.plan.cancels],
        kept=list(d.plan.kept),
        notes=[n for n in d.plan.notes if n],
    )
    return doc


def plan_document(outcomes: Mapping[str, HedgeOutcome]) -> dict[str, Any]:
    """{"ok": every hedge planned, "places_nothing": true, "hedges": {name: {...}}}."""
    hedges = {name: _hedge(o) for name, o in outcomes.items()}
    return {
        "ok": all(h["error"] is None for h in hedges.values()),
        "places_nothing": True,
        "hedges": hedges,
    }


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)  # every digit kept; floats would not
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def print_plan_json(document: Mapping[str, Any], stream: TextIO) -> None:
    print(json.dumps(document, default=_json_default, indent=2), file=stream)


# --- table ---------------------------------------------------------------------------------


def _num(value: Any) -> str:
    """A number without trailing zeros ('2.000' → '2'); None → a dash."""
    if value is None:
        return _DASH
    if not isinstance(value, Decimal):
        return str(value)
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text


def _pct(value: Decimal | None, sign: str = "") -> str:
    return _DASH if value is None else f"{sign}{value * 100:.1f} %"


def _risk_text(risk: Mapping[str, Any] | None) -> str:
    if risk is None:
        return _DASH
    distance = risk["liquidation_distance"]
    liq = f", liq {_pct(distance)} away" if distance is not None else ""  # from the mark
    return f"{risk['grade']}{liq}"


def _flags(order: Mapping[str, Any]) -> list[str]:
    return [f for f, on in (("post-only", order["post_only"]),
                            ("reduce-only", order["reduce_only"]),
                            ("IOC", order["immediate_or_cancel"])) if on]  # fmt: skip


def _order_text(order: Mapping[str, Any], h: Mapping[str, Any]) -> str:
    """ "sell 1 @ 61000 (…)"; the contract named when it is not the held one (a roll's)."""
    on = f" {order['symbol']}" if order["symbol"] != h["perp_symbol"] else ""
    return (
        f"{order['side']} {_num(order['amount'])}{on} @ {_num(order['price'])} "
        f"({', '.join([*_flags(order), order['purpose']])}; "
        f"≈ {order['notional']:.2f} {h['quote_currency']})"
    )


def _roll_text(h: Mapping[str, Any]) -> str:
    """ "rolling A → B (x of y moved): buy 0.68 A reduce-only, post-only", or why nothing."""
    steps = [
        f"{o['side']} {_num(o['amount'])} {o['symbol']} {', '.join(_flags(o))}".rstrip()
        for o in h["orders"]
    ]
    return f"{h['roll']['line']}: {' / '.join(steps) or 'nothing placed this cycle'}"


def _row(name: str, h: Mapping[str, Any]) -> list[str]:
    if h["error"] is not None:
        return [name, _DASH, _DASH, _DASH, _pct(h["target"]), _pct(h["band"], "±"), _DASH, _DASH]
    asset = h["spot_asset"]
    perp = f"{_num(h['perp_contracts'])} c ({_num(h['perp_base'])} {asset})"
    gap = _DASH
    if h["gap"] is not None:
        sign = "+" if h["gap"] > 0 else ""
        gap = f"{sign}{_num(h['gap'])} {asset}"
    return [
        name,
        f"{_num(h['spot'])} {h['spot_asset']}",
        perp,
        _pct(h["ratio"]),
        _pct(h["target"]),
        _pct(h["band"], "±"),
        gap,
        _risk_text(h["risk"]),
    ]


def _repeats(note: str, order: Mapping[str, Any]) -> bool:
    """Whether `note` is the planner's ("grow: sell …") or the roll's ("roll sell_new: sell
    0.68 B @ …") line for `order`."""
    if note.startswith(f"{order['purpose']}: {order['side']} "):
        return True
    return note.startswith("roll ") and f": {order['side']} {_num(order['amount'])} " in note


def _details(name: str, h: Mapping[str, Any]) -> list[str]:
    if h["error"] is not None:
        return [f"[bold]{name}[/]: [red]not planned[/]: {escape(h['error'])}"]
    lines = [f"[bold]{name}[/] ({escape(h['perp_symbol'])} at {_num(h['price'])}):"]
    if h.get("target_reason"):
        lines.append(f"  target: {escape(h['target_reason'])}")
    if h["roll"] is not None:
        lines.append(f"  {escape(_roll_text(h))}")
    for order in h["orders"]:
        lines.append(f"  would place  {escape(_order_text(order, h))}")
    for cancel in h["cancels"]:
        lines.append(f"  would cancel {escape(cancel['order_id'])} ({escape(cancel['reason'])})")
    if not h["orders"] and not h["cancels"]:
        lines.append("  nothing to do")
    # The planner's note for an order it places repeats the order (as the roll's status
    # line repeats the roll line above): show it once.
    said = {h["roll"]["line"]} if h["roll"] is not None else set()
    for note in h["notes"]:
        if note not in said and not any(_repeats(note, o) for o in h["orders"]):
            lines.append(f"  note: {escape(note)}")
    return lines


def render_plan(document: Mapping[str, Any], stream: TextIO) -> None:
    """The plan as one summary table and, per hedge, the orders and cancels it would send."""
    isatty = getattr(stream, "isatty", None)
    width = None if isatty is not None and isatty() else _PIPE_WIDTH  # a terminal keeps its own
    console = Console(file=stream, highlight=False, soft_wrap=True, width=width)
    hedges: Mapping[str, Mapping[str, Any]] = document["hedges"]
    if not hedges:
        console.print("no hedges configured")
        return
    table = Table(title="plan (one snapshot; nothing is placed)", title_justify="left")
    for column in ("hedge", "spot", "perp", "ratio", "target", "band", "gap", "risk"):
        table.add_column(column, justify="left" if column in ("hedge", "risk") else "right")
    for name, h in hedges.items():
        table.add_row(*_row(name, h))
    console.print(table)
    for name, h in hedges.items():
        for line in _details(name, h):
            console.print(line)
