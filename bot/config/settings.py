"""The root of the settings tree and the checks that span sections."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from bot.config.accounts import ACCOUNT_NAME_PATTERN, AccountSettings
from bot.config.backtest import BacktestSettings
from bot.config.baskets import basket_problems
from bot.config.bybit_rules import bybit_problems
from bot.config.errors import problems_error
from bot.config.hedges import HEDGE_NAME_PATTERN, HedgeSettings, SpotLeg
from bot.config.margin_rules import margin_problems
from bot.config.scale import ScaleSettings
from bot.config.sections import (
    ApiSettings,
    ControlSettings,
    DataSettings,
    JournalSettings,
    LogSettings,
    NotifySettings,
    ReliabilitySettings,
    RiskSettings,
    ScheduleSettings,
)
from bot.domain.hedge import HedgePolicy

__all__ = ["AccountName", "HedgeName", "Settings"]

AccountName = Annotated[str, StringConstraints(pattern=ACCOUNT_NAME_PATTERN)]
HedgeName = Annotated[str, StringConstraints(pattern=HEDGE_NAME_PATTERN)]


class Settings(BaseModel):
    """Everything hedgebot needs, validated and frozen. Secrets are filled from the
    environment by `load_config`; YAML never holds them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    accounts: Mapping[AccountName, AccountSettings] = Field(
        min_length=1,
        description="exchange accounts by name (lower case letters, digits, _): "
        "{main: {exchange: binance, mode: demo}}",
    )
    hedges: Mapping[HedgeName, HedgeSettings] = Field(
        default_factory=dict,
        description="hedges by name (letters, digits, _ or -, up to 16): "
        "{BTC: {spot: ..., perp: ..., target_ratio: 1.0}}",
    )
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings, description="job timing")
    risk: RiskSettings = Field(default_factory=RiskSettings, description="graded risk guard")
    data: DataSettings = Field(default_factory=DataSettings, description="stale-data guard")
    reliability: ReliabilitySettings = Field(
        default_factory=ReliabilitySettings, description="order policy at start/stop, breaker"
    )
    control: ControlSettings = Field(default_factory=ControlSettings, description="kill switch")
    journal: JournalSettings = Field(default_factory=JournalSettings, description="SQLite journal")
    log: LogSettings = Field(default_factory=LogSettings, description="log output")
    api: ApiSettings = Field(default_factory=ApiSettings, description="HTTP API")
    notify: NotifySettings = Field(default_factory=NotifySettings, description="alerts")
    backtest: BacktestSettings = Field(
        default_factory=BacktestSettings, description="hedgebot backtest only (fees)"
    )
    scale: ScaleSettings = Field(
        default_factory=ScaleSettings, description="act concurrency and request-weight headroom"
    )
    dry_run: bool = Field(
        default=False,
        description="read, decide, journal and report as live, but send no order, cancel, "
        "transfer or margin/leverage change (each is journaled and logged as 'would ...'); "
        "also `hedgebot run --dry-run`. Cannot change on a reload",
    )

    @model_validator(mode="before")
    @classmethod
    def _empty_sections_are_defaults(cls, data: Any) -> Any:
        """`control:` with every key commented out is YAML null: treat it as `{}`."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None or k == "accounts"}
        return data

    @model_validator(mode="after")
    def _check_references(self) -> Settings:
        problems = list(_reference_problems(self)) + list(_overlap_problems(self))
        problems += basket_problems(self.hedges)
        problems += bybit_problems(self.accounts, self.hedges)
        problems += margin_problems(self.hedges)
        if problems:
            raise problems_error(problems)
        return self

    def hedge_policies(self) -> dict[str, HedgePolicy]:
        """Every hedge as the domain's `HedgePolicy`, by hedge name."""
        return {name: hedge.to_policy(name) for name, hedge in self.hedges.items()}

    def accounts_in_use(self) -> tuple[str, ...]:
        """Names of the exchange accounts some hedge uses (to connect), sorted; wallet
        accounts are never connected (`wallet_holdings`)."""
        used = {s.account for h in self.hedges.values() for s in h.spot_sources}
        used |= {h.contract.account for h in self.hedges.values()}
        return tuple(sorted(a for a in used if not self.accounts[a].is_wallet))

    def wallet_holdings(self) -> dict[str, Mapping[str, Decimal]]:
        """Each wallet account's YAML `holdings` (asset → coins), by account name."""
        return {n: a.holdings for n, a in self.accounts.items() if a.is_wallet}


def _legs(hedge: HedgeSettings) -> Iterator[tuple[str, str]]:
    """(path under the hedge, account) of every leg: each spot source, the contract."""
    sources = hedge.spot_sources
    for i, source in enumerate(sources):
        yield ("spot" if isinstance(hedge.spot, SpotLeg) else f"spot.{i}", source.account)
    for leg in ("perp", "future"):
        found = getattr(hedge, leg)
        if found is not None:
            yield leg, found.account


def _reference_problems(settings: Settings) -> Iterator[tuple[str, str]]:
    known = ", ".join(sorted(settings.accounts))
    for name, hedge in settings.hedges.items():
        for leg, account in _legs(hedge):
            found = settings.accounts.get(account)
            if found is None:
                yield (
                    f"hedges.{name}.{leg}.account",
                    f"unknown account {account!r} (define it under accounts; known: {known})",
                )
            elif found.is_wallet and not leg.startswith("spot"):
                yield (
                    f"hedges.{name}.{leg}.account",
                    f"{account} is a wallet account (exchange: wallet): it holds coins and "
                    "can only be a spot: source; name an exchange account here",
                )


def _overlap_problems(settings: Settings) -> Iterator[tuple[str, str]]:
    """Spot holdings are counted once per hedge, so two hedges must never share a spot
    holding on the same account (hedges sharing a perp form a basket: `baskets.py`)."""
    spots: dict[tuple[str, str], str] = {}
    for name, hedge in settings.hedges.items():
        for source in hedge.spot_sources:
            spot_key = (source.account, source.asset.upper())
            if spot_key in spots:
                yield (
                    f"hedges.{name}.spot.asset",
                    f"{source.asset} on account {source.account} is already hedged by "
                    f"{spots[spot_key]} (use one hedge per holding; set its target_ratio instead)",
                )
            spots.setdefault(spot_key, name)
