"""The smaller settings sections: schedule, risk, data, reliability, control, journal, log,
api and notify. Each component receives only its own section."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from bot.config.accounts import env_only
from bot.config.errors import problems_error
from bot.domain.risk_policy import RiskPolicy

__all__ = [
    "ApiSettings",
    "ControlSettings",
    "DataSettings",
    "JournalSettings",
    "LogSettings",
    "NotifySettings",
    "ReliabilitySettings",
    "RiskSettings",
    "ScheduleSettings",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"  # one DNS label
_HOST_NAME = re.compile(rf"(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*")


def _fraction(default: str, description: str) -> Decimal:
    value: Decimal = Field(default=Decimal(default), gt=0, lt=1, description=description)
    return value


class ScheduleSettings(BaseModel):
    """How often the daemon's jobs run."""

    model_config = _FROZEN

    poll_seconds: float = Field(
        default=10, allow_inf_nan=False, ge=1, le=3600, description="hedge cycle interval, seconds"
    )
    risk_seconds: float | None = Field(
        default=None,
        allow_inf_nan=False,
        ge=1,
        le=3600,
        description="risk check interval, seconds; omit to use poll_seconds",
    )
    funding_seconds: float = Field(
        default=300,
        allow_inf_nan=False,
        ge=10,
        le=86_400,
        description="funding-payment recording interval, seconds",
    )

    @property
    def effective_risk_seconds(self) -> float:
        """The risk job's interval: `risk_seconds`, or `poll_seconds` when unset."""
        return self.risk_seconds if self.risk_seconds is not None else self.poll_seconds


class RiskSettings(BaseModel):
    """The graded risk guard. Distances are |mark - liquidation| / mark, fractions 0..1."""

    model_config = _FROZEN

    warn_distance: Decimal = _fraction("0.30", "alert when the liquidation distance is below this")
    top_up_distance: Decimal = _fraction(
        "0.20", "add margin (if auto_top_up) when the distance is below this"
    )
    delever_distance: Decimal = _fraction(
        "0.15", "lower leverage (if allow_delever) when the distance is below this"
    )
    reduce_distance: Decimal = _fraction(
        "0.10", "reduce the hedge (if allow_reduce) when the distance is below this — last resort"
    )
    restore_distance: Decimal = _fraction(
        "0.35", "top-ups add margin until the distance is back at this; above top_up_distance"
    )
    auto_top_up: bool = Field(
        default=False,
        description="move collateral to the futures wallet / add isolated margin automatically",
    )
    max_top_up: Decimal | None = Field(
        default=None, gt=0, description="largest single top-up, quote currency; omit for no cap"
    )
    allow_delever: bool = Field(default=True, description="allow lowering leverage")
    allow_reduce: bool = Field(default=True, description="allow reducing the hedge as last resort")
    margin_ratio_warn: Decimal = _fraction(
        "0.5", "alert when maintenance margin / margin balance is above this"
    )
    margin_ratio_critical: Decimal = _fraction(
        "0.8", "treat as critical (stop adding to the hedge) above this margin ratio"
    )

    liq_price_tolerance: Decimal = _fraction(
        "0.01", "flag when the venue's liquidation price and ours differ by more than this"
    )

    @model_validator(mode="after")
    def _check_order(self) -> RiskSettings:
        problems: list[tuple[str, str]] = []
        ladder = ("warn_distance", "top_up_distance", "delever_distance", "reduce_distance")
        for upper, lower in itertools.pairwise(ladder):
            if getattr(self, upper) <= getattr(self, lower):
                problems.append(
                    (
                        lower,
                        f"{getattr(self, lower)} is not below {upper} {getattr(self, upper)} "
                        "(the grades must satisfy warn > top_up > delever > reduce)",
                    )
                )
        if self.restore_distance <= self.top_up_distance:
            problems.append(
                (
                    "restore_distance",
                    f"{self.restore_distance} is not above top_up_distance "
                    f"{self.top_up_distance} (a top-up must restore more than triggers it)",
                )
            )
        if self.margin_ratio_warn >= self.margin_ratio_critical:
            problems.append(
                (
                    "margin_ratio_warn",
                    f"{self.margin_ratio_warn} is not below "
                    f"margin_ratio_critical {self.margin_ratio_critical} (use a smaller value)",
                )
            )
        if problems:
            raise problems_error(problems)
        return self

    def to_policy(self) -> RiskPolicy:
        """The domain's thresholds (`allow_delever`/`allow_reduce` stay with the engine)."""
        return RiskPolicy(
            warn_distance=self.warn_distance,
            top_up_distance=self.top_up_distance,
            delever_distance=self.delever_distance,
            reduce_distance=self.reduce_distance,
            restore_distance=self.restore_distance,
            auto_top_up=self.auto_top_up,
            max_top_up=self.max_top_up,
            warn_margin_ratio=self.margin_ratio_warn,
            critical_margin_ratio=self.margin_ratio_critical,
            liq_price_tolerance=self.liq_price_tolerance,
        )


