"""The single-instance lock: one daemon per journal, released even when the holder dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.store import AlreadyRunning, InstanceLock

REPO = Path(__file__).resolve().parents[2]
HOLDER = textwrap.dedent(
    """
    import sys, time
    from bot.store import InstanceLock
    lock = InstanceLock(sys.argv[1]).acquire()
    print("locked", flush=True)
    time.sleep(60)
    """
)


def start_holder(journal: Path) -> subprocess.Popen[str]:
    """A separate process that takes the lock and waits."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(journal)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_second_process_is_refused_until_the_first_exits(tmp_path: Path, how: int) -> None:
    """While another process holds the lock we get AlreadyRunning with its pid; after it
    exits (even by SIGKILL) the lock is ours."""
    journal = tmp_path / "hedgebot.sqlite"
    holder = start_holder(journal)
    try:
        with pytest.raises(AlreadyRunning) as info:
            InstanceLock(journal).acquire()
        assert info.value.pid == holder.pid
        assert f"pid {holder.pid}" in str(info.value)
        assert str(journal) + ".lock" in str(info.value)
    finally:
        holder.send_signal(how)
        holder.wait(timeout=10)
    with InstanceLock(journal) as lock:
        assert lock.held
        assert lock.path.read_text().strip() == str(os.getpid())


def test_lock_is_released_on_exit_of_the_block(tmp_path: Path) -> None:
    """Leaving the context manager frees the lock for the next holder."""
    journal = tmp_path / "j.sqlite"
    with InstanceLock(journal), pytest.raises(AlreadyRunning):
        InstanceLock(journal).acquire()
    second = InstanceLock(journal).acquire()
    assert second.held
    second.release()
    assert not second.held
