"""Fixtures for the end-to-end suite (the harness lives in tests/e2e/harness.py)."""

from .harness import e2e

__all__ = ["e2e"]
