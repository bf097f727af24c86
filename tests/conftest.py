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
