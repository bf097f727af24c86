"""One backtest run from the config and the flags: feeds → replay loop → sinks → summary.

`run_params(request, params)` is module-level so a sweep pickles `partial(run_params,
request)` to its workers; every user mistake leaves as a `BacktestError` (one line).
Fees: `--fees` over the config's `backtest.fees` over Binance's defaults (`run_fees`).
Holdings default to a wallet account's `holdings`, else 1 unit of each hedged asset; the
collateral (the perp's settle currency) defaults to the hedges' notional at the first candle
(holding × beta × perp close; a proxy's by value, holding × beta × its spot close) and a
given total is split between the hedges in proportion to those notionals.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import Any

import yaml

from bot.backtest.account import HedgeSetup
from bot.backtest.bars import Bar
from bot.backtest.data import (
    DateRange,
    FundingSpec,
    MarketSpec,
    lockstep,
    market_spec,
    open_market,
)
from bot.backtest.default_holding import ESTIMATED_BETA_REFUSED, default_holding
from bot.backtest.errors import BacktestError
from bot.backtest.fills import FeeSchedule
from bot.backtest.metrics import MetricsSink
from bot.backtest.replay import HedgeRun, replay, start_run
from bot.backtest.result import RunSummary
from bot.backtest.series import Recorder, StepSink
from bot.backtest.sweep import apply_params
from bot.backtest.venue import perp_brackets, perp_market
from bot.domain.proxy import is_proxy, proxy_spot_symbol

__all__ = [
    "BacktestRequest",
    "PreparedRun",
    "first_frame",
    "load_settings",
    "prepare_run",
    "run_backtest",
    "run_fees",
    "run_params",
    "start_runs",
]

ZERO = Decimal(0)


@dataclass(frozen=True)
class BacktestRequest:
    """The flags of one `hedgebot backtest` (picklable: sweeps send it to workers)."""

    config: Path
    data: Path | None = None
    window: DateRange = field(default_factory=DateRange)
    series: Mapping[str, Mapping[str, Path]] = field(default_factory=dict)
    funding: Mapping[str, FundingSpec] = field(default_factory=dict)
    holdings: Mapping[str, Decimal] | None = None
    collateral: Mapping[str, Decimal] | None = None
    fees: Mapping[str, Decimal] = field(default_factory=dict)  # --fees: maker/taker → rate


def load_settings(path: Path, params: Mapping[str, str]) -> Any:
    """The validated settings of the YAML at `path` with the sweep `params` applied."""
    from bot.config import ConfigError, parse_config

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BacktestError(f"cannot read config {path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise BacktestError(f"{path}: invalid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise BacktestError(f"{path}: not a hedgebot config (a mapping with accounts and hedges)")
    text = yaml.safe_dump(apply_params(raw, params), sort_keys=False)
    try:
        return parse_config(text, source=str(path), require_secrets=False)
    except ConfigError as exc:  # its __init__ takes a list: it would not pickle faithfully
        raise BacktestError(f"configuration error: {exc}") from None


def _setups(
    settings: Any, holdings: Mapping[str, Decimal] | None, fees: FeeSchedule
) -> list[HedgeSetup]:
    risk = settings.risk
    out = []
    for name, hedge in settings.hedges.items():
        if hedge.beta_estimate is not None:  # its placeholder beta would size every step
            raise BacktestError(f"hedges.{name}.beta: {ESTIMATED_BETA_REFUSED}")
        policy = hedge.to_policy(name)
        held = (
            default_holding(settings, hedge)
            if holdings is None
            else holdings.get(policy.spot_asset)
        )
        if held is None:
            given = ", ".join(sorted(holdings or {}))
            raise BacktestError(f"--holdings: no amount for {policy.spot_asset} (given: {given})")
        market = perp_market(policy.perp_symbol, fees)
        proxy = is_proxy(market.base, policy.spot_asset)
        out.append(
            HedgeSetup(
                policy=policy,
                risk_policy=risk.to_policy(),
                market=market,
                brackets=perp_brackets(policy.perp_symbol),
                holding=held,
                max_age_ms=int(settings.data.max_snapshot_age_s * 1000),
                allow_reduce=risk.allow_reduce,
                rules=hedge.rules(),
                spot_symbol=proxy_spot_symbol(policy.spot_asset, market.quote) if proxy else None,
            )
        )
    return out


def _specs(
    request: BacktestRequest, settings: Any, setups: Sequence[HedgeSetup]
) -> tuple[MarketSpec, ...]:
    unknown = sorted((set(request.series) | set(request.funding)) - set(settings.hedges))
    if unknown:
        known = ", ".join(settings.hedges)
        raise BacktestError(f"--series/--funding: no hedge {unknown[0]} in the config ({known})")
    if request.data is None and any(h not in request.series for h in settings.hedges):
        missing = next(h for h in settings.hedges if h not in request.series)
        raise BacktestError(
            f"hedge {missing} has no data: give --data DIR or --series {missing}:perp=FILE"
        )
    return tuple(
        market_spec(
            name,
            hedge.contract.label,
            data=request.data,
            series=request.series.get(name),
            funding=request.funding.get(name),
            window=request.window,
            spot_symbol=setup.spot_symbol,
        )
        for (name, hedge), setup in zip(settings.hedges.items(), setups, strict=True)
    )


@dataclass(frozen=True)
class PreparedRun:
    """One run before its first candle: the overrides, the hedges' setups, the data to read
    (runs with equal `specs` can share one read of it, see `batch`) and the fees."""

    params: Mapping[str, str]
    setups: tuple[HedgeSetup, ...]
    specs: tuple[MarketSpec, ...]
    fees: FeeSchedule


def prepare_run(request: BacktestRequest, params: Mapping[str, str]) -> PreparedRun:
    """The config (with `params` applied) and the flags, checked, as a `PreparedRun`."""
    settings = load_settings(request.config, params)
    fees = run_fees(settings, request.fees)
    setups = tuple(_setups(settings, request.holdings, fees))
    return PreparedRun(dict(params), setups, _specs(request, settings, setups), fees)


def run_fees(settings: Any, overrides: Mapping[str, Decimal]) -> FeeSchedule:
    """The run's fees: `--fees` where given, else the config's `backtest.fees` (whose
    defaults are Binance USDⓈ-M VIP 0)."""
    configured = settings.backtest.fees
    rates = {"maker": configured.maker, "taker": configured.taker, **overrides}
    return FeeSchedule(maker=rates["maker"], taker=rates["taker"])


def start_runs(
    prepared: PreparedRun, first: tuple[Bar, ...], collateral: Mapping[str, Decimal] | None
) -> list[HedgeRun]:
    """Each hedge's state before the first candle (`collaterals` at `first`)."""
    setups = prepared.setups
    return [
        start_run(s, c) for s, c in zip(setups, collaterals(setups, first, collateral), strict=True)
    ]


