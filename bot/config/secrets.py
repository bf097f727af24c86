"""Secrets: read from the environment or a secrets directory, never from YAML.

Names (one scheme, documented in config/example.yaml):
- environment: `HEDGEBOT_ACCOUNTS__<NAME>__API_KEY`, `..__SECRET`, `..__PASSWORD`
  (NAME = account name upper-cased), `HEDGEBOT_API_TOKEN`, `HEDGEBOT_NOTIFY_URLS`
  (apprise URLs separated by spaces or newlines);
- secrets directory (default `/run/secrets`, or `HEDGEBOT_SECRETS_DIR`): a file named like the
  variable in lower case, e.g. `hedgebot_accounts__main__api_key`, holding the value.
The environment wins over the directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "ACCOUNT_SECRET_FIELDS",
    "SECRETS_DIR_VAR",
    "SecretSource",
    "account_secret_var",
    "yaml_secret_problems",
]

SECRETS_DIR_VAR = "HEDGEBOT_SECRETS_DIR"
DEFAULT_SECRETS_DIR = Path("/run/secrets")
ACCOUNT_SECRET_FIELDS = ("api_key", "secret", "password")
API_TOKEN_VAR = "HEDGEBOT_API_TOKEN"
NOTIFY_URLS_VAR = "HEDGEBOT_NOTIFY_URLS"

# Keys that look like credentials; compared after dropping "_" and "-" and lower-casing.
_SECRET_KEYS = frozenset(
    {
        "apikey",
        "key",
        "secret",
        "secretkey",
        "apisecret",
        "password",
        "passphrase",
        "token",
        "apitoken",
        "privatekey",
    }
)


def account_secret_var(account: str, field: str) -> str:
    """The environment variable holding `field` (api_key/secret/password) of `account`."""
    return f"HEDGEBOT_ACCOUNTS__{account.upper()}__{field.upper()}"


class SecretSource:
    """Looks secrets up in an environment mapping, then in a secrets directory."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env
        self.directory = Path(env.get(SECRETS_DIR_VAR) or DEFAULT_SECRETS_DIR)

    def get(self, var: str) -> str | None:
        """The value of `var`, or None when neither the env nor the directory has it."""
        value = self._env.get(var)
        if value:
            return value
        path = self.directory / var.lower()
        try:
            text = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return text or None

    def inject(self, data: dict[str, Any]) -> dict[str, Any]:
        """A copy of the raw YAML mapping `data` with every secret found filled in."""
        out = dict(data)
        accounts = out.get("accounts")
        if isinstance(accounts, dict):
            out["accounts"] = {
                name: self._account(str(name), body) for name, body in accounts.items()
            }
        token = self.get(API_TOKEN_VAR)
        api = out.get("api") or {}
        if token and isinstance(api, dict):
            out["api"] = {**api, "token": token}
        urls = self.get(NOTIFY_URLS_VAR)
        notify = out.get("notify") or {}
        if urls and isinstance(notify, dict):
            listed = notify.get("urls") or []
            listed = list(listed) if isinstance(listed, list) else [listed]
            out["notify"] = {**notify, "urls": listed + urls.split()}
        return out

    def _account(self, name: str, body: Any) -> Any:
        if not isinstance(body, dict):
            return body
        found = {f: self.get(account_secret_var(name, f)) for f in ACCOUNT_SECRET_FIELDS}
        return {**body, **{f: v for f, v in found.items() if v}}


def yaml_secret_problems(data: Any, path: str = "") -> Iterator[str]:
    """A problem line for every credential-like key anywhere in the raw YAML `data`."""
    if isinstance(data, dict):
        names_level = path in ("accounts", "hedges")  # keys here are names, not settings
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if _is_secret_key(key) and not names_level:
                yield f"{here}: secrets are not allowed in YAML ({_where_instead(here)})"
            else:
                yield from yaml_secret_problems(value, here)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from yaml_secret_problems(item, f"{path}[{i}]")


def _is_secret_key(key: object) -> bool:
    return isinstance(key, str) and key.replace("_", "").replace("-", "").lower() in _SECRET_KEYS


def _where_instead(path: str) -> str:
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "accounts":
        field = {"apikey": "api_key", "key": "api_key", "passphrase": "password"}.get(
            parts[2].replace("_", "").lower(), parts[2].lower()
        )
        if field not in ACCOUNT_SECRET_FIELDS:
            field = "api_key"
        var = account_secret_var(parts[1], field)
        return (
            f"remove it and set {var} in the environment, or put it in the file "
            f"{DEFAULT_SECRETS_DIR}/{var.lower()}"
        )
    if parts[0] == "api":
        return f"remove it and set {API_TOKEN_VAR} in the environment"
    return (
        "remove it; account keys go in HEDGEBOT_ACCOUNTS__<NAME>__API_KEY / __SECRET / "
        f"__PASSWORD, the API token in {API_TOKEN_VAR}"
    )


def environ() -> Mapping[str, str]:
    """The process environment (a seam for tests)."""
    return os.environ
