"""Chaos suite plumbing: the `chaos` marker, the `--soak` option, and the figures table.

Every test here runs the real daemon against the simulator (tests/e2e/harness.py) and asserts
on /sim/state. `--soak` enables the long runs (marked `soak`); without it they are skipped.
The figures each test records are printed at the end of the run and, when
HEDGEBOT_CHAOS_FIGURES names a file, written there as JSON (docs/reliability.md is built
from them).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.chaos.support import FIGURES
from tests.e2e.harness import e2e

__all__ = ["e2e"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "chaos: the chaos suite (real daemon under faults)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--soak", default=False):
        return
    skip = pytest.mark.skip(reason="soak run: enable with --soak")
    for item in items:
        if "soak" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    terminalreporter.section("chaos figures")
    for name, figures in FIGURES.items():
        text = ", ".join(f"{k}={v}" for k, v in figures.items())
        terminalreporter.write_line(f"{name}: {text}")
    target = os.environ.get("HEDGEBOT_CHAOS_FIGURES")
    if target:
        Path(target).write_text(json.dumps(FIGURES, indent=2, default=str), encoding="utf-8")
