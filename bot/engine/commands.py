"""The one-shot commands: `hedgebot check` and `hedgebot plan`.

`check` validates what the daemon will need before it runs (venue, keys, symbols, assets,
leverage/margin mode, dust, journal, API port, notify URLs), one line per check. `plan` reads
one snapshot through the daemon's own gather → inputs → decide path and prints what a cycle
would do: it reads the daemon's journal READ-ONLY (operator pauses, each hedge's memory and
trusted position, today's turnover, orders still in flight), honours the kill switch, and
places, cancels and writes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from bot.config import HedgeSettings, NotifySettings, Settings
from bot.domain.hedge import HedgePolicy
from bot.domain.instrument import multiplier_of
from bot.domain.model import Balance, Market, Wallet
from bot.domain.planner import reference_price
from bot.domain.proxy import is_proxy, proxy_spot_symbol, spot_price, value_multiplier
from bot.exchange.errors import ExchangeError
from bot.exchange.port import Exchange
from bot.store import Journal, JournalError, SchemaTooNew, wall_clock_ms

from .basket_cycle import hedge_groups
from .beta_refresh import refresh_betas
from .check import (
    Level,
    Line,
    account_fix,
    api_port_line,
    asset_line,
    dust_line,
    journal_line,
    key_lines,
    leverage_line,
    notify_lines,
    perp_line,
)
from .check_basket import basket_lines
from .check_beta import beta_line
from .check_holding import summed_holding, wallet_line
from .check_instrument import instrument_line
from .cycle import WAITING, legs_needs
from .dated_resolve import held_from_journal, move_past_expired, refresh_dated, resolve_dated
from .fills import fill_cursors
from .gather import gather_accounts
from .holding_sources import with_source_needs
from .inputs import ensure_memories
from .orders import blocked_hedges, look_up_unsettled
from .plan_groups import decide_each
from .plan_report import HedgeOutcome, plan_document, print_plan_json, render_plan
from .roll_inputs import done_from_journal, roll_cursors, roll_needs
from .runtime import EmbeddedSim, Runtime, build_exchanges, hedge_legs, open_runtime
from .watch import kill_switch_on

__all__ = ["check_command", "plan_command", "snapshot_plan"]

EXIT_OK = 0
EXIT_PROBLEM = 1


# --- check ---------------------------------------------------------------------------------


class _Printer:
    """Prints check lines as they come (connecting takes a moment); counts the outcomes."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        # No encoding (a StringIO) holds any text; a terminal may not (marks fall back to ASCII).
        encoding = getattr(self.stream, "encoding", None) or "utf-8"
        self.encoding = encoding
        try:
            "✓✗→≈×≤".encode(encoding)
            self.marks = {Level.OK: "✓", Level.WARN: "!", Level.FAIL: "✗"}
        except (UnicodeEncodeError, LookupError):
            self.marks = {Level.OK: "OK  ", Level.WARN: "WARN", Level.FAIL: "FAIL"}
        self.counts = dict.fromkeys(Level, 0)

    def _write(self, text: str) -> None:
        try:
            text.encode(self.encoding)
        except (UnicodeEncodeError, LookupError):
            text = text.encode("ascii", errors="replace").decode("ascii")
        print(text, file=self.stream, flush=True)

    def __call__(self, line: Line) -> None:
        self.counts[line.level] += 1
        self._write(f"{self.marks[line.level]} {line.text}")
        if line.fix:
            self._write(f"    fix: {line.fix}")

    def summary(self) -> int:
        fails, warns = self.counts[Level.FAIL], self.counts[Level.WARN]
        if fails:
            self._write(f"check failed: {fails} problem(s), {warns} warning(s)")
            return EXIT_PROBLEM
        self._write(f"check passed ({warns} warning(s))" if warns else "check passed")
        return EXIT_OK


@dataclass(frozen=True, slots=True)
class _AccountRead:
    exchange: Exchange
    markets: Mapping[str, Market]
    spot: Mapping[str, Balance]


async def _check_account(
    settings: Settings, name: str, sim_holder: list[EmbeddedSim], out: _Printer
) -> _AccountRead | None:
    """Connect, load markets and read the wallets the hedges need (proves the keys work)."""
    account = settings.accounts[name]
    label = f"accounts.{name} ({account.exchange}, {account.venue_mode.value})"
    needs = legs_needs(hedge_legs(settings)).get(name)
    # An account no hedge uses is still checked: its futures wallet proves the keys.
    wallets = {
        Wallet.SPOT: needs is not None and bool(needs.spot_assets),
        Wallet.FUTURES: needs is None or bool(needs.perp_symbols),
    }
    try:
        exchange = (await build_exchanges(settings, [name], sim_holder))[name]
    except (ExchangeError, OSError) as exc:
        out(Line(Level.FAIL, f"{label}: {exc}", account_fix(name, settings, exc)))
        return None
    try:
        markets = await exchange.load_markets()
        spot = await exchange.fetch_balances(Wallet.SPOT) if wallets[Wallet.SPOT] else {}
        if wallets[Wallet.FUTURES]:
            await exchange.fetch_balances(Wallet.FUTURES)
    except (ExchangeError, OSError) as exc:
        out(Line(Level.FAIL, f"{label}: {exc}", account_fix(name, settings, exc)))
        await exchange.close()
        return None
    read = " + ".join(w.value for w, needed in wallets.items() if needed)
    unused = "; used by no hedge" if needs is None else ""
    out(Line(Level.OK, f"{label}: reachable, keys accepted ({read} wallet read{unused})"))
    await _check_key(settings, name, exchange, bool(needs and needs.perp_symbols), out)
    return _AccountRead(exchange, markets, spot)


