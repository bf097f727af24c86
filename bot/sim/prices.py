"""Price paths that drive the simulator: a seeded synthetic walk and CSV candle replays.

`step()` returns one price per symbol (the perp's, else the spot's) for callers that move
both markets together; `next_ticks()` returns the full `PriceTick` (spot, perp, mark,
funding rate) so a replay can drive each market with its own recorded prices
(`SimExchange.apply_ticks`). Within a candle the path goes open → low → high → close for an
up candle and open → high → low → close for a down one, so resting orders inside the range fill.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol

from bot.sim.errors import SimError
from bot.sim.specs import get_spec

__all__ = ["CsvReplay", "PricePath", "PriceTick", "SyntheticPath"]

# Tick grid used to round generated prices (the USDⓈ-M tick, coarser than spot's); the rest
# of the listing rounds to its perpetual's tick, else its spot pair's (`_tick`).
_TICKS = {
    "BTCUSDT": Decimal("0.1"),
    "ETHUSDT": Decimal("0.01"),
    "SOLUSDT": Decimal("0.01"),
    "XRPUSDT": Decimal("0.0001"),
    "PEPEUSDT": Decimal("0.00000001"),  # spot tick: PEPE has no same-id perpetual
}
_DEFAULT_TICK = Decimal("0.0001")
_GROUPS = ("spot", "perp", "mark")


@dataclass(frozen=True, slots=True)
class PriceTick:
    """One step of one symbol; None where the source has no value. Prices in USDT."""

    spot: Decimal | None = None
    perp: Decimal | None = None
    mark: Decimal | None = None
    funding_rate: Decimal | None = None  # the rate settled at this candle, when recorded
    ts_ms: int | None = None  # source timestamp (epoch ms), replay only

    @property
    def price(self) -> Decimal:
        """The perp price, else the spot price."""
        value = self.perp if self.perp is not None else self.spot
        assert value is not None
        return value


class PricePath(Protocol):
    def step(self) -> dict[str, Decimal] | None: ...

    def next_ticks(self) -> dict[str, PriceTick] | None: ...

    def anchor(self, symbol: str, spot: Decimal, perp: Decimal) -> None:
        """The venue's prices of `symbol` were moved to these (by the admin API)."""


def _tick(symbol: str) -> Decimal:
    if symbol in _TICKS:
        return _TICKS[symbol]
    for market in ("usdm", "spot"):
        with contextlib.suppress(SimError):
            return get_spec(market, symbol).tick
    return _DEFAULT_TICK


def _round_tick(symbol: str, value: Decimal) -> Decimal:
    tick = _tick(symbol)
    return max(tick, (value / tick).to_integral_value() * tick)


class SyntheticPath:
    """Seeded geometric random walk per symbol with occasional jumps; the perp trades at a
    small basis (a few bp) that mean-reverts to its centre (0, or the premium an admin price
    set). Same seed → same path; `anchor` moves a symbol's walk to given prices."""

    def __init__(
        self,
        symbols_start: dict[str, Decimal],
        seed: int,
        vol_per_step: float = 0.0005,
        jump_prob: float = 0.002,
        jump_size: float = 0.02,
    ) -> None:
        self._rng = random.Random(seed)
        self._log = {s: math.log(float(p)) for s, p in symbols_start.items()}
        self._basis = dict.fromkeys(symbols_start, 0.0)
        self._centre = dict.fromkeys(symbols_start, 0.0)
        self._vol, self._jump_prob, self._jump_size = vol_per_step, jump_prob, jump_size

    def anchor(self, symbol: str, spot: Decimal, perp: Decimal) -> None:
        """Continue `symbol`'s walk from `spot`, keeping the perp at its premium `perp`/`spot`
        (the next steps walk on from there; nothing snaps back)."""
        if symbol not in self._log or spot <= 0:
            return
        self._log[symbol] = math.log(float(spot))
        self._centre[symbol] = float(perp / spot) - 1
        self._basis[symbol] = 0.0

    def next_ticks(self) -> dict[str, PriceTick]:
        out = {}
        for symbol in self._log:
            shock = self._rng.gauss(0.0, self._vol)
            if self._rng.random() < self._jump_prob:
                shock += self._rng.choice((-1, 1)) * self._jump_size
            self._log[symbol] += shock
            self._basis[symbol] = 0.9 * self._basis[symbol] + self._rng.gauss(0.0, 0.00005)
            spot = Decimal(repr(math.exp(self._log[symbol])))
            perp = spot * Decimal(repr(1 + self._centre[symbol] + self._basis[symbol]))
            out[symbol] = PriceTick(_round_tick(symbol, spot), _round_tick(symbol, perp))
        return out

    def step(self) -> dict[str, Decimal]:
        return {s: t.price for s, t in self.next_ticks().items()}


@dataclass(frozen=True, slots=True)
class _Candle:
    ts_ms: int
    symbol: str
    ohlc: dict[str, tuple[Decimal, Decimal, Decimal, Decimal]]  # group → (o, h, l, c)
    funding_rate: Decimal | None


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return open(path, encoding="utf-8")


def _symbol_from_name(path: Path) -> str:
    match = re.search(r"([a-z0-9]+usdt)", path.name.lower())
    if match is None:
        raise ValueError(f"{path}: cannot tell the symbol from the file name (e.g. btcusdt)")
    return match.group(1).split("_")[-1].upper()


