"""hedgebot's configuration: YAML (everything but secrets) + environment (secrets) → one
frozen, validated `Settings` tree. Components receive the section they need."""

from bot.config.accounts import AccountSettings, Mode
from bot.config.dump import (
    config_fingerprint,
    redacted_dump,
    secret_values,
    settings_json_schema,
)
from bot.config.errors import ConfigError, MissingKeys
from bot.config.hedges import ExecutionSettings, HedgeSettings, PerpLeg, SpotLeg
from bot.config.load import DEMO_CONFIG, load_config, missing_secrets, parse_config
from bot.config.secrets import account_secret_var
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
from bot.config.settings import Settings

__all__ = [
    "DEMO_CONFIG",
    "AccountSettings",
    "ApiSettings",
    "ConfigError",
    "ControlSettings",
    "DataSettings",
    "ExecutionSettings",
    "HedgeSettings",
    "JournalSettings",
    "LogSettings",
    "MissingKeys",
    "Mode",
    "NotifySettings",
    "PerpLeg",
    "ReliabilitySettings",
    "RiskSettings",
    "ScheduleSettings",
    "Settings",
    "SpotLeg",
    "account_secret_var",
    "config_fingerprint",
    "load_config",
    "missing_secrets",
    "parse_config",
    "redacted_dump",
    "secret_values",
    "settings_json_schema",
]
