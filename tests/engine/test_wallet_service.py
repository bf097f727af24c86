"""Wallet accounts through the cycle over a fake venue: a hedge of coins held only in a
wallet account counts the YAML amount (not the exchange's spot wallet), a reload that lowers
it shrinks the short reduce-only, and an unread exchange source skips the hedge rather than
counting as 0. BTC in coins; prices USDT."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.engine.reload import apply_reload
from bot.exchange.errors import TemporaryError

from .fake_exchange import SYMBOL, FakeExchange
from .service import BTC_HEDGE, Service, open_service, write_yaml

MAIN = {"exchange": "binance", "mode": "sim", "url": "http://127.0.0.1:9"}


def _accounts(cold_btc: str) -> dict[str, Any]:
    return {"main": MAIN, "cold": {"exchange": "wallet", "holdings": {"BTC": cold_btc}}}


def _hedge(spot: Any) -> dict[str, Any]:
    return {"BTC": {**BTC_HEDGE, "spot": spot}}


COLD = {"account": "cold", "asset": "BTC"}
BOTH = [{"account": "main", "asset": "BTC"}, COLD]


def _service(tmp_path: Path, spot: Any, cold_btc: str) -> Service:
    return open_service(tmp_path, hedges=_hedge(spot), accounts=_accounts(cold_btc))


async def test_a_wallet_only_hedge_counts_the_yaml_not_the_exchange(tmp_path: Path) -> None:
    """The exchange's spot wallet holds 2 BTC, the wallet account 0.5: the hedge is 0.5 BTC,
    priced and shorted on the exchange account."""
    service = _service(tmp_path, COLD, "0.5")
    report = await service.cycle()
    decision = report.decisions["BTC"]
    assert decision.spot_amount == 0.5 and decision.holding is not None
    assert decision.holding.describe() == "0.5 BTC cold wallet"
    assert service.placed() == [f"place_order {SYMBOL} sell 0.5 @ 60000.1 post-only"]


async def test_a_reload_lowering_the_wallet_buys_back_reduce_only(tmp_path: Path) -> None:
    """2 BTC on the exchange + 1 in the wallet is a 3 BTC short; a reload with the wallet at
    0.4 buys 0.6 back, reduce-only, and keeps the hedge's memory (its legs did not change)."""
    service = _service(tmp_path, BOTH, "1")
    await service.cycle()
    (order,) = service.fake.open_orders()
    assert order.amount == 3
    service.fake.fill(order.client_id or "")
    service.clock.advance(5)
    await service.cycle()
    memory = service.rt.memory["BTC"]
    path = write_yaml(
        service.config,
        Path(service.settings().journal.path),
        hedges=_hedge(BOTH),
        accounts=_accounts("0.4"),
    )
    assert await apply_reload(service.rt, path)
    assert service.rt.memory["BTC"] is memory
    service.clock.advance(5)
    await service.cycle()
    (buy,) = service.fake.open_orders()
    assert (buy.side.value, buy.amount, buy.reduce_only) == ("buy", Decimal("0.6"), True)


async def test_an_unread_exchange_source_skips_the_hedge(tmp_path: Path) -> None:
    """A second exchange source ("alt") that cannot be read is never counted as 0 (which
    would buy back the short): the hedge is not decided, nothing is placed, the reason names
    the account; once it answers, its coins count."""
    spot = [{"account": "main", "asset": "BTC"}, {"account": "alt", "asset": "BTC"}]
    accounts = {"main": MAIN, "alt": MAIN}
    service = open_service(tmp_path, hedges=_hedge(spot), accounts=accounts)
    alt = FakeExchange(service.clock, "alt")
    service.rt.exchanges["alt"] = alt
    alt.fail("fetch_balances", TemporaryError("venue busy"))
    report = await service.cycle()
    assert "BTC" not in report.decisions and service.placed() == []
    assert report.skipped["BTC"].startswith("account alt unreachable")
    service.clock.advance(5)
    report = await service.cycle()
    assert report.decisions["BTC"].spot_amount == 4  # 2 BTC on each account
