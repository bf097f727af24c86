"""Suite-wide options (kept here so they work from the repository root)."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--soak",
        action="store_true",
        default=False,
        help="also run the long chaos soaks (tests/chaos, marked soak)",
    )


# Longest first: under pytest-xdist (`--dist worksteal`) workers take tests in collection order, so
# the runs that mostly wait (a clean-venv install, the chaos scenarios, the end-to-end tests
# that run the daemon) start at once on separate workers and the quick unit tests fill in
# around them; the suite then ends when its longest test does, not after it.
_FIRST = ("tests/deploy/", "tests/chaos/", "tests/e2e/")


def _start_rank(item: pytest.Item) -> int:
    path = item.nodeid
    return next((i for i, prefix in enumerate(_FIRST) if path.startswith(prefix)), len(_FIRST))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=_start_rank)  # stable: the order inside each group is kept
