"""The root of the settings tree and the checks that span sections."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from bot.config.accounts import ACCOUNT_NAME_PATTERN, AccountSettings
from bot.config.errors import problems_error
from bot.config.hedges import HEDGE_NAME_PATTERN, HedgeSettings
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
        if problems:
            raise problems_error(problems)
        return self

    def hedge_policies(self) -> dict[str, HedgePolicy]:
        """Every hedge as the domain's `HedgePolicy`, by hedge name."""
        return {name: hedge.to_policy(name) for name, hedge in self.hedges.items()}

    def accounts_in_use(self) -> tuple[str, ...]:
        """Names of the accounts some hedge uses, sorted."""
        used = {h.spot.account for h in self.hedges.values()}
        used |= {h.contract.account for h in self.hedges.values()}
        return tuple(sorted(used))


def _reference_problems(settings: Settings) -> Iterator[tuple[str, str]]:
    known = ", ".join(sorted(settings.accounts))
    for name, hedge in settings.hedges.items():
        for leg in ("spot", "perp", "future"):
            found = getattr(hedge, leg)
            account = found.account if found is not None else None
            if account is not None and account not in settings.accounts:
                yield (
                    f"hedges.{name}.{leg}.account",
                    f"unknown account {account!r} (define it under accounts; known: {known})",
                )


def _overlap_problems(settings: Settings) -> Iterator[tuple[str, str]]:
    """One-way perp positions are netted and spot holdings counted once per hedge, so two
    hedges must never share a perp or a spot holding on the same account."""
    perps: dict[tuple[str, str], str] = {}
    spots: dict[tuple[str, str], str] = {}
    for name, hedge in settings.hedges.items():
        perp_key = (hedge.contract.account, hedge.contract.label)
        spot_key = (hedge.spot.account, hedge.spot.asset.upper())
        if perp_key in perps:
            yield (
                f"hedges.{name}.perp.symbol",
                f"{hedge.contract.label} on account {hedge.contract.account} is already hedge "
                f"{perps[perp_key]}'s perp (one hedge per perpetual per account)",
            )
        if spot_key in spots:
            yield (
                f"hedges.{name}.spot.asset",
                f"{hedge.spot.asset} on account {hedge.spot.account} is already hedged by "
                f"{spots[spot_key]} (use one hedge per holding; set its target_ratio instead)",
            )
        perps.setdefault(perp_key, name)
        spots.setdefault(spot_key, name)
