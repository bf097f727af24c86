"""Secrets never leak: a daemon run with known keys, token and notify URL, plus every CLI
command a user would type, and the journal on disk — none of them contain a secret."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from .harness import E2E, hedge_entry, wait_until

pytestmark = pytest.mark.e2e


def _all_text(paths: list[Path]) -> str:
    chunks = []
    for path in paths:
        if path.is_file():
            chunks.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(chunks)


def test_known_secrets_appear_in_no_output_log_or_journal(e2e: E2E, tmp_path: Path) -> None:
    """Keys, API token and notify token set by the user are absent from every byte we emit."""
    key = "k" + secrets.token_hex(20)
    secret = "s" + secrets.token_hex(24)
    token = "t" + secrets.token_hex(16)
    notify_token = "n" + secrets.token_hex(12)
    sim = e2e.sim_process(seed=7, speed=10)
    sim.create_account(key, secret, {"spot": {"BTC": "1"}, "usdm": {"USDT": "50000"}})
    config = e2e.config(sim.url, {"BTC": hedge_entry("BTC", 1.0)})
    env = {
        "HEDGEBOT_ACCOUNTS__MAIN__API_KEY": key,
        "HEDGEBOT_ACCOUNTS__MAIN__SECRET": secret,
        "HEDGEBOT_API_TOKEN": token,
        "HEDGEBOT_NOTIFY_URLS": f"json://127.0.0.1:9/{notify_token}",
    }
    daemon = e2e.daemon(config, env=env)
    wait_until(
        lambda: sim.position("BTCUSDT", api_key=key) < 0,
        timeout=45,
        what="the hedge to start filling with the user's own keys",
        diagnostics=daemon.diagnostics,
    )
    # Errors carry URLs (signatures) and messages: make some happen, then read everything.
    sim.faults(error_5xx_prob=0.5, seed=3)
    api = daemon.api_url()
    outputs = [
        e2e.cli("show-config", "-c", str(config), env=env),
        e2e.cli("plan", "-c", str(config), env=env),
        e2e.cli("check", "-c", str(config), env=env),
        e2e.cli("status", "--url", api, env=env),
        e2e.cli("pause", "BTC", "--url", api, env={**env, "HEDGEBOT_API_TOKEN": "wrong"}),
        e2e.cli("pause", "BTC", "--url", api, env=env),
        e2e.cli("resume", "BTC", "--url", api, env=env),
    ]
    sim.faults()
    assert daemon.stop() == 0
    shown = outputs[0].stdout
    assert "***" in shown, "show-config should say a key is set without showing it"
    text = "\n".join(o.stdout + o.stderr for o in outputs)
    text += daemon.stdout() + daemon.stderr()
    text += _all_text(sorted(tmp_path.rglob("*")))
    for name, value in (
        ("api key", key),
        ("secret", secret),
        ("API token", token),
        ("notify token", notify_token),
    ):
        assert value not in text, f"the {name} leaked"
    assert outputs[5].returncode == 0, outputs[5].stderr
    assert outputs[4].returncode != 0
