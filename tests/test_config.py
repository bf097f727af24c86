"""Configuration: YAML + environment → Settings, or a ConfigError naming path, value and fix."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import (
    ConfigError,
    Mode,
    config_fingerprint,
    load_config,
    parse_config,
    redacted_dump,
    secret_values,
    settings_json_schema,
)
from bot.domain.hedge import HedgePolicy
from bot.domain.risk_policy import RiskPolicy

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "config" / "example.yaml"
KEYS = {"HEDGEBOT_ACCOUNTS__MAIN__API_KEY": "key-123", "HEDGEBOT_ACCOUNTS__MAIN__SECRET": "s-456"}

BASE = """
accounts:
  main: {exchange: binance, mode: demo}
hedges:
  BTC:
    spot: {account: main, asset: BTC}
    perp: {account: main, symbol: BTC/USDT:USDT}
    target_ratio: 1.0
"""


def problems_of(text: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="bad.yaml", env=KEYS if env is None else env)
    return str(info.value)


def edit(**changes: object) -> str:
    """BASE with keys of hedges.BTC replaced (or added)."""
    data = yaml.safe_load(BASE)
    data["hedges"]["BTC"].update(changes)
    return yaml.safe_dump(data)


BAD_CONFIGS = [
    (edit(target_ratio=-1), "hedges.BTC.target_ratio: -1 is below 0", "use a value between 0"),
    (edit(target_ratio=1.5), "hedges.BTC.target_ratio: 1.5 is above 1", "allow_over_hedge: true"),
    (edit(leverage=0), "hedges.BTC.leverage: 0 is below 1", "from 1 to 125"),
    (edit(targt_ratio=1), "hedges.BTC.targt_ratio: unknown key", "did you mean target_ratio?"),
    (
        edit(perp={"account": "mian", "symbol": "BTC/USDT:USDT"}),
        "hedges.BTC.perp.account: unknown account 'mian'",
        "define it under accounts",
    ),
    (
        BASE.replace("mode: demo}", "mode: demo, url: 'http://127.0.0.1:8099'}"),
        "accounts.main.url: only allowed with mode sim",
        "remove url",
    ),
    (
        BASE.replace("mode: demo}", "mode: demo, api_key: abc}"),
        "accounts.main.api_key: secrets are not allowed in YAML",
        "HEDGEBOT_ACCOUNTS__MAIN__API_KEY",
    ),
    (BASE + "risk: {top_up_distance: 0.4}\n", "risk.top_up_distance: 0.4 is not below", "warn >"),
    (BASE + "risk: {reduce_distance: 0.18}\n", "risk.reduce_distance: 0.18", "delever > reduce"),
    (edit(margin_mode="isolatd"), "hedges.BTC.margin_mode: 'isolatd'", "did you mean isolated?"),
    (edit(max_ratio=0.5), "hedges.BTC.max_ratio: 0.5 is below target_ratio", "≥ target_ratio"),
    (edit(target_ratio="lots"), "hedges.BTC.target_ratio: 'lots' is not a number", "between 0"),
    (
        edit(perp={"account": "main", "symbol": "BTC/USDT"}),
        "hedges.BTC.perp.symbol: 'BTC/USDT' is not allowed",
        "BTC/USDT:USDT",
    ),
    (
        BASE.replace("mode: demo", "mode: paper"),
        "accounts.main.mode: 'paper' is not one of",
        "demo",
    ),
    (BASE.replace("mode: demo", "exchange2: x"), "accounts.main.mode: missing", "sim | testnet"),
    (BASE + "acounts: {}\n", "acounts: unknown key", "did you mean accounts?"),
    (
        BASE + "api: {token: abc}\n",
        "api.token: secrets are not allowed in YAML",
        "HEDGEBOT_API_TOKEN",
    ),
    (BASE + "hedges2: [\n", "bad.yaml:", "invalid YAML"),
    (BASE + "  BTC: {}\n", "duplicate key 'BTC'", "invalid YAML"),
    ("", "bad.yaml is empty", "config/example.yaml"),
    ("- 1\n- 2\n", "the top level must be a mapping", "got a list"),
]


@pytest.mark.parametrize(("text", "problem", "fix"), BAD_CONFIGS)
def test_bad_config_names_path_value_and_fix(text: str, problem: str, fix: str) -> None:
    """Each bad config is refused with its dotted path, the value and a way to fix it."""
    message = problems_of(text)
    assert problem in message
    assert fix in message
    assert "pydantic" not in message and "http" not in message.replace("http://127", "")


def test_every_problem_is_listed_at_once() -> None:
    """Several independent mistakes are all reported in one error."""
    text = edit(target_ratio=-1, leverage=0, band="wide") + "schedule: {poll_seconds: 0}\n"
    with pytest.raises(ConfigError) as info:
        parse_config(text, env=KEYS)
    paths = sorted(p.split(":")[0] for p in info.value.problems)
    assert paths == [
        "hedges.BTC.band",
        "hedges.BTC.leverage",
        "hedges.BTC.target_ratio",
        "schedule.poll_seconds",
    ]


def test_yaml_syntax_error_names_line_and_column() -> None:
    """A YAML syntax error points at the line and column of the problem."""
    message = problems_of("accounts:\n  main: x: y\n")
    assert "bad.yaml:2:10: invalid YAML: mapping values are not allowed here" in message


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    """A config path that does not exist is named in the error."""
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError, match=f"config file not found: {missing}"):
        load_config(missing, env={})


def test_non_sim_account_without_keys_is_refused() -> None:
    """A demo/live account with no keys fails at load, naming the variables to set."""
    message = problems_of(BASE, env={})
    assert "accounts.main: mode demo needs API keys" in message
    assert "HEDGEBOT_ACCOUNTS__MAIN__API_KEY and HEDGEBOT_ACCOUNTS__MAIN__SECRET" in message


def test_show_config_can_skip_the_key_requirement() -> None:
    """require_secrets=False loads a keyless demo config (for show-config)."""
    loaded = parse_config(BASE, env={}, require_secrets=False)
    assert loaded.accounts["main"].api_key is None


def test_env_secrets_are_picked_up() -> None:
    """Keys come from HEDGEBOT_ACCOUNTS__<NAME>__API_KEY / __SECRET / __PASSWORD."""
    env = {**KEYS, "HEDGEBOT_ACCOUNTS__MAIN__PASSWORD": "pw-789", "HEDGEBOT_API_TOKEN": "tok-1"}
    loaded = parse_config(BASE, env=env)
    account = loaded.accounts["main"]
    assert account.api_key is not None and account.api_key.get_secret_value() == "key-123"
    assert account.secret is not None and account.secret.get_secret_value() == "s-456"
    assert account.password is not None and account.password.get_secret_value() == "pw-789"
    assert loaded.api.token is not None and loaded.api.token.get_secret_value() == "tok-1"


def test_secrets_dir_is_picked_up_and_env_wins(tmp_path: Path) -> None:
    """Files named like the lower-cased variables in HEDGEBOT_SECRETS_DIR supply keys."""
    (tmp_path / "hedgebot_accounts__main__api_key").write_text("file-key\n")
    (tmp_path / "hedgebot_accounts__main__secret").write_text("file-secret\n")
    env = {"HEDGEBOT_SECRETS_DIR": str(tmp_path), "HEDGEBOT_ACCOUNTS__MAIN__SECRET": "env-s"}
    account = parse_config(BASE, env=env).accounts["main"]
    assert account.api_key is not None and account.api_key.get_secret_value() == "file-key"
    assert account.secret is not None and account.secret.get_secret_value() == "env-s"


def test_sim_needs_no_keys() -> None:
    """Mode sim loads without keys and gets placeholder credentials."""
    loaded = parse_config(BASE.replace("mode: demo", "mode: sim"), env={})
    assert loaded.accounts["main"].mode is Mode.SIM
    assert loaded.accounts["main"].has_keys


def test_redacted_dump_never_contains_a_secret() -> None:
    """show-config's YAML marks secrets present with *** and never prints their values."""
    env = {
        **KEYS,
        "HEDGEBOT_ACCOUNTS__MAIN__SECRET": "very-secret-value-42",
        "HEDGEBOT_API_TOKEN": "api-token-value-77",
        "HEDGEBOT_NOTIFY_URLS": "tgram://bot-token-99/chat",
    }
    loaded = parse_config(BASE, env=env)
    dump = redacted_dump(loaded)
    for value in ("very-secret-value-42", "api-token-value-77", "bot-token-99", "key-123"):
        assert value not in dump
        assert value not in repr(loaded)
    assert set(secret_values(loaded)) >= {"very-secret-value-42", "api-token-value-77"}
    shown = yaml.safe_load(dump)
    assert shown["accounts"]["main"]["secret"] == "***"
    assert shown["notify"]["urls"] == ["tgram://***"]
    assert shown["hedges"]["BTC"]["band"] == pytest.approx(0.02)  # defaults are filled


