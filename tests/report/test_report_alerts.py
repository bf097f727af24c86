"""`hedgebot report` counts the alerts the operator was sent in the report's period, by kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.store import Journal

T0 = 1_735_689_600_000  # 2025-01-01T00:00:00Z
DAY = 86_400_000


def _config(tmp_path: Path) -> Path:
    journal = tmp_path / "journal.sqlite"
    at = iter([T0 - 1, T0, T0 + 5, T0 + DAY - 1, T0 + DAY])
    with Journal(journal, clock=lambda: next(at)) as j:
        for kind in ("stale_data", "stale_data", "risk_warn", "stale_data", "breaker_open"):
            j.record_sent_alert("warning", kind, None, kind, "body")
    config = tmp_path / "hedgebot.yaml"
    doc = {
        "accounts": {"main": {"exchange": "binance", "mode": "sim"}},
        "journal": {"path": str(journal)},
    }
    config.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return config


def test_report_json_counts_alerts_sent_in_the_window(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only alerts inside [--from, --to) count, grouped by kind, most frequent first."""
    config = _config(tmp_path)
    args = ["report", "-c", str(config), "--json", "--from", "2025-01-01", "--to", "2025-01-02"]
    assert main(args) == 0
    alerts = json.loads(capsys.readouterr().out)["alerts"]
    assert list(alerts.items()) == [("stale_data", 2), ("risk_warn", 1)]


def test_report_table_lists_alert_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --json and without a window, the printed report has an "alerts sent" table."""
    assert main(["report", "-c", str(_config(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "alerts sent" in out
    assert "breaker_open" in out and "stale_data" in out
