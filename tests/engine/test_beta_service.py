"""An estimated beta through the cycle over a fake venue: fitted from both legs' candles at
start, used to size the proxy short, refused fits alerted once (no beta yet: no growth), and
the beta kept in the journal across a restart. BTC held, ETH/USDT:USDT shorted; prices USDT."""

from __future__ import annotations

import math
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from bot.domain.candles import Candle
from bot.exchange.errors import TemporaryError

from .fake_exchange import ETH, FakeExchange
from .service import Clock, Service, open_service

HOUR = 3_600_000
ESTIMATE = {"estimate": "ols", "lookback_days": 2, "interval": "1h", "refresh_hours": 24}
HEDGE = {
    "spot": {"account": "main", "asset": "BTC"},
    "perp": {"account": "main", "symbol": ETH},
    "target_ratio": 1.0,
    "beta": ESTIMATE,
}


class CandleVenue(FakeExchange):
    """The fake venue with ETH listed, BTC/USDT quoted and scripted candles per symbol."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock)
        self.list_eth()
        self.quotes["BTC/USDT"] = (D("60000"), D("60000.1"))
        self.candles: dict[str, tuple[Candle, ...]] = {}

    async def fetch_candles(
        self, symbol: str, interval: str, *, limit: int, **_: Any
    ) -> tuple[Candle, ...]:
        self._enter(f"fetch_candles {symbol} {interval} {limit}")
        return self.candles[symbol][-limit:]

    def walk(self, beta: float, noise: float = 0.0) -> None:
        """30 hourly closes of ETH and of BTC moving `beta` × ETH in log terms (+ noise)."""
        eth, btc, rows_eth, rows_btc = 3000.0, 60000.0, [], []
        for k in range(30):
            move = 0.01 * (1 + k % 3) * (1 if k % 2 else -1)
            eth *= math.exp(move)
            btc *= math.exp(beta * move + noise * (1 if (k // 2) % 2 else -1))
            rows_eth.append(_candle(k, eth))
            rows_btc.append(_candle(k, btc))
        self.candles = {ETH: tuple(rows_eth), "BTC/USDT": tuple(rows_btc)}


def _candle(k: int, close: float) -> Candle:
    price = D(str(round(close, 2)))
    return Candle(k * HOUR, price, price, price, price)


def _service(tmp_path: Path, venue: CandleVenue | None = None) -> Service:
    clock = Clock()
    fake = venue or CandleVenue(clock)
    if venue is not None:
        fake.clock = clock
    return open_service(tmp_path, clock=clock, fake=fake, hedges={"BTC": HEDGE})


def _sold(service: Service) -> D:
    return sum((o.amount for o in service.fake.open_orders() if o.side.value == "sell"), D(0))


async def test_the_short_is_sized_with_the_beta_fitted_at_start(tmp_path: Path) -> None:
    """Both legs' 48 hourly candles are read at the first cycle; the fitted beta 0.5 sizes the
    short: 2 BTC × 60,000 × 0.5 / ETH ≈ 20 ETH; the next cycle does not fit again."""
    service = _service(tmp_path)
    service.fake.walk(0.5)
    await service.cycle()
    reads = [c for c in service.fake.calls if c.startswith("fetch_candles")]
    assert sorted(reads) == ["fetch_candles BTC/USDT 1h 48", f"fetch_candles {ETH} 1h 48"]
    beta = service.rt.memory["BTC"].beta
    assert beta is not None and beta.beta == D("0.5") and beta.samples == 29
    assert abs(_sold(service) - D(20)) < D("0.01")
    service.clock.advance(5)
    await service.cycle()
    assert len([c for c in service.fake.calls if c.startswith("fetch_candles")]) == 2
    assert service.rt.state.hedges["BTC"].view["beta_text"].startswith("beta 0.5 (R² 1")


async def test_a_refused_fit_alerts_once_and_the_short_does_not_grow(tmp_path: Path) -> None:
    """Uncorrelated candles give a fit below min_r2: with no beta yet nothing is sold, the
    plan says why, and `beta_unreliable` is sent once across refreshes."""
    service = _service(tmp_path)
    service.fake.walk(0.0, noise=0.02)
    report = await service.cycle()
    assert _sold(service) == 0
    assert any("not adding to the short" in n for n in report.decisions["BTC"].plan.notes)
    service.clock.advance(25 * 3600)  # past refresh_hours: fitted again, refused again
    await service.cycle()
    assert len([c for c in service.fake.calls if c == f"fetch_candles {ETH} 1h 48"]) == 2
    assert len(service.alerts("beta_unreliable")) == 1


async def test_a_restart_keeps_the_journaled_beta_when_candles_cannot_be_read(
    tmp_path: Path,
) -> None:
    """After a restart whose candle reads fail, the beta journaled before sizes the short."""
    first = _service(tmp_path)
    first.fake.walk(0.5)
    await first.cycle()
    first.rt.journal.close()
    venue = CandleVenue(Clock())
    venue.fail("fetch_candles", TemporaryError("venue busy"), times=4)
    second = _service(tmp_path, venue)
    await second.cycle()
    beta = second.rt.memory["BTC"].beta
    assert beta is not None and beta.beta == D("0.5")
    assert abs(_sold(second) - D(20)) < D("0.01")