def _dec(text: str | None) -> Decimal | None:
    if text is None or text.strip() == "":
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None


def _ts_ms(text: str) -> int:
    if text.strip().isdigit():
        value = int(text)
        return value // 1000 if value > 10**14 else value  # newer kline files use µs
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def _group(row: dict[str, str], prefix: str) -> tuple[Decimal, Decimal, Decimal, Decimal] | None:
    values = [_dec(row.get(f"{prefix}{k}")) for k in ("open", "high", "low", "close")]
    if any(v is None for v in values):
        return None
    o, h, l_, c = values
    assert o is not None and h is not None and l_ is not None and c is not None
    return o, h, l_, c


def _read_file(path: Path) -> list[_Candle]:
    with _open_text(path) as handle:
        first = handle.readline()
        body = handle.read()
    if first[:1].isdigit():  # Binance public kline CSV: no header
        header = ["ts", "open", "high", "low", "close", "volume", "close_time"]
        reader = csv.reader(io.StringIO(first + body))
        rows = [dict(zip(header, r, strict=False)) for r in reader if r]
    else:
        columns = next(csv.reader([first]))
        rows = list(csv.DictReader(io.StringIO(body), fieldnames=columns))
    default_symbol = None if rows and "symbol" in rows[0] else _symbol_from_name(path)
    candles = []
    for row in rows:
        ohlc = {}
        for group in _GROUPS:
            values = _group(row, f"{group}_")
            if values is not None:
                ohlc[group] = values
        plain = _group(row, "")
        if plain is not None:  # generic open/high/low/close drives both markets
            ohlc.setdefault("spot", plain)
            ohlc.setdefault("perp", plain)
        # A perp-only file (e.g. the 1m perp sets) still needs a spot/index that moves:
        # follow the perp rather than leave spot frozen at its start price.
        if "perp" in ohlc and "spot" not in ohlc:
            ohlc["spot"] = ohlc["perp"]
        symbol = default_symbol or row["symbol"].replace("/", "").split(":")[0]
        candles.append(_Candle(_ts_ms(row["ts"]), symbol, ohlc, _dec(row.get("funding_rate"))))
    return candles


def _path_points(symbol: str, ohlc: tuple[Decimal, ...], n: int) -> list[Decimal]:
    """`n` prices along the candle's path; anchors exact, points between them on the tick grid."""
    o, h, l_, c = ohlc
    anchors = [o, l_, h, c] if c >= o else [o, h, l_, c]
    points = []
    for k in range(n):
        t = Decimal(3 * k) / Decimal(n - 1)
        leg = min(int(t), 2)
        frac = t - leg
        if frac == 0:
            points.append(anchors[leg])
        else:
            between = anchors[leg] + (anchors[leg + 1] - anchors[leg]) * frac
            points.append(_round_tick(symbol, between))
    return points


class CsvReplay:
    """Replays candles from ../shared/data-style CSVs (ts, perp_*/spot_*/mark_* OHLC,
    funding_rate, optional symbol column) and Binance public kline CSVs (no header); the
    symbol comes from the `symbol` column or the file name (binance_btcusdt_… → BTCUSDT).
    All files are merged on their timestamps; each candle yields `interpolate_steps` ticks."""

    def __init__(self, paths: list[Path], interpolate_steps: int = 4) -> None:
        if interpolate_steps < 4:
            raise ValueError(f"interpolate_steps must be >= 4, got {interpolate_steps}")
        candles = [c for p in paths for c in _read_file(Path(p))]
        candles.sort(key=lambda c: c.ts_ms)
        self.symbols = sorted({c.symbol for c in candles})
        stamps = sorted({c.ts_ms for c in candles})
        self.interval_ms = stamps[1] - stamps[0] if len(stamps) > 1 else 60_000
        self._steps = interpolate_steps
        self._iter = self._ticks(candles)

    def _ticks(self, candles: list[_Candle]) -> Iterator[dict[str, PriceTick]]:
        i = 0
        while i < len(candles):
            j = i
            while j < len(candles) and candles[j].ts_ms == candles[i].ts_ms:
                j += 1
            group = candles[i:j]
            series = {
                c.symbol: {g: _path_points(c.symbol, v, self._steps) for g, v in c.ohlc.items()}
                for c in group
            }
            for k in range(self._steps):
                ts = group[0].ts_ms + self.interval_ms * k // self._steps
                out = {}
                for c in group:
                    pts = series[c.symbol]
                    spot, perp, mark = (pts[g][k] if g in pts else None for g in _GROUPS)
                    tick = PriceTick(spot, perp, mark, ts_ms=ts)
                    if k == 0 and c.funding_rate is not None:
                        tick = replace(tick, funding_rate=c.funding_rate)
                    if tick.spot is not None or tick.perp is not None:
                        out[c.symbol] = tick
                if out:
                    yield out
            i = j

    def next_ticks(self) -> dict[str, PriceTick] | None:
        """The next step for every symbol trading at this time; None when exhausted."""
        return next(self._iter, None)

    def anchor(self, symbol: str, spot: Decimal, perp: Decimal) -> None:
        """A replay plays its recording: an admin price lasts until the next recorded step."""

    def step(self) -> dict[str, Decimal] | None:
        ticks = self.next_ticks()
        return None if ticks is None else {s: t.price for s, t in ticks.items()}
