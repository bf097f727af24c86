"""Deployment files keep their promises: loopback-only ports, read-only root, no secrets,
a notify/watchdog unit, configs the daemon accepts, and docs that match the alert catalogue."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config.load import load_config
from bot.notify.catalogue import catalogue_markdown

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILES = ["docker-compose.yml", "docker-compose.demo.yml"]


def _services(name: str) -> dict[str, dict[str, Any]]:
    compose: dict[str, Any] = yaml.safe_load((ROOT / name).read_text())
    services: dict[str, dict[str, Any]] = compose["services"]
    return services


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_published_ports_are_loopback_only(name: str) -> None:
    """Every port compose publishes binds 127.0.0.1 on the host, never all interfaces."""
    ports = [p for svc in _services(name).values() for p in svc.get("ports", [])]
    assert ports
    for port in ports:
        assert str(port).startswith("127.0.0.1:"), port


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_bot_runs_read_only_with_a_healthcheck(name: str) -> None:
    """The bot container has a read-only root, a /tmp tmpfs, a /data volume and a healthcheck."""
    bot = _services(name)["bot"]
    assert bot["read_only"] is True
    assert "/tmp" in bot["tmpfs"]
    assert any(str(v).endswith(":/data") for v in bot["volumes"])
    assert "/healthz" in " ".join(bot["healthcheck"]["test"])
    assert bot["restart"] == "unless-stopped"


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_compose_holds_no_literal_secrets(name: str) -> None:
    """Environment values in compose files are only ${VAR} interpolations, never values."""
    for svc in _services(name).values():
        env = svc.get("environment", {})
        for key, value in env.items():
            assert re.fullmatch(r"\$\{[A-Z_]+(:-)?\}", str(value)), f"{key}={value}"


def test_env_example_names_variables_without_values() -> None:
    """.env.example lists the secret variables with empty values."""
    lines = [ln for ln in (ROOT / ".env.example").read_text().splitlines() if ln and ln[0] != "#"]
    names = {ln.split("=", 1)[0] for ln in lines}
    assert {"HEDGEBOT_ACCOUNTS__MAIN__API_KEY", "HEDGEBOT_ACCOUNTS__MAIN__SECRET",
            "HEDGEBOT_API_TOKEN", "HEDGEBOT_NOTIFY_URLS"} <= names  # fmt: skip
    assert all(ln.endswith("=") for ln in lines), lines


@pytest.mark.parametrize(
    ("config", "env"),
    [
        ("config/compose-sim.yaml", {}),
        ("config/compose-demo.yaml",
         {"HEDGEBOT_ACCOUNTS__MAIN__API_KEY": "k", "HEDGEBOT_ACCOUNTS__MAIN__SECRET": "s"}),
    ],
)  # fmt: skip
def test_compose_configs_are_valid(config: str, env: dict[str, str], tmp_path: Path) -> None:
    """The configs the compose files mount pass the daemon's own validation."""
    settings = load_config(ROOT / config, env={**env, "HEDGEBOT_SECRETS_DIR": str(tmp_path)})
    assert settings.api.host == "0.0.0.0" and settings.api.port == 8080


def test_dockerfile_is_non_root_with_healthcheck_and_no_secrets() -> None:
    """The image runs as uid 10001, checks /healthz, and bakes in no secret."""
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER 10001", text, re.M)
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert 'VOLUME ["/data"]' in text
    for line in re.findall(r"^(?:ENV|ARG)\b.*$", text, re.M):
        assert not re.search(r"KEY|SECRET|TOKEN|PASSWORD", line), line


def test_dockerignore_is_an_allow_list() -> None:
    """The build context starts from nothing, so .env and journals never reach an image."""
    lines = [ln for ln in (ROOT / ".dockerignore").read_text().splitlines() if ln and ln[0] != "#"]
    assert lines[0] == "*"
    assert not [ln for ln in lines if ln.startswith("!") and ".env" in ln]


def test_systemd_unit_is_notify_with_watchdog_and_hardening() -> None:
    """The unit waits for READY, has a watchdog, reloads on HUP and is sandboxed."""
    unit = dict(
        ln.split("=", 1)
        for ln in (ROOT / "deploy/hedgebot.service").read_text().splitlines()
        if "=" in ln and not ln.startswith("#")
    )
    assert unit["Type"] == "notify" and unit["NotifyAccess"] == "main"
    assert unit["WatchdogSec"] == "60" and unit["Restart"] == "on-failure"
    assert unit["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert unit["User"] == "hedgebot" and unit["CapabilityBoundingSet"] == ""
    for key in ("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices",
                "ProtectKernelTunables", "ProtectKernelModules", "ProtectControlGroups",
                "RestrictNamespaces", "LockPersonality", "MemoryDenyWriteExecute"):  # fmt: skip
        assert unit[key] == "yes", key
    assert unit["ProtectSystem"] == "strict"
    assert unit["ReadWritePaths"] == "/var/lib/hedgebot"


def test_operations_doc_carries_the_alert_catalogue() -> None:
    """docs/operations.md shows every alert kind with the same advice the alerts carry."""
    assert catalogue_markdown() in (ROOT / "docs/operations.md").read_text()
