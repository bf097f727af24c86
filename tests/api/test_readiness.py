"""`Readiness`: the sd_notify protocol around start-up and reloads, on a real socket."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.api.systemd import Readiness, SystemdNotifier
from tests.api.notify_socket import heard, listening


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[socket.socket]:
    with listening(tmp_path) as sock:
        yield sock


def test_ready_is_sent_once(notify_socket: socket.socket) -> None:
    """Only the first `started()` sends READY=1."""
    readiness = Readiness(SystemdNotifier(notify_socket.getsockname()))
    assert readiness.started("hedging") is True
    assert readiness.started("hedging") is False
    assert heard(notify_socket) == ["READY=1"] and readiness.ready


def test_a_reload_after_start_up_is_reloading_then_ready_even_when_it_fails(
    notify_socket: socket.socket,
) -> None:
    """RELOADING=1 … READY=1 around each reload, the READY also after an exception."""
    readiness = Readiness(SystemdNotifier(notify_socket.getsockname()))
    readiness.started()
    with readiness.reloading():
        pass
    with pytest.raises(ValueError), readiness.reloading():
        raise ValueError("bad reload")
    assert heard(notify_socket) == ["READY=1", "RELOADING=1", "READY=1", "RELOADING=1", "READY=1"]


def test_a_reload_before_start_up_sends_nothing(notify_socket: socket.socket) -> None:
    """Before READY=1 a reload is silent: the start-up READY is still to come."""
    readiness = Readiness(SystemdNotifier(notify_socket.getsockname()))
    with readiness.reloading():
        pass
    assert heard(notify_socket) == []