async def _check_key(
    settings: Settings, name: str, exchange: Exchange, futures: bool, out: _Printer
) -> None:
    """What the key may do (withdrawals, futures), as `hedgebot run` judges it at start."""
    allow = settings.accounts[name].allow_withdrawal_keys
    try:
        restrictions = await exchange.fetch_api_restrictions()
    except (ExchangeError, OSError) as exc:
        out(Line(Level.FAIL, f"accounts.{name}: API key permissions: {exc}",
                 account_fix(name, settings, exc)))  # fmt: skip
        return
    for line in key_lines(name, restrictions, allow_withdrawal=allow, trades_futures=futures):
        out(line)


async def _units_per_coin(
    exchange: Exchange, policy: HedgePolicy, market: Market, perp_price: Decimal
) -> Decimal:
    """Holding coins per instrument base unit: the multiplier, or for a proxy the value
    equivalence at the holding's own spot price (`proxy.value_multiplier`)."""
    if not is_proxy(market.base, policy.spot_asset):
        return multiplier_of(market, policy.spot_asset)
    spot = await exchange.fetch_quote(proxy_spot_symbol(policy.spot_asset, market.quote))
    return value_multiplier(spot_price(spot), perp_price)


def _resolved_series(
    settings: Settings, reads: Mapping[str, _AccountRead], out: _Printer
) -> dict[str, str]:
    """The contract each `future.series` hedge would hold now, said in one line each."""
    markets = {name: read.markets for name, read in reads.items()}
    now = {name: wall_clock_ms() for name in reads}
    resolved = resolve_dated(settings, markets, {}, now)
    for name, symbol in resolved.items():
        future = settings.hedges[name].future
        assert future is not None  # only series hedges resolve
        said = f"{future.series} ({future.expiry.value})"
        out(Line(Level.OK, f"hedges.{name}.future.series: {said} holds {symbol} now"))
    return resolved


def _uses(hedge: HedgeSettings, account: str) -> bool:
    return account == hedge.contract.account or any(
        s.account == account for s in hedge.spot_sources
    )


async def _check_hedges(
    settings: Settings, reads: Mapping[str, _AccountRead], out: _Printer
) -> None:
    resolved = _resolved_series(settings, reads, out)
    legs = hedge_legs(settings, resolved)
    for name, hedge in settings.hedges.items():
        policy, leg = hedge.to_policy(name, resolved.get(name)), legs[name]
        accounts = (leg.spot_account, leg.perp_account, *settings.accounts_in_use())
        missing = [a for a in accounts if a not in reads and _uses(hedge, a)]
        if missing:
            out(Line(Level.WARN, f"hedges.{name}: not checked (account {missing[0]} failed)"))
            continue
        spot_read, perp_read = reads[leg.spot_account], reads[leg.perp_account]
        summed = summed_holding(settings, name, {a: r.spot for a, r in reads.items()})
        asset = asset_line(name, policy.spot_asset, spot_read.spot, spot_read.markets)
        if summed is not None:
            asset = summed[0]
        out(asset)
        found = perp_line(name, policy.perp_symbol, perp_read.markets)
        out(found)
        if found.level is Level.FAIL:
            continue
        market = perp_read.markets[policy.perp_symbol]
        out(instrument_line(policy, market))
        if hedge.beta_estimate is not None:
            exchanges = {a: r.exchange for a, r in reads.items()}
            beta, policy = await beta_line(exchanges, hedge, leg, policy)
            out(beta)
        try:
            out(await leverage_line(perp_read.exchange, policy, market))
            if asset.level is Level.FAIL:
                continue  # no holding to size (the asset line says why)
            quote = await perp_read.exchange.fetch_quote(policy.perp_symbol)
            balance = spot_read.spot.get(policy.spot_asset)
            held = balance.total if balance else Decimal(0)
            if summed is not None:
                held = summed[1].coins
            price = reference_price(quote)
            held /= await _units_per_coin(spot_read.exchange, policy, market, price)
            out(dust_line(policy, market, held, price))
        except (ExchangeError, OSError) as exc:
            fix = account_fix(leg.perp_account, settings, exc)
            out(Line(Level.FAIL, f"hedges.{name}: {exc}", fix))
    for line in basket_lines(legs):
        out(line)


