"""structlog setup: JSON lines by default, a readable console on a TTY, secrets redacted.

Named `logs` so it never shadows the standard library's `logging`. Library loggers (ccxt,
apscheduler, aiohttp) go through the same renderer and the same redaction.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any, Literal, TextIO

import structlog
from pydantic import SecretStr
from structlog.typing import EventDict, Processor

__all__ = [
    "REDACTED",
    "configure_logging",
    "cycle_context",
    "get_logger",
    "hedge_context",
    "redact_event",
    "register_secret",
]

REDACTED = "***"
# Values of keys containing one of these are never logged.
_SECRET_KEY_PARTS = ("api_key", "apikey", "secret", "password", "passphrase", "token",
                     "signature", "authorization")  # fmt: skip
_MIN_SECRET_LENGTH = 4  # shorter values would redact ordinary words
_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(value: str | SecretStr | None) -> None:
    """Redact `value` wherever it appears in any log line from now on."""
    raw = value.get_secret_value() if isinstance(value, SecretStr) else value
    if raw and len(raw) >= _MIN_SECRET_LENGTH:
        with _secrets_lock:
            _secrets.add(raw)


def scrub(text: str) -> str:
    """`text` with every registered secret value replaced by `***`."""
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)  # longest first: overlapping secrets
    for secret in known:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def redact_event(_logger: Any, _method: str, event: EventDict) -> EventDict:
    """structlog processor: hide secret-named keys and registered secret values."""
    return {k: _redact(k, v) for k, v in event.items()}


def _redact(key: str, value: Any) -> Any:
    if _is_secret_key(key) and value is not None:
        return REDACTED
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, SecretStr):
        return REDACTED
    if isinstance(value, MutableMapping | dict):
        return {k: _redact(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact("", v) for v in value]
    if isinstance(value, int | float | bool) or value is None:
        return value
    return scrub(str(value))  # anything else is rendered as text anyway


def _is_secret_key(key: str) -> bool:
    lowered = key.lower().replace("-", "_")
    return any(part in lowered for part in _SECRET_KEY_PARTS)


class _ScrubbingRenderer:
    """Wraps a renderer and scrubs its output: catches secrets inside tracebacks that the
    console renderer formats itself."""

    def __init__(self, renderer: Processor) -> None:
        self._renderer = renderer

    def __call__(self, logger: Any, method: str, event: EventDict) -> str:
        rendered = self._renderer(logger, method, event)
        return scrub(rendered if isinstance(rendered, str) else str(rendered))


def configure_logging(
    format: Literal["json", "console", "auto"] = "auto",
    level: str = "info",
    *,
    stream: TextIO | None = None,
) -> None:
    """Route structlog and stdlib logging to `stream` (default stderr) as JSON lines, or as
    console text when `format` is console, or auto and `stream` is a TTY. Call once at start
    (again to reconfigure). Every line has timestamp (ISO 8601, UTC), level, logger, event
    and the bound `cycle_id`/`hedge`."""
    out = stream if stream is not None else sys.stderr
    console = format == "console" or (format == "auto" and _isatty(out))
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]
    renderer: Processor
    if console:
        # Plain tracebacks: rich's would show locals and wrap lines, splitting a secret
        # where the scrubber cannot see it.
        renderer = structlog.dev.ConsoleRenderer(
            colors=_isatty(out), exception_formatter=structlog.dev.plain_traceback
        )
        final: list[Processor] = [redact_event]
    else:
        renderer = structlog.processors.JSONRenderer(default=str)
        final = [structlog.processors.format_exc_info, redact_event]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *final,
            _ScrubbingRenderer(renderer),
        ],
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    """A structlog logger named `name` (use the module's `__name__`)."""
    return structlog.stdlib.get_logger(name)


@contextmanager
def cycle_context(cycle_id: str) -> Iterator[None]:
    """Bind `cycle_id` to every log line inside the block (contextvars: per asyncio task)."""
    with structlog.contextvars.bound_contextvars(cycle_id=cycle_id):
        yield


@contextmanager
def hedge_context(hedge: str) -> Iterator[None]:
    """Bind `hedge` to every log line inside the block."""
    with structlog.contextvars.bound_contextvars(hedge=hedge):
        yield


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
