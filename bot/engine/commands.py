"""The one-shot commands: `hedgebot check` and `hedgebot plan`.

`check` validates what the daemon will need before it runs (venue, keys, symbols, assets,
leverage/margin mode, dust, journal, API port, notify URLs), one line per check. `plan` reads
one snapshot through the daemon's own gather → decide path and prints what a cycle would do;
it places and cancels nothing and never opens the daemon's journal (a scratch one in a
temporary directory stands in for it, so the plan starts from no history: no trusted
position, no turnover today, no operator pauses).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from bot.config import NotifySettings, Settings
from bot.domain.model import Balance, Market, Wallet
from bot.domain.planner import reference_price
from bot.exchange.errors import ExchangeError
from bot.exchange.port import Exchange

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
from .cycle import decide_hedge, legs_needs
from .gather import gather_accounts
from .plan_report import HedgeOutcome, plan_document, print_plan_json, render_plan
from .runtime import Runtime, build_exchanges, hedge_legs, open_runtime

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
    settings: Settings, name: str, sim_holder: list[Any], out: _Printer
) -> _AccountRead | None:
    """Connect, load markets and read the wallets the hedges need (proves the keys work)."""
    account = settings.accounts[name]
    label = f"accounts.{name} ({account.exchange}, {account.mode.value})"
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


async def _check_hedges(
    settings: Settings, reads: Mapping[str, _AccountRead], out: _Printer
) -> None:
    legs = hedge_legs(settings)
    for name, policy in settings.hedge_policies().items():
        leg = legs[name]
        missing = [a for a in (leg.spot_account, leg.perp_account) if a not in reads]
        if missing:
            out(Line(Level.WARN, f"hedges.{name}: not checked (account {missing[0]} failed)"))
            continue
        spot_read, perp_read = reads[leg.spot_account], reads[leg.perp_account]
        out(asset_line(name, policy.spot_asset, spot_read.spot, spot_read.markets))
        found = perp_line(name, policy.perp_symbol, perp_read.markets)
        out(found)
        if found.level is Level.FAIL:
            continue
        market = perp_read.markets[policy.perp_symbol]
        try:
            out(await leverage_line(perp_read.exchange, policy, market))
            quote = await perp_read.exchange.fetch_quote(policy.perp_symbol)
            balance = spot_read.spot.get(policy.spot_asset)
            held = balance.total if balance else Decimal(0)
            out(dust_line(policy, market, held, reference_price(quote)))
        except (ExchangeError, OSError) as exc:
            fix = account_fix(leg.perp_account, settings, exc)
            out(Line(Level.FAIL, f"hedges.{name}: {exc}", fix))


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
    sim_holder: list[Any] = []
    reads: dict[str, _AccountRead] = {}
    try:
        for name in sorted(settings.accounts):
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


# --- plan ----------------------------------------------------------------------------------


def _scratch_settings(settings: Settings, journal: Path) -> Settings:
    """`settings` with a throw-away journal and no alert targets: a plan writes nothing the
    daemon reads and sends nothing."""
    return settings.model_copy(
        update={
            "journal": settings.journal.model_copy(update={"path": journal}),
            "notify": NotifySettings(),
        }
    )


async def snapshot_plan(rt: Runtime) -> dict[str, HedgeOutcome]:
    """One gather → decide pass over every hedge of `rt`, exactly as a cycle decides, without
    acting or recording. Hedges that cannot be decided carry the reason instead."""
    legs = rt.legs
    result = await gather_accounts(rt.exchanges, legs_needs(legs), now_ms=rt.now_ms)
    failed = {f.account: str(f.error) for f in result.failures}
    now = rt.now_ms()
    outcomes: dict[str, HedgeOutcome] = {}
    for name, policy in rt.policies.items():
        leg = legs[name]
        down = [a for a in (leg.spot_account, leg.perp_account) if a in failed]
        if down:
            why = f"account {down[0]}: {failed[down[0]]}"
            outcomes[name] = HedgeOutcome(policy, None, None, why)
            continue
        decision = await decide_hedge(rt, policy, leg, result.snapshots, now, None)
        if isinstance(decision, str):
            outcomes[name] = HedgeOutcome(policy, None, None, decision)
        else:
            perp = result.snapshots[leg.perp_account]
            outcomes[name] = HedgeOutcome(policy, perp, decision, None)
    return outcomes


async def plan_command(settings: Settings, *, as_json: bool, stream: TextIO | None = None) -> int:
    """Print what one cycle would do per hedge (rich table, or JSON with Decimals as strings)
    to `stream` (default stdout). Returns 0, or 1 when any hedge could not be planned."""
    out = stream or sys.stdout
    with tempfile.TemporaryDirectory(prefix="hedgebot-plan-") as scratch:
        try:
            rt = await open_runtime(
                _scratch_settings(settings, Path(scratch) / "plan.sqlite"), version="plan"
            )
        except (ExchangeError, OSError) as exc:
            print(f"hedgebot plan: cannot connect: {exc}", file=sys.stderr)
            return EXIT_PROBLEM
        try:
            outcomes = await snapshot_plan(rt)
        except (ExchangeError, OSError) as exc:
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
