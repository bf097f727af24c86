"""Price paths: seeded synthetic walk and CSV replays (shared-data layout, Binance klines)."""

from __future__ import annotations

import gzip
from decimal import Decimal as D
from pathlib import Path

import pytest

from bot.sim.engine import SimExchange
from bot.sim.prices import CsvReplay
from bot.sim.walk import SyntheticPath

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
START = {"BTCUSDT": D(65000), "XRPUSDT": D("0.6")}


def test_synthetic_path_is_reproducible_from_its_seed() -> None:
    """Same seed → same prices; another seed → a different path."""
    a, b, c = SyntheticPath(START, seed=1), SyntheticPath(START, seed=1), SyntheticPath(START, 2)
    first = [a.step() for _ in range(50)]
    assert first == [b.step() for _ in range(50)]
    assert first != [c.step() for _ in range(50)]


def test_synthetic_path_starts_near_its_start_and_stays_on_the_tick_grid() -> None:
    """Early prices are within a few % of the start and are multiples of the perp tick."""
    path = SyntheticPath(START, seed=5, jump_prob=0.0)
    ticks = [path.next_ticks() for _ in range(20)]
    btc = [t["BTCUSDT"].perp for t in ticks]
    assert all(p is not None and abs(p / 65000 - 1) < D("0.05") for p in btc)
    assert all(p is not None and p % D("0.1") == 0 for p in btc)
    assert all(t["XRPUSDT"].spot is not None for t in ticks)


def test_synthetic_jumps_happen_when_likely() -> None:
    """With jump probability 1 every step moves by about the jump size."""
    path = SyntheticPath({"BTCUSDT": D(65000)}, seed=0, vol_per_step=0.0, jump_prob=1.0)
    moved = path.step()["BTCUSDT"]
    assert abs(moved / 65000 - 1) > D("0.015")


def test_shared_layout_replay_walks_each_candle_in_direction_order(tmp_path: Path) -> None:
    """An up candle goes open → low → high → close on both markets; funding is exposed."""
    csv = tmp_path / "binance_btcusdt_1h_perp_spot.csv.gz"
    with gzip.open(csv, "wt") as handle:
        handle.write(
            "ts,perp_open,perp_high,perp_low,perp_close,spot_open,spot_high,spot_low,"
            "spot_close,funding_rate\n"
            "2024-01-01T00:00:00Z,100,110,90,105,101,111,91,106,0.0003\n"
            "2024-01-01T01:00:00Z,105,106,95,96,106,107,96,97,\n"
        )
    replay = CsvReplay([csv])
    ticks = [replay.next_ticks() for _ in range(8)]
    assert replay.next_ticks() is None
    perp = [t["BTCUSDT"].perp for t in ticks if t]
    assert perp == [D(100), D(90), D(110), D(105), D(105), D(106), D(95), D(96)]
    assert [t["BTCUSDT"].spot for t in ticks if t][:4] == [D(101), D(91), D(111), D(106)]
    first = ticks[0]
    assert first is not None and first["BTCUSDT"].funding_rate == D("0.0003")
    assert replay.interval_ms == 3_600_000


def test_binance_kline_csv_without_header(tmp_path: Path) -> None:
    """Binance public klines (no header) replay with the symbol from the file name."""
    csv = tmp_path / "ETHUSDT-1m-2024-01.csv"
    csv.write_text("1704067200000,2300.1,2310.0,2290.5,2295.0,10,1704067259999,0,1,0,0,0\n")
    replay = CsvReplay([csv], interpolate_steps=7)
    prices = [replay.step() for _ in range(7)]
    assert [p["ETHUSDT"] for p in prices if p][0::2] == [
        D("2300.1"),
        D("2310.0"),
        D("2290.5"),
        D("2295.0"),
    ]
    assert all(p and p["ETHUSDT"] % D("0.01") == 0 for p in prices)


def test_resting_order_fills_inside_a_replayed_candle(tmp_path: Path) -> None:
    """A sell resting inside a candle's range fills when the replay passes its high."""
    csv = tmp_path / "binance_btcusdt_1h_perp.csv"
    csv.write_text(
        "ts,perp_open,perp_high,perp_low,perp_close\n2024-01-01T00:00:00Z,65000,65500,64900,65100\n"
    )
    sim = SimExchange.with_default_account(now_ms=lambda: 1_704_070_800_000)
    sim.set_price("BTCUSDT", D(65000))
    order = sim.place_order(
        "sim-key",
        "usdm",
        "BTCUSDT",
        side="SELL",
        order_type="LIMIT",
        quantity=D("0.01"),
        price=D(65400),
        time_in_force="GTX",
    )
    replay = CsvReplay([csv])
    while (ticks := replay.next_ticks()) is not None:
        sim.apply_ticks(ticks)
    got = sim.get_order("sim-key", "usdm", "BTCUSDT", order_id=order["orderId"])
    assert got["status"] == "FILLED" and sim.price("usdm", "BTCUSDT") == D(65100)


@pytest.mark.skipif(not DATA.exists(), reason="shared market data is absent")
def test_real_scenario_replay_drives_spot_perp_and_funding() -> None:
    """The FTX-crash scenario moves BTC/ETH/XRP on both markets and carries funding rates."""
    replay = CsvReplay([DATA / "scenario_ftx_crash_2022-11-01_2022-11-30_1h.csv"])
    sim = SimExchange.with_default_account(now_ms=lambda: 1_704_070_800_000)
    assert replay.symbols == ["BTCUSDT", "ETHUSDT", "XRPUSDT"]
    rates = []
    for _ in range(4 * 48):
        ticks = replay.next_ticks()
        assert ticks is not None and set(ticks) == {"BTCUSDT", "ETHUSDT", "XRPUSDT"}
        rates += [t.funding_rate for t in ticks.values() if t.funding_rate is not None]
        sim.apply_ticks(ticks)
    assert D(15000) < sim.price("usdm", "BTCUSDT") < D(25000)
    assert sim.price("spot", "BTCUSDT") != sim.price("usdm", "BTCUSDT")
    assert len(rates) == 3 * 6 and sim.funding_rate("BTCUSDT") in rates


@pytest.mark.skipif(not DATA.exists(), reason="shared market data is absent")
def test_real_gzip_file_with_mark_column_sets_the_mark() -> None:
    """The 1h perp/mark/spot file drives an explicit mark price separate from the last."""
    replay = CsvReplay([DATA / "binance_xrpusdt_1h_perp_mark_spot_funding.csv.gz"])
    sim = SimExchange.with_default_account(now_ms=lambda: 1_704_070_800_000)
    ticks = replay.next_ticks()
    assert ticks is not None and ticks["XRPUSDT"].mark is not None
    sim.apply_ticks(ticks)
    assert sim.mark_price("XRPUSDT") == ticks["XRPUSDT"].mark


def test_perp_only_csv_moves_spot_with_the_perp(tmp_path: Path) -> None:
    """A file with perp columns only drives spot/index too, so the basis stays realistic."""
    path = tmp_path / "binance_btcusdt_1m_perp.csv"
    path.write_text(
        "ts,perp_open,perp_high,perp_low,perp_close\n"
        "2025-05-04T00:00:00Z,95000,95100,94900,95050\n"
        "2025-05-04T00:01:00Z,95050,95200,95000,95150\n"
    )
    replay = CsvReplay([path])
    seen = []
    while (ticks := replay.next_ticks()) is not None:
        seen.append(ticks["BTCUSDT"])
    assert seen and all(t.spot == t.perp for t in seen)
    assert seen[-1].spot == D("95150")
