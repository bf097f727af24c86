"""sd_notify against a real unix datagram socket, and silence outside systemd."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.api import systemd
from bot.api.systemd import SystemdNotifier

Listener = tuple[str, socket.socket]


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[Listener]:
    """A unix datagram socket bound in a temp dir, as systemd's $NOTIFY_SOCKET would be."""
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(2)
    yield path, sock
    sock.close()


def _recv(sock: socket.socket) -> str:
    return sock.recv(4096).decode()


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda n: n.ready(), "READY=1"),
        (lambda n: n.ready("hedging 2 pairs"), "READY=1\nSTATUS=hedging 2 pairs"),
        (lambda n: n.watchdog(), "WATCHDOG=1"),
        (lambda n: n.stopping(), "STOPPING=1"),
        (lambda n: n.status("cycle 42 ok\nsecond line dropped"), "STATUS=cycle 42 ok"),
    ],
)
def test_messages_reach_the_socket(
    listener: Listener, call: Callable[[SystemdNotifier], bool], expected: str
) -> None:
    """Each call sends the sd_notify datagram systemd expects."""
    path, sock = listener
    notifier = SystemdNotifier(path)
    assert call(notifier) is True
    assert _recv(sock) == expected


def test_reloading_carries_monotonic_usec(listener: Listener) -> None:
    """RELOADING=1 comes with MONOTONIC_USEC, as Type=notify-reload requires."""
    path, sock = listener
    SystemdNotifier(path).reloading()
    lines = _recv(sock).split("\n")
    assert lines[0] == "RELOADING=1"
    assert lines[1].startswith("MONOTONIC_USEC=") and int(lines[1].split("=")[1]) > 0


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="needs unix sockets")
def test_abstract_namespace_socket() -> None:
    """A $NOTIFY_SOCKET starting with '@' addresses the abstract namespace."""
    name = f"hedgebot-test-{uuid.uuid4().hex}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        sock.bind("\0" + name)
        sock.settimeout(2)
        assert SystemdNotifier.from_env({"NOTIFY_SOCKET": "@" + name}).ready()
        assert _recv(sock) == "READY=1"
    finally:
        sock.close()


def test_module_helpers_use_the_environment(
    listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ready()/watchdog() read $NOTIFY_SOCKET from the process environment."""
    path, sock = listener
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    assert systemd.ready() and systemd.watchdog()
    assert [_recv(sock), _recv(sock)] == ["READY=1", "WATCHDOG=1"]


def test_noop_outside_systemd(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without $NOTIFY_SOCKET every call is a quiet no-op returning False."""
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    assert not SystemdNotifier.from_env().enabled
    assert systemd.ready() is False
    assert systemd.watchdog() is False
    assert systemd.watchdog_interval_s() is None


def test_dead_socket_does_not_raise(tmp_path: Path) -> None:
    """A socket path nobody listens on is logged and reported as False, never raised."""
    assert SystemdNotifier(str(tmp_path / "gone.sock")).ready() is False


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"WATCHDOG_USEC": "60000000"}, 30.0),
        ({"WATCHDOG_USEC": "60000000", "WATCHDOG_PID": str(os.getpid())}, 30.0),
        ({"WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "1"}, None),
        ({"WATCHDOG_USEC": "0"}, None),
        ({"WATCHDOG_USEC": "soon"}, None),
        ({}, None),
    ],
)
def test_watchdog_interval_is_half_the_timeout(env: dict[str, str], expected: float | None) -> None:
    """The ping interval is half of $WATCHDOG_USEC, and None when it is not for this process."""
    assert SystemdNotifier.from_env(env).watchdog_interval_s() == expected
