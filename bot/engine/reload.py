"""SIGHUP: load the YAML again and apply it between cycles.

A valid new config replaces the old one whole: changed targets rebalance on the next cycle,
removed hedges stop being managed (their resting orders are cancelled), changed accounts
get new gateways. An invalid file is rejected with a clear log line and an alert; the old
config stays in force.
"""

from __future__ import annotations

from pathlib import Path

import structlog

from bot.config import ConfigError, config_fingerprint, load_config, redacted_dump, secret_values
from bot.domain.planner import Cancel
from bot.exchange.client_ids import hedge_of, hedge_tag, is_ours
from bot.exchange.errors import ExchangeError
from bot.logs import register_secret
from bot.notify.catalogue import AlertKind, make_alert

from .orders import cancel
from .runtime import Runtime, build_exchanges

__all__ = ["apply_reload"]

log = structlog.get_logger(__name__)


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


async def apply_reload(rt: Runtime, path: Path | None) -> bool:
    """True when the new config was applied."""
    try:
        new = load_config(path)
    except ConfigError as exc:
        log.error("config.reload_rejected", path=str(path), problems=str(exc))
        rt.notifier.notify(
            make_alert(
                AlertKind.STALE_DATA, None, f"config reload rejected, old config kept: {exc}"
            )
        )
        return False
    old = rt.settings
    for value in secret_values(new):
        register_secret(value)
    for name in set(old.hedges) - set(new.hedges):
        await _retire_hedge(rt, name)
    changed = [
        a
        for a in new.accounts_in_use()
        if a not in old.accounts or old.accounts[a] != new.accounts[a]
    ]
    sim_holder = [rt.sim] if rt.sim is not None else []
    fresh = await build_exchanges(new, changed, sim_holder)
    for name in changed:
        if name in rt.exchanges:
            await rt.exchanges[name].close()
    rt.exchanges.update(fresh)
    if sim_holder and rt.sim is None:
        rt.sim = sim_holder[0]
    rt.settings = new
    rt.state.set_hedges(new.hedges)
    rt.setup_done.clear()
    rt.journal.record_config(config_fingerprint(new), redacted_dump(new))
    for exchange in fresh.values():
        await exchange.load_markets()
    log.info("config.reloaded", hedges=sorted(new.hedges), accounts_rebuilt=changed)
    return True
