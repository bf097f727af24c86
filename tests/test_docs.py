"""The user documentation stays true of the code: the generated configuration reference, the
config files it points to, the README's two commands and its CLI reference."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from bot.cli import main
from bot.config import Settings, load_config

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
REFERENCE = REPO / "docs" / "configuration.md"
EXAMPLE = REPO / "config" / "example.yaml"
# Keys for every account name used by the bundled non-sim configs.
KEYS = {
    "HEDGEBOT_ACCOUNTS__MAIN__API_KEY": "doc-test-key",
    "HEDGEBOT_ACCOUNTS__MAIN__SECRET": "doc-test-secret",
}
DEMO_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/hedgebot run"
TEST_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]'"
    " && .venv/bin/python -m pytest -n 4 --dist worksteal"
)
COMMANDS = (
    "run",
    "check",
    "plan",
    "show-config",
    "status",
    "pause",
    "resume",
    "tranche",
    "sim",
    "backtest",
    "report",
)


def _script() -> ModuleType:
    path = REPO / "scripts" / "config_reference.py"
    spec = importlib.util.spec_from_file_location("config_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _documented_paths() -> set[str]:
    return {row[0] for row in _script().rows(Settings)}


def _yaml_paths(data: Any, prefix: str = "") -> set[str]:
    """Dotted key paths of a YAML mapping, with account and hedge names as `<name>`."""
    paths: set[str] = set()
    if not isinstance(data, dict):
        return paths
    for key, value in data.items():
        name = "<name>" if prefix in ("accounts.", "hedges.") else str(key)
        path = f"{prefix}{name}"
        if name != "<name>":
            paths.add(path)
        paths |= _yaml_paths(value, f"{path}.")
    return paths


def test_configuration_reference_matches_the_models() -> None:
    """docs/configuration.md is exactly what scripts/config_reference.py prints now."""
    expected = _script().render()
    actual = REFERENCE.read_text(encoding="utf-8")
    assert actual == expected, (
        "docs/configuration.md is out of date: run "
        "`.venv/bin/python scripts/config_reference.py > docs/configuration.md`"
    )


def test_reference_has_a_row_for_every_secret_variable() -> None:
    """Every env-only secret is listed with its environment variable."""
    text = REFERENCE.read_text(encoding="utf-8")
    for var in (
        "HEDGEBOT_ACCOUNTS__<NAME>__API_KEY",
        "HEDGEBOT_ACCOUNTS__<NAME>__SECRET",
        "HEDGEBOT_ACCOUNTS__<NAME>__PASSWORD",
        "HEDGEBOT_API_TOKEN",
        "HEDGEBOT_NOTIFY_URLS",
        "HEDGEBOT_SECRETS_DIR",
    ):
        assert var in text, var


def test_example_config_loads() -> None:
    """config/example.yaml is a valid configuration (with keys in the environment)."""
    settings = load_config(EXAMPLE, env=KEYS)
    assert set(settings.hedges) == {"BTC", "ETH"}


def test_every_example_key_is_documented() -> None:
    """Every key used in config/example.yaml has a row in the reference."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    undocumented = _yaml_paths(data) - _documented_paths()
    assert not undocumented, f"keys in example.yaml missing from the reference: {undocumented}"


def test_every_documented_key_is_shown_in_the_example() -> None:
    """config/example.yaml shows every key, set or commented out, as its header promises."""
    text = EXAMPLE.read_text(encoding="utf-8")
    shown = _yaml_paths(yaml.safe_load(text))
    commented = set(re.findall(r"#\s*([a-z0-9_]+):", text))
    missing = {
        path
        for path in _documented_paths()
        if path not in shown and path.rsplit(".", 1)[-1] not in commented
    }
    assert not missing, f"keys missing from config/example.yaml: {sorted(missing)}"


@pytest.mark.parametrize(
    "path",
    [
        "config/sim.yaml",
        "config/rules.yaml",
        "config/compose-sim.yaml",
        "config/compose-demo.yaml",
        "bot/defaults/demo.yaml",
    ],
)
def test_config_files_the_docs_point_to_load(path: str) -> None:
    """Each config file the README and docs/operations.md mention is valid."""
    settings = load_config(REPO / path, env=KEYS)
    assert settings.hedges


def test_readme_has_the_two_commands() -> None:
    """The README's quick start carries the demo and the test command verbatim."""
    text = README.read_text(encoding="utf-8")
    assert DEMO_COMMAND in text
    assert TEST_COMMAND in text


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run runs the README's test command (pip's -q aside)."""
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").replace(" -q ", " ")
    assert TEST_COMMAND in ci


def _readme_and_pending() -> str:
    """The README plus the README prose helpers left in docs/pending/ for the lead to merge."""
    pending = sorted((REPO / "docs" / "pending").glob("*.md"))
    return "\n".join(p.read_text(encoding="utf-8") for p in [README, *pending])


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_documents_each_command_and_its_options(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every subcommand and every option its --help prints appears in the README (or in the
    README prose waiting in docs/pending/ to be merged into it)."""
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", capsys.readouterr().out)) - {"--help"}
    text = _readme_and_pending()
    assert f"`hedgebot {command}" in text
    missing = sorted(o for o in options if f"`{o}" not in text)
    assert not missing, f"hedgebot {command}: options missing from the README: {missing}"


def test_readme_lists_every_command_of_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    """The commands checked above are all the commands `hedgebot --help` lists."""
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    block = out.split("positional arguments:", 1)[1].split("options:", 1)[0]
    listed = set(re.findall(r"^ {4}([a-z][a-z-]+)", block, flags=re.MULTILINE))
    assert listed == set(COMMANDS)


def test_readme_documents_every_simulator_fault() -> None:
    """Each field `POST /sim/faults` accepts has a row in the README's faults table (or in
    the README prose waiting in docs/pending/ to be merged into it)."""
    from bot.sim.faults import FaultConfig

    text = _readme_and_pending()
    missing = [f for f in FaultConfig.__dataclass_fields__ if f"| `{f}` |" not in text]
    assert not missing, f"simulator faults missing from the README: {missing}"


def test_readme_documents_every_admin_endpoint() -> None:
    """Each `/sim/*` admin route is in the README's admin API table (or its pending prose)."""
    from bot.sim.routes_admin import routes

    text = _readme_and_pending()
    endpoints = {f"{r.method} {r.path}" for r in routes}  # type: ignore[attr-defined]
    missing = sorted(e for e in endpoints if f"`{e}`" not in text)
    assert not missing, f"admin endpoints missing from the README: {missing}"