def test_fingerprint_follows_settings_not_secrets() -> None:
    """The fingerprint changes with a setting and stays the same when a key rotates."""
    one = config_fingerprint(parse_config(BASE, env=KEYS))
    rotated = config_fingerprint(
        parse_config(BASE, env={**KEYS, "HEDGEBOT_ACCOUNTS__MAIN__SECRET": "new"})
    )
    changed = config_fingerprint(parse_config(edit(target_ratio=0.5), env=KEYS))
    assert one == rotated != changed
    assert len(one) == 64


def test_json_schema_lists_yaml_keys_but_not_secrets() -> None:
    """The exported schema documents the YAML keys and leaves env-only secrets out."""
    schema = settings_json_schema()
    account = schema["$defs"]["AccountSettings"]["properties"]
    assert {"exchange", "mode", "url"} <= set(account)
    assert "api_key" not in account
    assert "description" in schema["$defs"]["HedgeSettings"]["properties"]["band"]


@pytest.mark.parametrize("path", ["config/example.yaml", "config/sim.yaml", None])
def test_shipped_configs_load(path: str | None) -> None:
    """The example, the simulator config and the bundled demo all validate."""
    loaded = load_config(REPO / path if path else None, env=KEYS)
    assert loaded.hedges


def test_bundled_demo_is_a_keyless_sim() -> None:
    """`hedgebot run` with no -c: one sim account, BTC at 1.0 and ETH at 0.5, 2 s polls."""
    demo = load_config(None, env={})
    assert [a.mode for a in demo.accounts.values()] == [Mode.SIM]
    assert demo.accounts["demo"].url is None
    assert {n: h.target_ratio for n, h in demo.hedges.items()} == {
        "BTC": Decimal("1.0"),
        "ETH": Decimal("0.5"),
    }
    assert demo.schedule.poll_seconds == 2
    assert demo.journal.path == Path("hedgebot-demo.sqlite")


