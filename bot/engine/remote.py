"""Commands that talk to a running daemon over its HTTP API: `hedgebot status`, `pause`,
`resume`, `tranche`. They need no config secrets and no exchange: only the API's address
(and, to pause, resume or arm a tranche, the daemon's bearer token from HEDGEBOT_API_TOKEN).
"""

from __future__ import annotations

import json
import sys
from typing import Literal, TextIO, cast

from rich.console import Console

from bot.api.status_view import (
    ApiClientError,
    fetch_status,
    post_control,
    post_tranche,
    render_status,
)

__all__ = [
    "EXIT_OK",
    "EXIT_PROBLEM",
    "EXIT_USAGE",
    "control_command",
    "status_command",
    "tranche_command",
]

EXIT_OK = 0
EXIT_PROBLEM = 1  # no daemon there, or it refused (wrong token, unknown hedge)
EXIT_USAGE = 2  # nothing sent: no token, bad action

TOKEN_ENV = "HEDGEBOT_API_TOKEN"
_PIPE_WIDTH = {False: 80, True: 200}  # by `wide`


def _console(out: TextIO, wide: bool) -> Console:
    """A terminal keeps its width; a pipe or file gets 80 columns, or room for the wide
    table's every column with `wide`."""
    isatty = getattr(out, "isatty", None)
    width = None if isatty is not None and isatty() else _PIPE_WIDTH[wide]
    return Console(file=out, highlight=False, width=width)


async def status_command(
    url: str, *, as_json: bool, wide: bool = False, stream: TextIO | None = None
) -> int:
    """Print the daemon's /status at `url` as tables (80 columns; every figure with `wide`)
    or its JSON to `stream` (default stdout). Returns 0, or 1 with the reason on stderr when
    the daemon cannot be reached."""
    out = stream or sys.stdout
    try:
        status = await fetch_status(url)
    except ApiClientError as exc:
        print(f"hedgebot status: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    if as_json:
        print(json.dumps(status, indent=2, sort_keys=True), file=out)
    else:
        render_status(status, _console(out, wide), wide=wide)
    return EXIT_OK


async def control_command(
    url: str, action: str, hedge: str | None, token: str | None, *, stream: TextIO | None = None
) -> int:
    """Pause or resume `hedge` (None = every hedge) on the daemon at `url` with the bearer
    `token`. Returns 0 done, 1 refused or unreachable, 2 nothing sent (no token, bad action);
    every failure prints one line on stderr saying what to do."""
    out = stream or sys.stdout
    if action not in ("pause", "resume"):
        print(f"hedgebot: unknown action {action!r} (pause or resume)", file=sys.stderr)
        return EXIT_USAGE
    if not token:
        return _no_token(action)
    try:
        await post_control(url, cast(Literal["pause", "resume"], action), hedge, token)
    except ApiClientError as exc:
        print(f"hedgebot {action}: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    done = "paused" if action == "pause" else "resumed"
    print(f"{done} {f'hedge {hedge}' if hedge else 'all hedges'}", file=out)
    return EXIT_OK


def _no_token(action: str) -> int:
    print(
        f"hedgebot {action}: {TOKEN_ENV} is not set; set it to the daemon's token (the "
        f"value the daemon was started with), e.g. `{TOKEN_ENV}=... hedgebot {action}`",
        file=sys.stderr,
    )
    return EXIT_USAGE


async def tranche_command(
    url: str, hedge: str, number: int | None, token: str | None, *, stream: TextIO | None = None
) -> int:
    """Arm manual tranche `number` (None: the next one not armed) of `hedge` on the daemon at
    `url`. Returns 0 armed, 1 refused or unreachable (no manual tranche left, unknown hedge),
    2 nothing sent (no token); failures print one line on stderr."""
    if not token:
        return _no_token("tranche")
    try:
        body = await post_tranche(url, hedge, number, token)
    except ApiClientError as exc:
        print(f"hedgebot tranche: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    print(f"hedge {hedge}: {body.get('armed', 'tranche armed')}", file=stream or sys.stdout)
    return EXIT_OK
