"""Settings of one hedge: which spot holding is hedged with which perpetual, and how."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.config.beta import BetaEstimateSettings, BetaSetting
from bot.config.errors import problems_error
from bot.config.rules import TargetRuleSettings
from bot.config.spot_sources import source_problems, sources_of, spot_shape
from bot.config.tags import ONE_SOURCE, SOURCE_LIST
from bot.domain.dated_series import AtExpiry, DatedSeries, Expiry
from bot.domain.hedge import HedgePolicy
from bot.domain.model import MarginMode
from bot.domain.proxy import is_proxy
from bot.domain.target_rules import Rules

__all__ = [
    "HEDGE_NAME_PATTERN",
    "ExecutionSettings",
    "FutureLeg",
    "HedgeSettings",
    "PerpLeg",
    "SpotLeg",
]

# Hedge names travel inside client order ids (Binance allows 36 characters), metric labels
# and URLs, hence the short, plain alphabet.
HEDGE_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$"
ONE = Decimal(1)


def _known_account(value: str, info: ValidationInfo) -> str:
    """Checks the account exists when the loader passes the account names as context."""
    accounts = (info.context or {}).get("accounts")
    if accounts is not None and value not in accounts:
        known = ", ".join(sorted(accounts)) or "none defined"
        raise ValueError(f"unknown account {value!r} (define it under accounts; known: {known})")
    return value


class SpotLeg(BaseModel):
    """The holding being hedged: an asset in an account's spot wallet (or a wallet
    account's `holdings`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    account: str = Field(
        description="name of the account (under accounts) holding the spot: an exchange "
        "account's spot wallet, or a wallet account (exchange: wallet)"
    )
    asset: str = Field(
        pattern=r"^[A-Za-z0-9]{1,20}$", description="the ccxt currency code held, e.g. BTC"
    )

    _account_exists = field_validator("account")(_known_account)


# `spot:` is one source or a non-empty list of them (see `spot_sources`).
SpotSources = Annotated[
    Annotated[SpotLeg, Tag(ONE_SOURCE)]
    | Annotated[tuple[SpotLeg, ...], Field(min_length=1), Tag(SOURCE_LIST)],
    Discriminator(spot_shape),
]


class _ContractLeg(BaseModel):
    """A contract leg: the account trading it (its `symbol` is the subclass's)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    account: str = Field(description="name of the account (under accounts) trading the contract")

    _account_exists = field_validator("account")(_known_account)


class PerpLeg(_ContractLeg):
    """The perpetual that carries the short hedge."""

    symbol: str = Field(
        pattern=r"^[A-Za-z0-9]+/[A-Za-z0-9]+:[A-Za-z0-9]+$",
        description="the perpetual's ccxt unified symbol BASE/QUOTE:SETTLE: linear "
        "BTC/USDT:USDT, a multiplied base 1000PEPE/USDT:USDT, inverse (COIN-M) BTC/USD:BTC",
    )

    @property
    def label(self) -> str:
        """The perpetual's symbol (what status and reports name the hedge's contract by)."""
        return self.symbol


class FutureLeg(_ContractLeg):
    """A dated future that carries the short hedge: a fixed contract (`symbol`), or a
    quarterly `series` whose listed contract the daemon resolves from the venue's markets."""

    symbol: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9]+/[A-Za-z0-9]+:[A-Za-z0-9]+-[0-9]{6}$",
        description="a fixed dated future's ccxt unified symbol BASE/QUOTE:SETTLE-YYMMDD, e.g. "
        "BTC/USDT:USDT-261225 (linear) or BTC/USD:BTC-261225 (COIN-M); exactly one of "
        "symbol / series",
    )
    series: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9]+/[A-Za-z0-9]+:[A-Za-z0-9]+$",
        description="the quarterlies to hold, as their perpetual's ccxt symbol: BTC/USDT:USDT "
        "(USDⓈ-M) or BTC/USD:BTC (COIN-M); the contract is resolved from the venue's listings",
    )
    expiry: Expiry = Field(
        default=Expiry.QUARTER,
        description="with series: quarter | next_quarter — which listed contract to hold",
    )
    roll_before_hours: int = Field(
        default=72,
        ge=1,
        description="with series: start rolling this long before the held contract expires, hours",
    )
    at_expiry: AtExpiry = Field(
        default=AtExpiry.CLOSE,
        description="close | deliver — close: the held contract is flat before delivery (a "
        "series rolls into the next contract first); deliver: it is left to deliver and a "
        "series opens the next contract after",
    )

    @model_validator(mode="after")
    def _one_contract(self) -> FutureLeg:
        if (self.symbol is None) == (self.series is None):
            said = "both are set" if self.symbol else "neither is set"
            raise problems_error([("symbol", f"exactly one of symbol / series is needed ({said})")])
        return self

    @property
    def label(self) -> str:
        """The fixed symbol, or `<series>-<expiry>` (BTC/USDT:USDT-quarter), a name no venue
        lists: a series' contract is resolved at run time (`engine.dated_resolve`)."""
        return self.symbol or f"{self.series}-{self.expiry.value}"

    def dated_series(self) -> DatedSeries | None:
        """The domain's view of the series, None for a fixed contract."""
        if self.series is None:
            return None
        return DatedSeries(self.series, self.expiry, self.roll_before_hours)


