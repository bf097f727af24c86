"""`--sweep`: flags parsed into axes, the cartesian product, config overrides by dotted key,
the documented ranking, and runs in parallel worker processes."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.backtest.errors import DataError, SweepError
from bot.backtest.sweep import SweepAxis, apply_params, grid, parse_sweep, rank, run_sweep

from ._sweep_run import static_run

CONFIG = {"hedges": {"BTC": {"target_ratio": 1.0, "band": 0.02}}, "risk": {"warn": 0.3}}


def test_flags_become_axes_and_their_product() -> None:
    """Two flags of 3 values give 9 runs, the last flag varying fastest."""
    axes = parse_sweep(["hedges.BTC.band=0.01,0.02,0.05", "hedges.BTC.leverage=2, 3,5"])
    assert axes[1] == SweepAxis("hedges.BTC.leverage", ("2", "3", "5"))
    runs = grid(axes)
    assert len(runs) == 9
    assert runs[:2] == [
        {"hedges.BTC.band": "0.01", "hedges.BTC.leverage": "2"},
        {"hedges.BTC.band": "0.01", "hedges.BTC.leverage": "3"},
    ]


@pytest.mark.parametrize(
    ("flag", "problem"),
    [
        ("hedges.BTC.band", "use KEY=V1,V2"),
        ("band=0.01", "use KEY=V1,V2"),
        ("hedges.BTC.band=", "every value must be non-empty"),
        ("hedges.BTC.band=0.01,,0.02", "every value must be non-empty"),
        ("hedges.BTC.band=0.01,0.01", "a value is listed twice"),
    ],
)
def test_malformed_flags_name_the_flag(flag: str, problem: str) -> None:
    """Each malformed --sweep is a SweepError quoting the flag and saying what is wrong."""
    with pytest.raises(SweepError, match=problem) as caught:
        parse_sweep([flag])
    assert f"--sweep {flag}" in str(caught.value)


def test_same_key_twice_is_refused() -> None:
    """Two flags for one key would multiply runs silently; it is an error instead."""
    with pytest.raises(SweepError, match=r"hedges\.BTC\.band: given twice"):
        parse_sweep(["hedges.BTC.band=0.01", "hedges.BTC.band=0.02"])


def test_overrides_set_dotted_keys_on_a_copy() -> None:
    """Values stay exact strings (the config parses them), true/null become YAML scalars,
    missing sections are created, and the original config is untouched."""
    params = {
        "hedges.BTC.band": "0.01",
        "hedges.BTC.execution.post_only": "false",
        "hedges.BTC.execution.emergency_band": "null",
        "notify.daily_digest": "08:00",
    }
    out = apply_params(CONFIG, params)
    assert out["hedges"]["BTC"]["band"] == "0.01"
    assert out["hedges"]["BTC"]["execution"] == {"post_only": False, "emergency_band": None}
    assert out["notify"] == {"daily_digest": "08:00"}
    assert CONFIG["hedges"]["BTC"]["band"] == 0.02  # type: ignore[index]


def test_override_of_an_unknown_hedge_is_refused() -> None:
    """hedges.BTX.band (a typo) names the hedges the config has instead of adding one."""
    with pytest.raises(SweepError, match=r"no hedges\.BTX \(hedges: BTC\)"):
        apply_params(CONFIG, {"hedges.BTX.band": "0.01"})
    with pytest.raises(SweepError, match=r"risk\.warn is not a section"):
        apply_params(CONFIG, {"risk.warn.x": "1"})


def test_ranking_puts_the_most_effective_hedge_first() -> None:
    """Static hedges at 0, 0.5 and 1.0 rank 1.0 first (effectiveness 1), then 0.5; with equal
    effectiveness the shallower hedged drawdown wins."""
    runs = [static_run({"hedges.BTC.target_ratio": r}) for r in ("0", "0.5", "1")]
    ranked = rank(runs)
    assert [s.params["hedges.BTC.target_ratio"] for s in ranked] == ["1", "0.5", "0"]
    more_collateral = static_run({"hedges.BTC.target_ratio": "0", "collateral": "1000"})
    ranked = rank([runs[0], more_collateral])
    assert ranked[0] is more_collateral  # same effectiveness, smaller drawdown fraction
    assert more_collateral.metrics.max_drawdown_hedged > runs[0].metrics.max_drawdown_hedged


def test_parallel_runs_match_the_sequential_ones() -> None:
    """Two worker processes return the same summaries, in the order given."""
    runs = grid(parse_sweep(["hedges.BTC.target_ratio=0,0.5,1", "hedges.BTC.band=0.01,0.1"]))
    parallel = run_sweep(static_run, runs, workers=2)
    assert [s.params for s in parallel] == runs
    assert [s.metrics for s in parallel] == [static_run(p).metrics for p in runs]
    assert parallel[0].metrics.hedge_effectiveness == 0 and parallel[-1].metrics.fills == 1
    # the static hedge's target is 1: a 0.5 ratio is outside a 0.01 band, a 1.0 ratio inside
    assert parallel[2].metrics.time_outside_band == D(1)
    assert parallel[4].metrics.time_outside_band == D(0)


def test_an_error_in_a_worker_reaches_the_caller_intact() -> None:
    """A DataError raised in a worker process arrives as the same DataError (file and line)."""
    with pytest.raises(DataError, match=r"prices\.csv:7: perp_close 'x' is not a number"):
        run_sweep(static_run, [{"data": "ok"}, {"data": "broken"}], workers=2)