def collaterals(
    setups: Sequence[HedgeSetup], first: tuple[Bar, ...], given: Mapping[str, Decimal] | None
) -> list[Decimal]:
    """Each hedge's starting collateral (see the module docstring)."""
    notionals = [_notional(s, bar) for s, bar in zip(setups, first, strict=True)]
    if given is None:
        return notionals
    settles = {s.market.settle or s.market.quote for s in setups}
    if set(given) - settles or len(given) != 1:
        raise BacktestError(f"--collateral: give one amount in {', '.join(sorted(settles))}")
    total, whole = next(iter(given.values())), sum(notionals, ZERO)
    if whole == 0:
        return [total / len(setups)] * len(setups)
    return [total * n / whole for n in notionals]


def _notional(setup: HedgeSetup, bar: Bar) -> Decimal:
    """The hedge's notional at `bar`: holding × beta × perp close; a proxy's by value,
    holding × beta × the holding's spot close (what its short is sized to)."""
    price = bar.spot.close if setup.spot_symbol is not None else bar.perp.close
    return setup.holding * setup.policy.beta * price


def run_backtest(
    request: BacktestRequest, params: Mapping[str, str], sinks: Iterable[StepSink] = ()
) -> RunSummary:
    """Replay the config (with `params` applied) over the data; steps go to `sinks` too."""
    prepared = prepare_run(request, params)
    feeds = [open_market(spec) for spec in prepared.specs]
    try:
        metrics = MetricsSink()
        recorder = Recorder([metrics, *sinks])
        frames: Iterator[tuple[Bar, ...]] = lockstep(feeds)
        first = first_frame(frames)
        runs = start_runs(prepared, first, request.collateral)
        for frame in replay(
            prepared.setups, runs, chain([first], frames), feeds[0].interval_ms, prepared.fees
        ):
            recorder.add(frame)
        recorder.close()
        reports = {feed.spec.hedge: feed.report() for feed in feeds}
    finally:
        for feed in feeds:
            feed.close()
    run, per_hedge = metrics.results()
    return RunSummary(dict(params), run, per_hedge, reports)


def first_frame(frames: Iterator[tuple[Bar, ...]]) -> tuple[Bar, ...]:
    """The first lockstep frame; BacktestError when the window holds none."""
    first = next(frames, None)
    if first is None:
        raise BacktestError("no candles in the window for every hedge (check --from/--to)")
    return first


def run_params(request: BacktestRequest, params: Mapping[str, str]) -> RunSummary:
    """One sweep run: metrics only (module-level: pickled to the sweep's workers)."""
    return run_backtest(request, params)
