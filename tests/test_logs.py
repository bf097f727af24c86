"""Logging: JSON lines or console text, bound cycle/hedge, and secrets never rendered."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from bot.logs import configure_logging, cycle_context, get_logger, hedge_context, register_secret

SECRET = "s3cr3t-value-for-logs-0451"


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()


def lines(buf: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def test_json_lines_carry_timestamp_level_logger_and_bound_context() -> None:
    """Each JSON line has ISO time, level, logger name, event and the bound cycle/hedge."""
    buf = io.StringIO()
    configure_logging("json", "info", stream=buf)
    with cycle_context("c-42"), hedge_context("BTC"):
        get_logger("bot.engine").info("placed", amount="0.005")
    get_logger("bot.engine").info("outside")
    first, second = lines(buf)
    assert first["event"] == "placed" and first["level"] == "info"
    assert first["logger"] == "bot.engine"
    assert (first["cycle_id"], first["hedge"]) == ("c-42", "BTC")
    assert first["timestamp"].endswith("Z") and "T" in first["timestamp"]
    assert "cycle_id" not in second and "hedge" not in second


def test_level_filters_lines() -> None:
    """Lines below the configured level are dropped."""
    buf = io.StringIO()
    configure_logging("json", "warning", stream=buf)
    get_logger("x").info("quiet")
    get_logger("x").warning("loud")
    assert [line["event"] for line in lines(buf)] == ["loud"]


def test_auto_is_json_off_a_tty() -> None:
    """format auto renders JSON when the stream is not a terminal."""
    buf = io.StringIO()
    configure_logging("auto", "info", stream=buf)
    get_logger("x").info("hello")
    assert lines(buf)[0]["event"] == "hello"


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_registered_secret_never_appears(fmt: str) -> None:
    """A registered secret is redacted from events, fields, nested data, exceptions and
    stdlib library loggers; secret-named keys are redacted whatever their value."""
    register_secret(SECRET)
    buf = io.StringIO()
    configure_logging(fmt, "debug", stream=buf)
    log = get_logger("bot.exchange")
    log.info(f"request with {SECRET}", url=f"https://x/?key={SECRET}", nested={"a": [SECRET]})
    log.info("keys", api_key="plain-key-1", signature="sig-2", password="pw-3", token=None)
    try:
        raise RuntimeError(f"venue said {SECRET}")
    except RuntimeError:
        log.exception("failed")
    logging.getLogger("ccxt").warning("GET /api?secret=%s", SECRET)
    out = buf.getvalue()
    for leaked in (SECRET, "plain-key-1", "sig-2", "pw-3"):
        assert leaked not in out
    assert out.count("***") >= 7
    assert "venue said" in out and "RuntimeError" in out
