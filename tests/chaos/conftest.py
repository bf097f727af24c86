"""Chaos suite plumbing: the `chaos` marker, the `--soak` option, and the figures table.

Every test here runs the real daemon against the simulator (tests/e2e/harness.py) and asserts
on /sim/state. `--soak` enables the long runs (marked `soak`); without it they are skipped.
The figures each test records are printed at the end of the run and, when
HEDGEBOT_CHAOS_FIGURES names a file, written there as JSON (docs/reliability.md is built
from them). Under pytest-xdist a test runs in a worker process: its figures travel to the
controller in the test report's `user_properties` and are gathered there.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
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


FIGURES_PROPERTY = "chaos_figures"


@pytest.fixture(autouse=True)
def _report_figures(request: pytest.FixtureRequest) -> Iterator[None]:
    """Attach the figures this test recorded to its report (for the xdist controller)."""
    before = dict(FIGURES)
    yield
    new = {k: v for k, v in FIGURES.items() if before.get(k) is not v}
    if new:  # plain JSON types: execnet cannot carry a Decimal
        plain = json.loads(json.dumps(new, default=str))
        request.node.user_properties.append((FIGURES_PROPERTY, plain))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for key, value in report.user_properties:
        if key == FIGURES_PROPERTY and isinstance(value, dict):
            FIGURES.update(value)


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
