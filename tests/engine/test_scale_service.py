"""Many hedges on one account (service layer over the fake venue): reads per cycle that do not
grow with the number of hedges, concurrent acting with the journal-before-send rule intact,
one hedge's failure isolated, and request-weight awareness."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.domain.model import Order, Wallet
from bot.exchange.client_ids import parse_client_id
from bot.exchange.errors import OrderRejected
from bot.exchange.port import OrderRequest
from bot.store import Journal

from .fake_exchange import BRACKETS, FakeExchange, btc_perp
from .service import BTC_HEDGE, Clock, Service, open_service

N = 12


def _coin(i: int) -> str:
    return f"C{i:02d}"


def _list_coins(fake: FakeExchange, n: int) -> dict[str, Any]:
    """List `n` perps C00/USDT:USDT … (BTC's rules, price 100), hold 300 of each coin in
    spot, and return the hedges (one per coin, target 1.0)."""
    hedges = {}
    for i in range(n):
        coin = _coin(i)
        symbol = f"{coin}/USDT:USDT"
        fake.markets[symbol] = replace(
            btc_perp(), symbol=symbol, exchange_symbol=f"{coin}USDT", base=coin
        )
        fake.quotes[symbol] = (Decimal(100), Decimal("100.1"))
        fake.brackets[symbol] = BRACKETS
        fake.balances[Wallet.SPOT][coin] = Decimal(300)
        hedges[coin] = {
            **BTC_HEDGE,
            "spot": {"account": "main", "asset": coin},
            "perp": {"account": "main", "symbol": symbol},
        }
    return hedges


def _service(tmp_path: Path, fake: FakeExchange, n: int = N, **sections: Any) -> Service:
    clock = fake.clock
    assert isinstance(clock, Clock)
    return open_service(tmp_path, clock=clock, fake=fake, hedges=_list_coins(fake, n), **sections)


def _reads(fake: FakeExchange, since: int) -> list[str]:
    return [c.split(" ", 1)[0] for c in fake.calls[since:] if c.split(" ", 1)[0] != "load_markets"]


async def test_a_steady_cycle_costs_the_same_few_reads_for_one_hedge_or_many(
    tmp_path: Path,
) -> None:
    """Once every hedge is at its target (its order filled, the fill journaled), a cycle reads
    balances, positions, open orders and quotes once each — no per-symbol fills, brackets or
    quotes — for 1 hedge as for 12."""
    counts = []
    for n in (1, N):
        fake = FakeExchange(Clock())
        (tmp_path / str(n)).mkdir()
        service = _service(tmp_path / str(n), fake, n)
        await service.cycle()  # one sell per hedge
        for order in fake.open_orders():
            assert order.client_id is not None
            fake.fill(order.client_id)
        await service.cycles(3)  # the fills read and journaled, the follow-up read, steady
        since = len(fake.calls)
        await service.cycle()
        counts.append(sorted(_reads(fake, since)))
        assert not fake.open_orders() and service.rows("SELECT count(*) FROM fills") == [(n,)]
    one, many = counts
    assert one == many == sorted(
        ["fetch_balances", "fetch_balances", "fetch_positions", "fetch_account_open_orders",
         "fetch_quotes"]
    )  # fmt: skip


async def test_a_fill_behind_a_stale_position_is_still_read(tmp_path: Path) -> None:
    """A resting order of ours that vanishes from the open orders makes the cycle read that
    symbol's fills even though the venue's position reply does not show the fill (stale:
    still flat): the fill is journaled, the reply is not trusted, and the hedge does not sell
    again. Orders resting untouched and symbols at target cost no fills read."""
    fake = FakeExchange(Clock())
    service = _service(tmp_path, fake)
    await service.cycle()
    for order in fake.open_orders():
        if order.symbol != "C03/USDT:USDT":
            assert order.client_id is not None
            fake.fill(order.client_id)
    await service.cycles(3)  # the others at target: no order live
    order = next(o for o in fake.open_orders() if o.symbol == "C03/USDT:USDT")
    assert order.client_id is not None
    before = fake.positions.pop("C03/USDT:USDT", None)
    fake.fill(order.client_id)
    stale = fake.positions.pop("C03/USDT:USDT")  # the venue still reports C03 flat
    assert before is None and stale.contracts < 0
    since = len(fake.calls)
    report = await service.cycle()
    assert [c for c in fake.calls[since:] if c.startswith("fetch_fills")] == [
        "fetch_fills C03/USDT:USDT"
    ]
    assert service.rows("SELECT count(*) FROM fills") == [(N,)]
    assert "not trusted" in report.skipped.get("C03", "") or not report.decisions["C03"].trusted
    assert not fake.open_orders()


async def test_brackets_and_setup_of_every_hedge_take_one_cycle_and_one_brackets_call(
    tmp_path: Path,
) -> None:
    """The first cycle reads the brackets of all 12 perps in one call and sets margin mode
    and leverage of each; the second reads no brackets and sets nothing again."""
    fake = FakeExchange(Clock())
    service = _service(tmp_path, fake)
    await service.cycle()
    brackets = [c for c in fake.calls if c.startswith("fetch_margin_brackets")]
    assert len(brackets) == 1 and brackets[0].count(",") == N - 1
    assert sum(c.startswith("set_leverage") for c in fake.calls) == N
    since = len(fake.calls)
    await service.cycle()
    assert not [c for c in fake.calls[since:] if c.startswith(("fetch_margin", "set_"))]


class SlowVenue(FakeExchange):
    """A venue whose order requests take a while (they yield), recording at send time whether
    the journal already held the order's intent, and how many were in flight at once."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock)
        self.journal: Journal | None = None
        self.intent_first: list[bool] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def place_order(self, request: OrderRequest) -> Order:
        assert self.journal is not None
        found = self.journal.order_by_client_id(request.client_id)
        self.intent_first.append(found is not None and found.status == "pending")
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0.01)
        self.in_flight -= 1
        return await super().place_order(request)