async def check_command(settings: Settings, *, stream: TextIO | None = None) -> int:
    """Run every check and print one line each (to `stream`, default stdout). Returns 0 when
    nothing failed (warnings allowed), 1 otherwise. Sets margin mode and leverage on each
    hedge's perp (idempotent); never places or cancels an order."""
    out = _Printer(stream)
    counts = f"{len(settings.accounts)} account(s), {len(settings.hedges)} hedge(s)"
    out(Line(Level.OK, f"config: {counts}"))
    out(journal_line(Path(settings.journal.path)))
    api = settings.api
    out(api_port_line(api.enabled, api.host, api.port))
    for line in notify_lines(tuple(u.get_secret_value() for u in settings.notify.urls)):
        out(line)
    sim_holder: list[EmbeddedSim] = []
    reads: dict[str, _AccountRead] = {}
    try:
        for name in sorted(settings.accounts):
            if settings.accounts[name].is_wallet:
                out(wallet_line(name, settings.accounts[name]))
                continue
            read = await _check_account(settings, name, sim_holder, out)
            if read is not None:
                reads[name] = read
        await _check_hedges(settings, reads, out)
    finally:
        for read in reads.values():
            await read.exchange.close()
        if sim_holder:
            await sim_holder[0].stop()
    return out.summary()


# --- plan ---------------------------------------------------------------------------------


def _quiet(settings: Settings) -> Settings:
    """`settings` without alert targets: a plan sends nothing."""
    return settings.model_copy(update={"notify": NotifySettings()})


def _plan_journal(path: Path) -> Journal:
    """The daemon's journal, read-only (safe beside a running daemon that holds its lock and
    writes); an empty in-memory one when no daemon has run yet (nothing is created)."""
    if Path(path).exists():
        return Journal(path, read_only=True)
    return Journal(":memory:")


async def snapshot_plan(rt: Runtime) -> dict[str, HedgeOutcome]:
    """One gather → decide pass over every hedge of `rt`, exactly as a cycle decides: the
    same input builder over the journal's pauses, memories, turnover and orders in flight,
    and the kill switch. Acts on nothing and writes nothing. Hedges that cannot be decided
    carry the reason instead. A roll under way is read and stepped as the cycle does (both
    contracts gathered, the step in place of the held contract's plan)."""
    names = list(rt.settings.hedges)
    rt.state.restore_pauses(rt.journal.paused_hedges(names))
    rt.state.kill_switch = kill_switch_on(rt.settings)
    held_from_journal(rt)  # each series hedge on the contract the daemon holds (as at start-up)
    done_from_journal(rt)
    await refresh_dated(rt, ask_venue=True)
    await move_past_expired(rt)
    ensure_memories(rt)
    await refresh_betas(rt)
    legs = rt.legs
    needs = roll_needs(rt, with_source_needs(rt.settings, legs_needs(legs)))
    cursors = roll_cursors(rt, fill_cursors(rt, legs))
    result = await gather_accounts(rt.exchanges, needs, fills_since_ms=cursors, now_ms=rt.now_ms)
    failed = {f.account: str(f.error) for f in result.failures}
    blocked = blocked_hedges(await look_up_unsettled(rt, rt.exchanges, legs), rt.now_ms())
    now = rt.now_ms()
    outcomes: dict[str, HedgeOutcome] = {}
    policies = rt.policies
    for group in hedge_groups(legs):  # a basket is decided once, as the cycle does
        waiting = WAITING if blocked.intersection(group) else None
        decided = await decide_each(rt, group, result, now, waiting, failed)
        for name, decision in decided.items():
            policy, perp = policies[name], result.snapshots.get(legs[name].perp_account)
            if isinstance(decision, str):
                outcomes[name] = HedgeOutcome(policy, None, None, decision)
            else:
                outcomes[name] = HedgeOutcome(policy, perp, decision, None)
    return {name: outcomes[name] for name in policies}  # config order


async def plan_command(settings: Settings, *, as_json: bool, stream: TextIO | None = None) -> int:
    """Print what one cycle would do per hedge (rich table, or JSON with Decimals as strings)
    to `stream` (default stdout). Returns 0, or 1 when any hedge could not be planned."""
    out = stream or sys.stdout
    try:
        journal = _plan_journal(Path(settings.journal.path))
    except (JournalError, SchemaTooNew) as exc:
        print(f"hedgebot plan: journal.path: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    try:
        rt = await open_runtime(_quiet(settings), version="plan", journal=journal)
    except (ExchangeError, OSError) as exc:
        print(f"hedgebot plan: cannot connect: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    try:
        outcomes = await snapshot_plan(rt)
    except (ExchangeError, OSError, JournalError) as exc:
        print(f"hedgebot plan: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    finally:
        await rt.close()
    document = plan_document(outcomes)
    if as_json:
        print_plan_json(document, out)
    else:
        render_plan(document, out)
    return EXIT_OK if document["ok"] else EXIT_PROBLEM