class DataSettings(BaseModel):
    """Guards against stale market and account data."""

    model_config = _FROZEN

    max_snapshot_age_s: float = Field(
        default=30,
        allow_inf_nan=False,
        ge=1,
        le=3600,
        description="pause a hedge when any part of its snapshot is older than this, seconds",
    )


class ReliabilitySettings(BaseModel):
    """Start/stop order policy and the per-account circuit breaker."""

    model_config = _FROZEN

    on_start_own_orders: Literal["adopt", "cancel"] = Field(
        default="cancel", description="our open orders found at start: adopt | cancel"
    )
    on_stop_orders: Literal["cancel", "leave"] = Field(
        default="cancel", description="our resting orders at a graceful stop: cancel | leave"
    )
    breaker_failures: int = Field(
        default=5, ge=1, le=1000, description="consecutive failures that open an account's breaker"
    )
    breaker_cooldown_s: float = Field(
        default=60,
        allow_inf_nan=False,
        ge=1,
        le=86_400,
        description="wait before probing an open breaker, seconds",
    )


class ControlSettings(BaseModel):
    """Operator controls."""

    model_config = _FROZEN

    kill_switch_file: Path | None = Field(
        default=None,
        description="while this file exists no order is placed (existing ones are cancelled); "
        "omit to disable",
    )


class JournalSettings(BaseModel):
    """Where the SQLite journal lives."""

    model_config = _FROZEN

    path: Path = Field(
        default=Path("hedgebot.sqlite"),
        description="journal file; relative paths are relative to the working directory",
    )


class LogSettings(BaseModel):
    """Log output."""

    model_config = _FROZEN

    format: Literal["json", "console", "auto"] = Field(
        default="auto", description="json lines | console | auto (console on a TTY, else json)"
    )
    level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="lowest level logged: debug | info | warning | error"
    )

    @field_validator("level", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value


class ApiSettings(BaseModel):
    """The HTTP API: /healthz, /metrics, /status, pause/resume."""

    model_config = _FROZEN

    enabled: bool = Field(default=True, description="serve the HTTP API")
    host: str = Field(
        default="127.0.0.1", min_length=1, description="bind address (loopback by default)"
    )
    port: int = Field(default=8080, ge=0, le=65535, description="TCP port (0 = any free port)")
    token: SkipJsonSchema[SecretStr | None] = env_only(
        "bearer token for mutating endpoints, from HEDGEBOT_API_TOKEN (env only); "
        "without it pause/resume over HTTP are refused"
    )
    allowed_hosts: tuple[str, ...] = Field(
        default=(),
        description="host names the API and dashboard answer under, besides IP addresses, "
        "localhost and `host` (e.g. the name a reverse proxy serves it as); other names get "
        "421 except on /healthz and /metrics (DNS-rebinding protection)",
    )

    @field_validator("allowed_hosts")
    @classmethod
    def _host_names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        for name in names:
            if not _HOST_NAME.fullmatch(name):
                raise ValueError(
                    f"{name!r} is not a host name (letters, digits, '-' and '.', no scheme,"
                    " port or path: e.g. hedge.example.org)"
                )
        return tuple(n.lower() for n in names)


class NotifySettings(BaseModel):
    """Alerts through apprise."""

    model_config = _FROZEN

    urls: tuple[SecretStr, ...] = Field(
        default=(),
        description="apprise URLs (tgram://, discord://, mailto://, json://...); they may hold "
        "tokens, so prefer HEDGEBOT_NOTIFY_URLS (space separated); shown redacted",
    )
    min_severity: Literal["info", "warning", "critical"] = Field(
        default="warning", description="lowest severity sent: info | warning | critical"
    )
    rate_limit_s: float = Field(
        default=300,
        allow_inf_nan=False,
        ge=0,
        le=86_400,
        description="minimum time between two alerts with the same key, seconds",
    )
    daily_digest: str | None = Field(
        default=None,
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description='send a daily digest at this UTC time, "HH:MM" (e.g. "08:00"): per hedge '
        "the ratio, the last 24 h funding, fees, P&L split and risk events; omit for none",
    )

    @property
    def digest_at(self) -> tuple[int, int] | None:
        """(hour, minute) UTC of the daily digest, or None when it is off."""
        if self.daily_digest is None:
            return None
        hour, minute = self.daily_digest.split(":")
        return int(hour), int(minute)
