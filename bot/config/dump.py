"""Redacted views of the settings: YAML for show-config, a fingerprint, the JSON schema."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, SecretStr

from bot.config.accounts import AccountSettings
from bot.config.settings import Settings

__all__ = ["config_fingerprint", "redacted_dump", "secret_values", "settings_json_schema"]

REDACTED = "***"


def redacted_dump(settings: Settings) -> str:
    """The effective configuration as YAML, defaults filled, every secret shown as `***`
    (present) or null (absent); apprise URLs keep only their scheme."""
    return yaml.dump(
        _redact(settings), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )


def config_fingerprint(settings: Settings) -> str:
    """sha256 hex of `redacted_dump(settings)`: changes with any setting, not with key rotation."""
    return hashlib.sha256(redacted_dump(settings).encode()).hexdigest()


def settings_json_schema() -> dict[str, Any]:
    """JSON schema of the YAML file (secret fields are env-only and left out)."""
    return Settings.model_json_schema(mode="validation")


def secret_values(settings: Settings) -> list[str]:
    """Every secret value in `settings`, for the log redactor (`bot.logs.register_secret`)."""
    found: list[str] = []
    _collect(settings, found)
    return [v for v in found if v]


def _collect(value: Any, found: list[str]) -> None:
    if isinstance(value, SecretStr):
        found.append(value.get_secret_value())
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _collect(getattr(value, name), found)
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, found)
    elif isinstance(value, tuple | list):
        for item in value:
            _collect(item, found)


def _redact(value: Any, field: str = "") -> Any:
    if isinstance(value, SecretStr):
        return _redact_url(value.get_secret_value()) if field == "urls" else REDACTED
    if isinstance(value, AccountSettings) and value.is_wallet:  # no venue settings to show
        return {"exchange": value.exchange, "holdings": _redact(dict(value.holdings))}
    if isinstance(value, BaseModel):
        return {n: _redact(getattr(value, n), n) for n in type(value).model_fields}
    if isinstance(value, dict):
        return {str(k): _redact(v, field) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_redact(v, field) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, PurePath):
        return str(value)
    return value


def _redact_url(url: str) -> str:
    scheme = urlsplit(url).scheme
    return f"{scheme}://{REDACTED}" if scheme else REDACTED


class _Dumper(yaml.SafeDumper):
    """Writes Decimals as plain YAML numbers (exact text, no float rounding), no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _decimal)
