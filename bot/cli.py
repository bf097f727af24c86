"""`hedgebot` command line: run, check, plan, show-config, status, pause, resume, tranche,
sim, backtest, report.

The CLI only parses arguments, calls one function per command and turns the errors a user can
cause (bad config, daemon already running, venue unreachable) into one clear line and a
non-zero exit code — never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from bot.sim.command import add_sim_arguments, sim_command

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = ["main"]

EXIT_OK = 0
EXIT_PROBLEM = 1  # `check` found a problem / an action failed / another daemon runs
EXIT_USAGE = 2  # bad config or arguments; 3-5: `run` refusals (bot.engine.startup)

_EXIT_CODES = (
    "Exit codes: 0 ok; 1 a check or action failed, no daemon answered, or another daemon "
    "runs on the journal; 2 bad config or arguments (also: an exchange/mode pair the venue "
    "does not offer, a symbol it does not list, a position mode it refused); 3 API keys "
    "missing, refused by the venue, able to withdraw or not allowed to trade futures; 4 the "
    "venue is unreachable; 5 the API port is taken or the journal cannot be opened; 130 "
    "interrupted."
)

_DEFAULT_API = "http://127.0.0.1:8080"


def _config_arg(p: argparse.ArgumentParser, *, required: bool = False, help_: str = "") -> None:
    p.add_argument(
        "-c",
        "--config",
        type=Path,
        required=required,
        metavar="FILE",
        help=help_ or "YAML config file (default: the bundled demo against the embedded simulator)",
    )


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hedgebot",
        description="Keep spot crypto holdings hedged with short perpetual futures.",
        epilog="Secrets come from the environment (HEDGEBOT_ACCOUNTS__<NAME>__API_KEY, "
        "..._SECRET, ..._PASSWORD) or a secrets directory, never from YAML. " + _EXIT_CODES,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run the daemon (no -c: demo against the embedded simulator)",
        description="Run the daemon until SIGTERM/SIGINT (SIGHUP reloads the config). Before "
        "the first cycle it refuses, with one line naming the account or field, a start that "
        "cannot work: keys refused or able to withdraw, a venue that does not answer, a "
        "symbol it does not list, a position mode it refused, a taken API port.",
        epilog=_EXIT_CODES,
    )
    _config_arg(run)
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="read, decide, journal and report as live but send no order, cancel, transfer "
        "or margin/leverage change (each is journaled as 'would ...'); as `dry_run: true`",
    )

    check = sub.add_parser(
        "check",
        help="validate config, connect, check symbols/assets/leverage (places nothing)",
        description="Validate the config, connect to every account and check keys, perp "
        "symbols, spot assets, leverage and margin mode (set on the venue: idempotent), the "
        "venue's minimum order against each target, the journal path, the API port and the "
        "notify URLs. One line per check; exit 0 when nothing failed, 1 otherwise.",
    )
    _config_arg(check, required=True, help_="YAML config file to check")

    plan = sub.add_parser(
        "plan",
        help="one snapshot: per hedge ratio, gap and the orders it would place (places none)",
        description="Read one snapshot the way the daemon does and print, per hedge: spot, "
        "perp, ratio, target, band, gap, risk and the orders and cancels a cycle would send. "
        "Places and cancels nothing; does not touch the daemon's journal. Exit 1 when a "
        "hedge could not be planned.",
    )
    _config_arg(plan, required=True, help_="YAML config file")
    plan.add_argument(
        "--json", action="store_true", help="print JSON (numbers as strings) instead of a table"
    )

    show = sub.add_parser(
        "show-config", help="print the effective config, secrets redacted (needs no keys)"
    )
    _config_arg(show)
    show.add_argument("--schema", action="store_true", help="print the config JSON schema instead")

    status = sub.add_parser(
        "status",
        help="show the running daemon's status",
        description="Print the running daemon's /status: per hedge spot, perp, ratio, "
        "target, liquidation price (at the market's tick) and distance, state, then resting "
        "orders and the last action, in 80 columns; --wide adds band, mark, margin ratio, "
        "funding as columns; --json prints the raw document. Needs no keys; exit 1 when no "
        "daemon answers.",
    )
    status.add_argument("--url", default=None, help=f"daemon API base URL (default {_DEFAULT_API})")
    status.add_argument("--json", action="store_true", help="print the raw JSON")
    status.add_argument(
        "--wide", action="store_true", help="every figure as a column (needs ~200 columns)"
    )
    _config_arg(status, help_="take the API address from this config")

    for name, text in (("pause", "stop placing orders"), ("resume", "resume placing orders")):
        p = sub.add_parser(
            name,
            help=f"{text} for one hedge or all (needs HEDGEBOT_API_TOKEN)",
            description=f"Ask the running daemon to {text} for HEDGE (default: every hedge). "
            "Set HEDGEBOT_API_TOKEN to the daemon's token. Exit 0 done, 1 refused or no "
            "daemon, 2 no token.",
        )
        p.add_argument("hedge", nargs="?", default=None, help="hedge name (default: all)")
        p.add_argument("--url", default=None, help=f"daemon API base URL (default {_DEFAULT_API})")
        _config_arg(p, help_="take the API address from this config")

    _tranche_parser(sub)
    add_sim_arguments(sub.add_parser("sim", help="serve the Binance-dialect exchange simulator"))
    _analysis_parsers(sub)
    return parser


def _tranche_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "tranche",
        help="arm a manual tranche of a hedge (needs HEDGEBOT_API_TOKEN)",
        description="Ask the running daemon to arm a manual tranche (manual: true under "
        "tranches) of HEDGE: the next one not yet armed, or tranche N (1 is the first "
        "tranche listed). Set HEDGEBOT_API_TOKEN to the daemon's token. Exit 0 armed, 1 "
        "refused (no manual tranche left, unknown hedge) or no daemon, 2 no token.",
    )
    p.add_argument("hedge", help="hedge name")
    p.add_argument("number", nargs="?", type=_tranche_number, default=None, help="tranche N")
    p.add_argument("--url", default=None, help=f"daemon API base URL (default {_DEFAULT_API})")
    _config_arg(p, help_="take the API address from this config")


def _tranche_number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a tranche number (1, 2, ...)")
    return int(text)


def _analysis_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`backtest` and `report`: their flags live with their packages."""
    from bot.backtest.command import add_backtest_arguments
    from bot.report.command import add_report_arguments

    commands = (
        (
            "backtest",
            "replay history through the daemon's decisions: what a config would have done",
            "Replay candles through the same domain code as the daemon (risk guard, planner, "
            "margin funding) with a candle fill model; print hedged vs unhedged P&L, "
            "drawdowns, hedge effectiveness, funding, fees. Needs no keys and no simulator. "
            "Exit 2 on a bad config, flag or data file (one line naming it).",
            "YAML config file whose hedges are replayed",
            add_backtest_arguments,
        ),
        (
            "report",
            "what the live hedges did, per hedge and day, from the journal (read-only)",
            "Read the daemon's journal read-only (works while it runs) and print, per hedge "
            "and per UTC day: spot P&L, perp P&L, funding, fees and their total (the equity "
            "change, exactly), hedge effectiveness, orders, top-ups, risk events.",
            "YAML config file (its journal is read)",
            add_report_arguments,
        ),
    )
    for name, help_, description, config_help, add_arguments in commands:
        p = sub.add_parser(name, help=help_, description=description)
        _config_arg(p, required=True, help_=config_help)
        add_arguments(p)


