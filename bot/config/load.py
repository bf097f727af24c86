"""YAML file + environment → validated `Settings`, or a `ConfigError` listing every problem."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.config.accounts import Mode
from bot.config.errors import ConfigError, MissingKeys, format_validation_error
from bot.config.secrets import (
    DEFAULT_SECRETS_DIR,
    SecretSource,
    account_secret_var,
    environ,
    yaml_secret_problems,
)
from bot.config.settings import Settings

__all__ = ["DEMO_CONFIG", "load_config", "missing_secrets", "parse_config"]

DEMO_CONFIG = "bundled demo config (bot/defaults/demo.yaml)"


def load_config(
    path: Path | None,
    *,
    env: Mapping[str, str] | None = None,
    require_secrets: bool = True,
) -> Settings:
    """Read and validate the YAML at `path` (None: the bundled demo config) with secrets
    from `env` (default: `os.environ`) and the secrets directory.

    `require_secrets=False` skips the "non-sim accounts need keys" check (for show-config).
    Raises `ConfigError` naming every problem; never another exception for bad input.
    """
    if path is None:
        text = resources.files("bot.defaults").joinpath("demo.yaml").read_text("utf-8")
        return parse_config(text, source=DEMO_CONFIG, env=env, require_secrets=require_secrets)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"config file not found: {path}"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError([f"cannot read config file {path}: {reason}"]) from None
    return parse_config(text, source=str(path), env=env, require_secrets=require_secrets)


def parse_config(
    text: str,
    *,
    source: str = "<string>",
    env: Mapping[str, str] | None = None,
    require_secrets: bool = True,
) -> Settings:
    """Validate YAML `text`; `source` names it in error messages. See `load_config`."""
    data = _read_yaml(text, source)
    secrets = SecretSource(environ() if env is None else env)
    leaked = list(yaml_secret_problems(data))
    if leaked:
        raise ConfigError(leaked, source=source)
    accounts = data.get("accounts")
    context = {"accounts": set(accounts)} if isinstance(accounts, dict) else None
    try:
        settings = Settings.model_validate(secrets.inject(data), context=context)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, Settings), source=source) from None
    if require_secrets:
        missing = missing_secrets(settings, secrets_dir=secrets.directory)
        if missing:
            raise MissingKeys(missing, source=source)
    return settings


def missing_secrets(settings: Settings, *, secrets_dir: Path = DEFAULT_SECRETS_DIR) -> list[str]:
    """A problem line per non-sim account that lacks its API key or secret."""
    problems = []
    for name, account in settings.accounts.items():
        absent = [f for f in ("api_key", "secret") if getattr(account, f) is None]
        if account.is_wallet or account.mode is Mode.SIM or not absent:
            continue
        names = " and ".join(account_secret_var(name, f) for f in absent)
        problems.append(
            f"accounts.{name}: mode {account.venue_mode.value} needs API keys (set {names} in the "
            f"environment, or as lower-case files of those names in {secrets_dir})"
        )
    return problems


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that rejects duplicate keys instead of silently keeping the last."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                continue  # unhashable keys are reported by the base constructor
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(text: str, source: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        what = exc.problem or "cannot parse"
        if exc.context:
            what += f" ({exc.context})"
        raise ConfigError([f"{where}: invalid YAML: {what}"]) from None
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise ConfigError([f"{source}: invalid YAML: {exc}"]) from None
    if data is None:
        raise ConfigError(
            [f"{source} is empty (start from config/example.yaml; at least `accounts:` is needed)"]
        )
    if not isinstance(data, dict):
        raise ConfigError(
            [
                f"{source}: the top level must be a mapping of keys (accounts:, hedges:, ...), "
                f"got a {type(data).__name__}"
            ]
        )
    return data
