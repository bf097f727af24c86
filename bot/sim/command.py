"""`hedgebot sim`: its arguments and the command that serves the exchange simulator.

Exit codes as the CLI's: 0 served until stopped, 1 the address could not be served, 2
contradictory options or an unreadable `--prices` file (one line each, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

__all__ = ["add_sim_arguments", "sim_command"]


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def _annual_fraction(text: str) -> Decimal:
    """`--basis`: an annualised fraction strictly between -1 and 1 (0.08 = 8 %/yr)."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (value.is_finite() and -1 < value < 1):
        raise argparse.ArgumentTypeError(f"must be a fraction between -1 and 1, got {text}")
    return value


def _weight_limit(text: str) -> int:
    """`--weight-limit`: request weight per minute and API key, an integer >= 0 (0 = off)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0 (0 = off), got {text}")
    return value


def add_sim_arguments(sim: argparse.ArgumentParser) -> None:
    sim.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    sim.add_argument("--port", type=int, default=8099, help="port (default 8099)")
    sim.add_argument(
        "--prices",
        type=Path,
        nargs="+",
        default=None,
        metavar="FILE.csv",
        help="replay candles from CSV files instead of a synthetic random walk",
    )
    sim.add_argument(
        "--speed", type=_positive, default=1.0, help="candles (price steps) per second (default 1)"
    )
    sim.add_argument("--seed", type=int, default=0, help="random seed for the synthetic path")
    sim.add_argument(
        "--static",
        action="store_true",
        help="hold prices still: only the admin API (POST /sim/price) moves them",
    )
    sim.add_argument(
        "--time-scale",
        type=_positive,
        default=None,
        metavar="X",
        help="simulated seconds per wall second (default 1: the simulated clock is the wall "
        "clock); a replay's clock follows its candles instead",
    )
    sim.add_argument(
        "--basis",
        type=_annual_fraction,
        default=Decimal("0.08"),
        metavar="FRACTION",
        help="annualised basis of the quarterly futures over their index, decaying to 0 at "
        "delivery (default 0.08 = 8 %%/yr)",
    )
    sim.add_argument(
        "--weight-limit",
        type=_weight_limit,
        default=0,
        metavar="N",
        help="enforce N request weight per minute and API key on /fapi and /dapi (Binance: "
        "2400; spot then gets Binance's 6000): over it 429, then 418; default 0 = weights "
        "counted and sent in X-MBX-USED-WEIGHT-1M but not enforced",
    )


def sim_command(args: argparse.Namespace) -> int:
    """`hedgebot sim`: refuse contradictory options with one line, then serve until stopped."""
    from bot.sim.server import serve

    if args.prices and args.static:
        print(
            "hedgebot sim: --static holds prices still; it cannot replay --prices", file=sys.stderr
        )
        return 2
    if args.prices and args.time_scale is not None:
        print(
            "hedgebot sim: --time-scale does not apply to --prices: a replay's clock follows "
            "its candles (set the pace with --speed)",
            file=sys.stderr,
        )
        return 2
    try:
        serve(
            host=args.host,
            port=args.port,
            prices=args.prices,
            speed=args.speed,
            seed=args.seed,
            static=args.static,
            time_scale=args.time_scale or 1.0,
            basis=args.basis,
            weight_limit=args.weight_limit,
        )
    except FileNotFoundError as exc:
        print(f"hedgebot sim: --prices: no such file {exc.filename}", file=sys.stderr)
        return 2
    except ValueError as exc:  # a CSV the replay cannot read names the file and the row
        print(f"hedgebot sim: --prices: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"hedgebot sim: cannot serve on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0
