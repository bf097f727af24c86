"""Settings of one exchange account. Keys come from the environment, never from YAML."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic.json_schema import SkipJsonSchema

from bot.config.errors import problems_error
from bot.config.wallet import WALLET, Holdings, wallet_problems

__all__ = ["ACCOUNT_NAME_PATTERN", "WALLET", "AccountSettings", "Mode", "env_only"]

ACCOUNT_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"  # becomes part of an env var name
SIM_API_KEY = "sim-key"
SIM_SECRET = "sim-secret"


def env_only(description: str) -> Any:
    """A secret field: filled from the environment or secrets dir, hidden from the schema."""
    return Field(default=None, description=description, json_schema_extra={"x-env-only": True})


class Mode(StrEnum):
    """Which venue an account talks to."""

    SIM = "sim"  # hedgebot's simulator: embedded, or external at `url`
    TESTNET = "testnet"  # the venue's testnet (Binance futures: ccxt demo trading)
    DEMO = "demo"  # the venue's demo trading (paper money on the live matching engine)
    LIVE = "live"  # real money


def _mode_optional(schema: dict[str, Any]) -> None:
    """In the JSON schema `mode` is optional: a wallet account has none (the validator
    requires it on every exchange account)."""
    schema["required"] = [r for r in schema.get("required", []) if r != "mode"]


class AccountSettings(BaseModel):
    """One account on one venue; a hedge's spot and perp legs may share one or use two. An
    account of `exchange: wallet` is coins held off any exchange (`holdings`), never
    connected (see `bot.config.wallet`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra=_mode_optional)

    exchange: str = Field(
        pattern=r"^[a-z][a-z0-9]*$",
        description="a ccxt exchange id in lower case, e.g. binance, bybit, okx "
        "(`hedgebot check` verifies it exists); or `wallet` for coins held off any exchange",
    )
    mode: Mode | None = Field(
        description="sim | testnet | demo | live — required (but for a wallet account), so "
        "nothing trades live by accident",
    )
    holdings: Holdings = Field(
        default_factory=dict,
        description="wallet accounts only: coins held in a cold or hardware wallet, asset → "
        'amount, e.g. {BTC: "2.5"}; reloaded on SIGHUP',
    )
    url: str | None = Field(
        default=None,
        description="mode sim only: base URL of an external simulator, e.g. "
        "http://127.0.0.1:8099; omit it to run the embedded simulator",
    )
    timeout_ms: int = Field(
        default=10_000, ge=1_000, le=120_000, description="HTTP timeout per request, milliseconds"
    )
    position_mode: Literal["auto", "one_way", "hedge"] = Field(
        default="auto",
        description="auto | one_way | hedge — the futures position mode (Binance "
        "dualSidePosition). auto follows the venue; a set mode that differs is switched on "
        "the venue at start (possible only with no open futures position or order). In hedge "
        "mode the hedge is the SHORT leg; the LONG leg is reported and never traded",
    )
    allow_withdrawal_keys: bool = Field(
        default=False,
        description="accept an API key that can withdraw funds (refused by default: a "
        "hedging bot never needs that permission, and a leaked key with it can empty the "
        "account)",
    )
    api_key: SkipJsonSchema[SecretStr | None] = env_only("API key (env only)")
    secret: SkipJsonSchema[SecretStr | None] = env_only("API secret (env only)")
    password: SkipJsonSchema[SecretStr | None] = env_only("API passphrase, OKX-style (env only)")

    @model_validator(mode="before")
    @classmethod
    def _sim_needs_no_keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("exchange") == WALLET:
            return {"mode": None, **data}  # a wallet has no mode (and keys none are made up)
        if isinstance(data, dict) and data.get("mode") in (Mode.SIM, "sim"):
            data = {**data}
            data["api_key"] = data.get("api_key") or SIM_API_KEY
            data["secret"] = data.get("secret") or SIM_SECRET
        return data

    @model_validator(mode="after")
    def _check_kind(self) -> AccountSettings:
        problems = wallet_problems(self.exchange, self._venue_fields_set(), self.holdings)
        if problems:
            raise problems_error(problems)
        return self

    @model_validator(mode="after")
    def _check_url(self) -> AccountSettings:
        if self.url is None or self.mode is None:  # a wallet account's url is refused above
            return self
        if self.mode is not Mode.SIM:
            raise problems_error(
                [
                    (
                        "url",
                        f"only allowed with mode sim, not {self.mode.value} "
                        "(remove url; ccxt knows the venue's URLs)",
                    )
                ]
            )
        parsed = urlparse(self.url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise problems_error(
                [("url", f"{self.url!r} is not an http(s) URL (use e.g. http://127.0.0.1:8099)")]
            )
        return self

    def _venue_fields_set(self) -> set[str]:
        """The fields set in the YAML or environment (a wallet's null mode is ours)."""
        return {f for f in self.model_fields_set if f != "mode" or self.mode is not None}

    @property
    def is_wallet(self) -> bool:
        """True for a wallet account (`exchange: wallet`): YAML holdings, never connected."""
        return self.exchange == WALLET

    @property
    def venue_mode(self) -> Mode:
        """The mode of an exchange account (validated present for every non-wallet one)."""
        if self.mode is None:
            raise ValueError(f"a {self.exchange} account has no mode")
        return self.mode

    @property
    def has_keys(self) -> bool:
        """True when both the API key and secret are present."""
        return self.api_key is not None and self.secret is not None