async def test_hedges_act_concurrently_with_every_intent_journaled_before_its_send(
    tmp_path: Path,
) -> None:
    """12 hedges placing in one cycle: up to `act_concurrency` (5) orders are in flight at
    once, never more; each order's intent is in the journal when its request is sent, and
    every order has its own client id and sequence."""
    fake = SlowVenue(Clock())
    service = _service(tmp_path, fake, scale={"act_concurrency": 5})
    fake.journal = service.rt.journal
    await service.cycle()
    assert fake.most_in_flight == 5
    assert len(fake.intent_first) == N and all(fake.intent_first)
    ids = [o.client_id for o in fake.orders.values()]
    parsed = [parse_client_id(i) for i in ids]
    assert len(set(ids)) == N
    assert len({p.sequence for p in parsed if p is not None}) == N


async def test_one_hedge_refused_or_delisted_leaves_the_others_trading(tmp_path: Path) -> None:
    """One symbol delisted and another's order refused: those two hedges alone skip or fail;
    the account is not marked failed and the other 10 hedges place their orders."""
    fake = FakeExchange(Clock())
    service = _service(tmp_path, fake)
    del fake.markets["C00/USDT:USDT"]
    refused = RefuseOne(fake, "C01/USDT:USDT")
    service.rt.exchanges["main"] = refused  # type: ignore[assignment]
    report = await service.cycle()
    assert report.failures == {}
    assert report.skipped == {"C00": "market C00/USDT:USDT not found"}
    symbols = {o.symbol for o in fake.open_orders()}
    assert symbols == {f"{_coin(i)}/USDT:USDT" for i in range(2, N)}


class RefuseOne:
    """The fake venue, refusing every order on one symbol."""

    def __init__(self, fake: FakeExchange, symbol: str) -> None:
        self._fake = fake
        self._symbol = symbol
        self.account = fake.account

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fake, name)

    async def place_order(self, request: OrderRequest) -> Order:
        if request.symbol == self._symbol:
            raise OrderRejected("-4131 The counterparty's best price does not meet the rule.")
        return await self._fake.place_order(request)


async def test_used_weight_is_exported_and_tight_weight_defers_bracket_refreshes(
    tmp_path: Path,
) -> None:
    """The venue's used weight appears as hedgebot_used_weight{account}; with less than the
    headroom left the hourly bracket refresh waits, and runs once weight is back."""
    fake = FakeExchange(Clock())
    service = _service(tmp_path, fake, 2)
    await service.cycle()
    for entry in list(service.rt.brackets):
        service.rt.brackets[entry] = replace(service.rt.brackets[entry], due=True)
    fake.weight = {"usdm": 2000, "spot": 10}
    before = sum(c.startswith("fetch_margin_brackets") for c in fake.calls)
    await service.cycle()
    assert 'hedgebot_used_weight{account="main"} 2000.0' in service.rt.metrics.render().decode()
    assert sum(c.startswith("fetch_margin_brackets") for c in fake.calls) == before
    fake.weight = {"usdm": 100}
    await service.cycle()
    assert sum(c.startswith("fetch_margin_brackets") for c in fake.calls) == before + 1
