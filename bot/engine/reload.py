"""SIGHUP: load the YAML again and apply it between cycles — all of it, or none of it.

Everything that can fail is done first, while the old config is still in force: parse and
validate the file, connect the accounts whose settings changed and load their markets,
journal the new version. Only then is the runtime switched over, in one step that cannot
fail: settings, gateways, the live state, and the memory of each hedge (reset for a hedge
whose legs changed: a trust baseline or risk hold read on one symbol says nothing about
another). Hedges the new config drops have their resting orders cancelled; changed targets
rebalance on the next cycle. A rejected reload is logged, alerted (`reload_rejected`) and
leaves the old config, gateways and memories untouched. A reload never switches between a
dry run and a live one (`_keep_dry_run`).
"""

from __future__ import annotations

from pathlib import Path

import structlog

from bot.config import (
    ConfigError,
    Settings,
    config_fingerprint,
    load_config,
    redacted_dump,
    secret_values,
)
from bot.domain.memory import after_reload
from bot.domain.planner import Cancel
from bot.exchange.client_ids import hedge_of, hedge_tag, is_ours
from bot.exchange.errors import ExchangeError
from bot.exchange.port import Exchange
from bot.logs import register_secret
from bot.notify.catalogue import AlertKind, make_alert
from bot.store import JournalError

from .dated_resolve import refresh_dated
from .orders import cancel
from .runtime import EmbeddedSim, Runtime, hedge_legs

__all__ = ["apply_reload"]

log = structlog.get_logger(__name__)


class _Rejected(Exception):
    """A reload that cannot be applied; the message says why."""


async def _retire_hedge(rt: Runtime, name: str) -> None:
    legs = rt.legs[name]
    exchange = rt.exchanges[legs.perp_account]
    tag = hedge_tag(name)
    try:
        orders = await exchange.fetch_open_orders(legs.perp_symbol)
    except ExchangeError as exc:
        log.warning("config.retire_failed", hedge=name, detail=str(exc))
        return
    for order in orders:
        cid = order.client_id or ""
        if is_ours(cid) and hedge_of(cid) == tag:
            await cancel(
                rt, exchange, Cancel(order.id, legs.perp_symbol, "hedge removed from config")
            )
    rt.metrics.remove_hedge(name)


def _changed_accounts(old: Settings, new: Settings) -> list[str]:
    return [
        a
        for a in new.accounts_in_use()
        if a not in old.accounts or old.accounts[a] != new.accounts[a]
    ]


async def _close_all(exchanges: dict[str, Exchange]) -> None:
    for exchange in exchanges.values():
        try:
            await exchange.close()
        except Exception as exc:  # closing must never mask why we close
            log.warning("config.close_failed", account=exchange.account, detail=str(exc))


async def _connect(
    rt: Runtime, new: Settings, accounts: list[str], sim_holder: list[EmbeddedSim]
) -> dict[str, Exchange]:
    """Gateways for `accounts` with their markets loaded, or `_Rejected` (none kept)."""
    try:
        fresh = await rt.connect(new, accounts, sim_holder)
    except (ExchangeError, OSError) as exc:
        raise _Rejected(f"accounts: {exc}") from None
    for name, exchange in fresh.items():
        try:
            await exchange.load_markets()
        except (ExchangeError, OSError) as exc:
            await _close_all(fresh)
            raise _Rejected(f"accounts.{name}: cannot load markets: {exc}") from None
    return fresh


def _swap(rt: Runtime, new: Settings, fresh: dict[str, Exchange], changed: list[str]) -> None:
    """Switch the runtime to `new` (plain assignments: nothing here can fail half-way)."""
    legs = hedge_legs(new, rt.resolved)
    for account in changed:  # a rebuilt account may be another venue: forget what it said
        rt.venue_ms.pop(account, None)
        for key in [k for k in rt.brackets if k.split(":", 1)[0] == account]:
            del rt.brackets[key]
    cursors = {name: rt.venue_ms.get(leg.perp_account) for name, leg in legs.items()}
    rt.memory = after_reload(rt.memory, legs, cursors)
    rt.exchanges.update(fresh)
    rt.settings = new
    rt.state.set_hedges(new.hedges)
    rt.setup_done.clear()
    rt.beta_checked.clear()  # estimated betas are fitted again under the new settings


async def apply_reload(rt: Runtime, path: Path | None) -> bool:
    """True when the new config was applied; False (alerted) when the old one stays."""
    had_sim = rt.sim is not None
    sim_holder: list[EmbeddedSim] = [rt.sim] if rt.sim is not None else []
    try:
        new = _keep_dry_run(rt, load_config(path))
        for value in secret_values(new):
            register_secret(value)
        changed = _changed_accounts(rt.settings, new)
        fresh = await _connect(rt, new, changed, sim_holder)
        try:
            rt.journal.record_config(config_fingerprint(new), redacted_dump(new))
        except JournalError as exc:
            await _close_all(fresh)
            raise _Rejected(str(exc)) from None
    except (ConfigError, _Rejected) as exc:
        if sim_holder and not had_sim:
            await sim_holder[0].stop()
        _reject(rt, path, str(exc))
        return False
    for name in set(rt.settings.hedges) - set(new.hedges):
        await _retire_hedge(rt, name)  # with the old legs and gateways, before the swap
    replaced = {a: rt.exchanges[a] for a in changed if a in rt.exchanges}
    _swap(rt, new, fresh, changed)
    await refresh_dated(rt)
    if sim_holder and not had_sim:
        rt.sim = sim_holder[0]
    await _close_all(replaced)
    log.info("config.reloaded", hedges=sorted(new.hedges), accounts_rebuilt=changed)
    return True


def _keep_dry_run(rt: Runtime, new: Settings) -> Settings:
    """A reload never switches between a dry and a live run (the gateways were built for
    one of them): `run --dry-run` stays dry whatever the file says; a file whose `dry_run`
    differs from the running one is rejected — restart the daemon to switch."""
    if rt.dry_run_forced:
        return new.model_copy(update={"dry_run": True})
    if new.dry_run != rt.settings.dry_run:
        now = "a dry run" if rt.settings.dry_run else "live"
        raise _Rejected(f"dry_run: cannot change on a reload (the daemon runs {now}); restart it")
    return new


def _reject(rt: Runtime, path: Path | None, problems: str) -> None:
    log.error("config.reload_rejected", path=str(path), problems=problems)
    detail = f"{path or 'config'}: {problems}"
    rt.notifier.notify(make_alert(AlertKind.RELOAD_REJECTED, None, detail))