def _api_url(args: argparse.Namespace) -> str:
    if args.url:
        return str(args.url).rstrip("/")
    if args.config is not None:
        from bot.config import load_config

        api = load_config(args.config, require_secrets=False).api
        host = "127.0.0.1" if api.host in ("0.0.0.0", "::") else api.host
        return f"http://{f'[{host}]' if ':' in host else host}:{api.port}"
    return _DEFAULT_API


def _quiet_logs(fmt: Literal["json", "console", "auto"], level: str) -> None:
    """One-shot commands print their own results on stdout; logs go to stderr, warnings up."""
    from bot.logs import configure_logging

    configure_logging(fmt, "error" if level == "error" else "warning")
    # A failing read is reported as the command's result; its retries are noise here.
    logging.getLogger("bot.exchange.retry").setLevel(logging.ERROR)


def _run(settings: Settings, config_path: Path | None, *, dry_run: bool) -> int:
    """`hedgebot run`; a start the user can fix leaves as StartupError (never a traceback)."""
    from bot.engine.daemon import run_daemon
    from bot.engine.startup import startup_failure

    try:
        return run_daemon(settings, config_path=config_path, dry_run=dry_run)
    except Exception as exc:
        failure = startup_failure(exc, settings)
        if failure is None:
            raise
        raise failure from None


def _analysis_command(args: argparse.Namespace) -> int:
    """`backtest` / `report`: a mistake in a flag, file or config is one line, exit 2."""
    from bot.backtest.errors import BacktestError

    try:
        if args.command == "backtest":
            from bot.backtest.command import backtest_command

            return backtest_command(args)
        from bot.report.command import report_command

        return report_command(args)
    except BacktestError as exc:
        print(f"hedgebot {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _dispatch(args: argparse.Namespace) -> int:
    cmd = args.command
    if cmd == "sim":
        return sim_command(args)
    if cmd == "show-config":
        from bot.config import load_config, redacted_dump, settings_json_schema

        if args.schema:
            import json

            print(json.dumps(settings_json_schema(), indent=2))
            return EXIT_OK
        print(redacted_dump(load_config(args.config, require_secrets=False)), end="")
        return EXIT_OK
    if cmd in ("backtest", "report"):
        return _analysis_command(args)
    if cmd in ("status", "pause", "resume", "tranche"):
        from bot.engine.remote import control_command, status_command, tranche_command

        if cmd == "status":
            return asyncio.run(status_command(_api_url(args), as_json=args.json, wide=args.wide))
        token = os.environ.get("HEDGEBOT_API_TOKEN", "")
        if cmd == "tranche":
            return asyncio.run(tranche_command(_api_url(args), args.hedge, args.number, token))
        return asyncio.run(control_command(_api_url(args), cmd, args.hedge, token))
    from bot.config import load_config

    settings = load_config(args.config)
    if cmd in ("check", "plan"):
        _quiet_logs(settings.log.format, settings.log.level)
    if cmd == "run":
        return _run(settings, args.config, dry_run=args.dry_run)
    if cmd == "check":
        from bot.engine.commands import check_command

        return asyncio.run(check_command(settings))
    if cmd == "plan":
        from bot.engine.commands import plan_command

        return asyncio.run(plan_command(settings, as_json=args.json))
    raise AssertionError(f"unhandled command {cmd}")  # argparse restricts the choices


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `hedgebot` console script; returns the process exit code."""
    args = _build_parser().parse_args(argv)
    from bot.config import ConfigError, MissingKeys
    from bot.engine.startup import EXIT_KEYS, StartupError
    from bot.store.lock import AlreadyRunning

    try:
        return _dispatch(args)
    except ConfigError as exc:
        print(f"hedgebot: configuration error:\n{exc}", file=sys.stderr)
        return EXIT_KEYS if isinstance(exc, MissingKeys) else EXIT_USAGE
    except StartupError as exc:
        print(f"hedgebot: cannot start: {exc}", file=sys.stderr)
        return exc.exit_code
    except AlreadyRunning as exc:
        print(f"hedgebot: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
