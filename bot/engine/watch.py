"""Watchers the cycle consults: kill switch, account health (circuit breaker), data trust,
margin brackets, a GROW order short of margin, and repeated rejections. Each turns a state
change into one journal row and one alert, not a stream of them."""

from __future__ import annotations

import structlog

from bot.config import Settings
from bot.domain.grow_margin import GrowFunding
from bot.domain.memory import HedgeLegs
from bot.domain.staleness import DataVerdict
from bot.exchange.errors import ExchangeError
from bot.notify.catalogue import AlertKind, make_alert

from .brackets import bracket_key
from .runtime import Runtime

__all__ = [
    "REJECTIONS_ALERT",
    "account_failed",
    "account_ok",
    "brackets_state",
    "check_kill_switch",
    "data_verdict",
    "kill_switch_on",
    "margin_short",
    "note_rejection",
]

log = structlog.get_logger(__name__)
REJECTIONS_ALERT = 3  # rejections in a row for one hedge before an alert


def kill_switch_on(settings: Settings) -> bool:
    """Whether the kill switch file (`control.kill_switch_file`) exists now."""
    path = settings.control.kill_switch_file
    return bool(path is not None and path.exists())


def check_kill_switch(rt: Runtime) -> bool:
    """True while the kill switch file exists: every hedge cancels its orders, places none.
    A change is journaled and alerted once."""
    path = rt.settings.control.kill_switch_file
    on = kill_switch_on(rt.settings)
    if on != rt.state.kill_switch:
        rt.state.kill_switch = on
        kind = "kill_switch_on" if on else "kill_switch_off"
        rt.journal.record_operator_event(kind, source="file", reason=str(path))
        detail = f"{path} {'exists: all trading stopped' if on else 'removed: trading resumes'}"
        rt.notifier.notify(make_alert(AlertKind.KILL_SWITCH, None, detail))
        log.warning("kill_switch", on=on, path=str(path))
    return on


def _breaker_state(rt: Runtime, account: str) -> tuple[str, int]:
    breaker = getattr(rt.exchanges.get(account), "breaker", None)
    if breaker is None:
        return "closed", 0
    return str(breaker.state.value), int(breaker.consecutive_failures)


def account_failed(rt: Runtime, account: str, error: ExchangeError) -> None:
    kind = type(error).__name__
    rt.metrics.count_error(account, kind)
    state, failures = _breaker_state(rt, account)
    previous = rt.state.accounts.get(account, {}).get("breaker")
    rt.state.accounts[account] = {
        **_account_base(rt, account),
        "breaker": state,
        "consecutive_failures": failures,
        "last_error": str(error),
    }
    rt.metrics.set_breaker(account, state == "open")
    log.warning("account.read_failed", account=account, kind=kind, detail=str(error))
    if state == "open" and previous != "open":
        rt.notifier.notify(make_alert(AlertKind.BREAKER_OPEN, None, f"{account}: {error}"))


def account_ok(rt: Runtime, account: str) -> None:
    previous = rt.state.accounts.get(account, {}).get("breaker")
    state, failures = _breaker_state(rt, account)
    rt.state.accounts[account] = {
        **_account_base(rt, account),
        "breaker": state,
        "consecutive_failures": failures,
        "last_error": None,
    }
    rt.metrics.set_breaker(account, state == "open")
    if previous == "open" and state != "open":
        rt.notifier.notify(make_alert(AlertKind.BREAKER_CLOSED, None, f"{account} answers again"))


def _account_base(rt: Runtime, account: str) -> dict[str, str]:
    acc = rt.settings.accounts.get(account)
    if acc is None:
        return {}
    return {"exchange": acc.exchange, "mode": acc.venue_mode.value}


def data_verdict(rt: Runtime, hedge: str, verdict: DataVerdict) -> None:
    live = rt.state.hedges[hedge]
    if verdict.ok:
        if live.data_pause_reason is not None:
            log.info("data.trusted_again", hedge=hedge)
            rt.notifier.notify(make_alert(AlertKind.RESUMED, hedge, "data consistent again"))
        live.data_pause_reason = None
        return
    if live.data_pause_reason is None:
        log.warning("data.untrusted", hedge=hedge, reason=verdict.reason)
        rt.journal.record_operator_event(
            "data_pause", source="guard", hedge=hedge, reason=verdict.reason
        )
    live.data_pause_reason = verdict.reason
    rt.notifier.notify(make_alert(AlertKind.STALE_DATA, hedge, verdict.reason))


def note_rejection(rt: Runtime, hedge: str, text: str) -> None:
    """Alert once when the hedge's memory reaches `REJECTIONS_ALERT` rejections in a row: the
    back-off keeps resending the order every few minutes, and each later rejection of the same
    streak is not news to the operator (an accepted order ends the streak). Called for every
    rejection the memory counts (a refused order or its failed funding transfer), so the
    count passes through `REJECTIONS_ALERT` here exactly once per streak."""
    memory = rt.memory.get(hedge)
    count = memory.rejections if memory is not None else 1
    if count == REJECTIONS_ALERT:
        rt.notifier.notify(
            make_alert(
                AlertKind.ORDERS_REJECTED_REPEATEDLY, hedge, f"{count} in a row; last: {text}"
            )
        )


def brackets_state(rt: Runtime, hedge: str, legs: HedgeLegs, *, missing: bool, was: bool) -> None:
    """One alert when a hedge starts being decided without margin brackets, one log line when
    they are back."""
    if missing == was:
        return
    symbol = legs.perp_symbol
    if not missing:
        log.info("risk.brackets_available", hedge=hedge, symbol=symbol)
        return
    entry = rt.brackets.get(bracket_key(legs.perp_account, symbol))
    why = entry.error if entry is not None and entry.error else "not read yet"
    detail = (
        f"{symbol} on {legs.perp_account}: margin brackets could not be read ({why}). The"
        " short is not grown until they can be (retried every minute); shrinking still happens."
    )
    rt.notifier.notify(make_alert(AlertKind.BRACKETS_UNAVAILABLE, hedge, detail))


def margin_short(
    rt: Runtime, hedge: str, funding: GrowFunding | None, *, short: bool, was: bool
) -> None:
    """One alert when the hedge's growth is first cut down (or dropped) for lack of margin,
    saying what was sent and what to do; nothing more until it was funded in full again."""
    if short == was:
        return
    if not short:
        log.info("grow.margin_sufficient", hedge=hedge)
        return
    detail = funding.note if funding is not None else "the margin available cannot fund it"
    log.warning("grow.margin_short", hedge=hedge, detail=detail)
    rt.notifier.notify(make_alert(AlertKind.MARGIN_SHORT, hedge, detail))