def test_domain_policies_carry_the_yaml_values() -> None:
    """to_policy hands the domain the hedge's and the risk guard's numbers unchanged."""
    loaded = load_config(EXAMPLE, env=KEYS)
    policy = loaded.hedge_policies()["BTC"]
    assert isinstance(policy, HedgePolicy)
    assert (policy.perp_symbol, policy.target_ratio) == ("BTC/USDT:USDT", Decimal("1.0"))
    assert policy.max_order_notional == Decimal(5000)
    assert policy.reprice_after_ms == 60_000
    risk = loaded.risk.to_policy()
    assert isinstance(risk, RiskPolicy)
    assert risk.critical_margin_ratio == loaded.risk.margin_ratio_critical


# -- fuzz -----------------------------------------------------------------------------------

EXAMPLE_DATA = yaml.safe_load(EXAMPLE.read_text())
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(["nan", "inf", "-1", "1e999", "BTC/USDT:USDT", "main", "sim", "live"]),
)


def _paths(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    return found


ALL_PATHS = _paths(EXAMPLE_DATA)


def _mutate(data: dict, path: tuple[object, ...], action: str, value: object) -> None:
    parent = data
    for key in path[:-1]:
        if not isinstance(parent, dict) or key not in parent:
            return  # an earlier mutation removed this branch
        parent = parent[key]
    last = path[-1]
    if not isinstance(parent, dict) or (action != "set" and last not in parent):
        return
    if action == "set":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    else:  # rename the key
        parent[str(value)[:8] or "x"] = parent.pop(last)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(ALL_PATHS), st.sampled_from(["set", "delete", "rename"]),
                  ODD_VALUES),
        min_size=1,
        max_size=4,
    )
)  # fmt: skip
def test_mutated_configs_never_raise_anything_but_config_error(mutations: list) -> None:
    """Hundreds of mutated example configs either load or raise ConfigError, never else."""
    data = yaml.safe_load(EXAMPLE.read_text())
    for path, action, value in mutations:
        try:
            _mutate(data, path, action, value)
        except (KeyError, TypeError):
            continue  # an earlier mutation removed or replaced the parent
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        parse_config(text, env=KEYS)
    except ConfigError as exc:
        assert exc.problems and all(p.strip() for p in exc.problems)
        assert "Traceback" not in str(exc)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises_anything_but_config_error(text: str) -> None:
    """Any text at all is either a valid config or a ConfigError."""
    with contextlib.suppress(ConfigError):
        parse_config(text, env=KEYS)
