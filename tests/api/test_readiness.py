"""`Readiness`: the sd_notify protocol around start-up and reloads, on a real socket."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.api.systemd import Readiness, SystemdNotifier


@pytest.fixture
def sock(tmp_path: Path) -> Iterator[socket.socket]:
    """A unix datagram socket as systemd's $NOTIFY_SOCKET would be."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(str(tmp_path / "notify.sock"))
    s.setblocking(False)
    yield s
    s.close()


def _heard(s: socket.socket) -> list[str]:
    out: list[str] = []
    while True:
        try:
            out.append(s.recv(4096).decode().split("\n")[0])
        except BlockingIOError:
            return out


def test_ready_is_sent_once(sock: socket.socket) -> None:
    """Only the first `started()` sends READY=1."""
    readiness = Readiness(SystemdNotifier(sock.getsockname()))
    assert readiness.started("hedging") is True
    assert readiness.started("hedging") is False
    assert _heard(sock) == ["READY=1"] and readiness.ready


def test_a_reload_after_start_up_is_reloading_then_ready_even_when_it_fails(
    sock: socket.socket,
) -> None:
    """RELOADING=1 … READY=1 around each reload, the READY also after an exception."""
    readiness = Readiness(SystemdNotifier(sock.getsockname()))
    readiness.started()
    with readiness.reloading():
        pass
    with pytest.raises(ValueError), readiness.reloading():
        raise ValueError("bad reload")
    assert _heard(sock) == ["READY=1", "RELOADING=1", "READY=1", "RELOADING=1", "READY=1"]


def test_a_reload_before_start_up_sends_nothing(sock: socket.socket) -> None:
    """Before READY=1 a reload is silent: the start-up READY is still to come."""
    readiness = Readiness(SystemdNotifier(sock.getsockname()))
    with readiness.reloading():
        pass
    assert _heard(sock) == []
