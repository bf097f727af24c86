"""`hedgebot report` (placeholder parser until the report lands)."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_report_arguments", "report_command"]


def add_report_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", default=None, metavar="DATE")
    p.add_argument("--to", dest="end", default=None, metavar="DATE")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", type=Path, default=None, metavar="DIR")


def report_command(args: argparse.Namespace) -> int:
    raise NotImplementedError