class ExecutionSettings(BaseModel):
    """How a hedge's orders are placed and repriced."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    post_only: bool = Field(
        default=True, description="rest maker-only limit orders at the touch (recommended)"
    )
    max_order_notional: Decimal | None = Field(
        default=None,
        gt=0,
        description="largest single order, quote currency (USDT); larger gaps are sliced; "
        "omit for no limit",
    )
    reprice_after_s: float = Field(
        default=60,
        allow_inf_nan=False,
        ge=1,
        description="reprice a resting order older than this, seconds",
    )
    reprice_ticks: int = Field(
        default=2, ge=1, description="reprice when the touch moved this many ticks away, ticks"
    )
    emergency_band: Decimal | None = Field(
        default=None,
        gt=0,
        le=10,
        description="when |ratio - target| exceeds this fraction, cross the spread with an IOC "
        "limit instead of waiting; must be above band; omit to never cross",
    )


class HedgeSettings(TargetRuleSettings):
    """One hedge: keep short perp exposure = target × spot holding (× beta); rules move it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    spot: SpotSources = Field(
        description="the holding: one source {account: NAME, asset: BTC}, or a list of them "
        "(summed, e.g. an exchange's spot wallet and a wallet account)"
    )
    perp: PerpLeg | None = Field(
        default=None,
        description="the perpetual: {account: NAME, symbol: BTC/USDT:USDT}; exactly one of "
        "perp / future",
    )
    future: FutureLeg | None = Field(
        default=None,
        description="a dated future instead of a perpetual: {account: NAME, symbol: "
        "BTC/USDT:USDT-261225}; the short is bought back in its last hour, never delivered",
    )
    target_ratio: Decimal = Field(
        ge=0,
        le=10,
        description="short exposure / spot holding to hold, a fraction (1.0 = fully hedged)",
    )
    band: Decimal = Field(
        default=Decimal("0.02"),
        ge=0,
        le=1,
        description="act when |ratio - target_ratio| exceeds this, a fraction of the holding",
    )
    max_ratio: Decimal = Field(
        default=ONE,
        ge=0,
        le=10,
        description="no order may take the ratio above this fraction; must be ≥ target_ratio",
    )
    allow_over_hedge: bool = Field(
        default=False, description="allow target_ratio / max_ratio above 1 (a net short)"
    )
    leverage: int = Field(default=2, ge=1, le=125, description="perp leverage to set, 1..125")
    margin_mode: MarginMode = Field(
        default=MarginMode.ISOLATED, description="perp margin mode: isolated | cross"
    )
    beta: BetaSetting = Field(
        default=ONE,
        description="perp exposure per unit of spot exposure (1 when the perp is on the same "
        "coin): a number, or for a proxy {estimate: ols, lookback_days, interval, "
        "refresh_hours, min, max, min_r2} estimated from the venue's candles",
    )
    count_margin: bool | None = Field(
        default=None,
        description="count the coin in the COIN-M wallet (wallet balance + unrealised P&L) "
        "as part of the holding; omit for the default: true for an inverse perp margined in "
        "the hedged coin (e.g. BTC/USD:BTC), ignored otherwise",
    )
    execution: ExecutionSettings = Field(
        default_factory=ExecutionSettings, description="order placement and repricing"
    )
    max_daily_turnover: Decimal | None = Field(
        default=None,
        gt=0,
        description="stop trading this hedge after this much traded notional in one UTC day, "
        "quote currency; omit for no limit",
    )

    @model_validator(mode="before")
    @classmethod
    def _empty_execution_is_default(cls, data: Any) -> Any:
        if isinstance(data, dict) and "execution" in data and data["execution"] is None:
            return {k: v for k, v in data.items() if k != "execution"}
        return data

    @property
    def contract(self) -> PerpLeg | FutureLeg:
        """The leg carrying the short: the perpetual or the dated future."""
        leg = self.perp or self.future
        assert leg is not None  # the validator requires exactly one
        return leg

    @property
    def beta_estimate(self) -> BetaEstimateSettings | None:
        """The estimate settings when `beta:` is estimated, else None (a fixed beta)."""
        return self.beta if isinstance(self.beta, BetaEstimateSettings) else None

    def _beta_problems(self) -> list[tuple[str, str]]:
        leg = self.perp or self.future  # neither: refused on its own
        if self.beta_estimate is None or leg is None:
            return []
        if is_proxy(leg.label.partition("/")[0], self.holding_asset):
            return []
        return [
            (
                "beta",
                f"an estimate needs a perp on another asset (a proxy): {self.holding_asset} "
                f"hedged with {leg.label} is the same coin (use a number, or omit it)",
            )
        ]

    @property
    def spot_sources(self) -> tuple[SpotLeg, ...]:
        """Where the holding is, one entry per source (one when `spot:` is a single one)."""
        return sources_of(self.spot)

    @property
    def holding_asset(self) -> str:
        """The coin held (every source holds the same one)."""
        return self.spot_sources[0].asset

    @model_validator(mode="after")
    def _check_ratios(self) -> HedgeSettings:
        problems: list[tuple[str, str]] = []
        if (self.perp is None) == (self.future is None):
            said = "both are set" if self.perp else "neither is set"
            problems.append(("perp", f"exactly one of perp / future is needed ({said})"))
        if not self.allow_over_hedge:
            for name in ("target_ratio", "max_ratio"):
                value = getattr(self, name)
                if value > ONE:
                    problems.append(
                        (
                            name,
                            f"{value} is above 1 (over-hedging makes you net short; "
                            "use at most 1, or set allow_over_hedge: true)",
                        )
                    )
        if self.max_ratio < self.target_ratio:
            problems.append(
                (
                    "max_ratio",
                    f"{self.max_ratio} is below target_ratio {self.target_ratio} "
                    "(use a value ≥ target_ratio)",
                )
            )
        emergency = self.execution.emergency_band
        if emergency is not None and emergency <= self.band:
            problems.append(
                (
                    "execution.emergency_band",
                    f"{emergency} is not above band {self.band} (use a value > band, or omit it)",
                )
            )
        problems += source_problems(self.spot_sources)
        problems += self._beta_problems()
        problems += self.rule_problems(self.max_ratio)
        if problems:
            raise problems_error(problems)
        return self

    def rules(self) -> Rules:
        """The domain's view of this hedge's target rules."""
        return self.to_rules(self.target_ratio, self.max_ratio)

    def to_policy(self, name: str, symbol: str | None = None) -> HedgePolicy:
        """The domain's view of this hedge (named `name` in the YAML); `symbol` is the
        contract a `future.series` resolved to (None: the configured symbol)."""
        execution = self.execution
        return HedgePolicy(
            name=name,
            spot_asset=self.holding_asset,
            perp_symbol=symbol or self.contract.label,
            target_ratio=self.target_ratio,
            band=self.band,
            max_ratio=self.max_ratio,
            allow_over_hedge=self.allow_over_hedge,
            beta=self.beta if isinstance(self.beta, Decimal) else self.beta.max,
            leverage=self.leverage,
            margin_mode=self.margin_mode,
            post_only=execution.post_only,
            max_order_notional=execution.max_order_notional,
            reprice_after_ms=round(execution.reprice_after_s * 1000),
            reprice_ticks=execution.reprice_ticks,
            emergency_band=execution.emergency_band,
            max_daily_turnover=self.max_daily_turnover,
            count_margin=self.count_margin,
        )
