"""One daemon per journal: an exclusive `flock` on `<journal>.lock`.

flock (not a pid file check) because the kernel drops the lock when the holder dies, even by
SIGKILL, so a crash never leaves a stale lock behind. The file also holds the holder's pid,
for the error message. The file itself is never deleted (deleting races with a new holder).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

__all__ = ["AlreadyRunning", "InstanceLock", "lock_path_for"]


class AlreadyRunning(Exception):
    """Another hedgebot holds this journal's lock. Operator: stop that daemon (pid in the
    message) or give this one another `journal.path`; two daemons must never trade one
    account."""

    def __init__(self, lock_path: Path, pid: int | None) -> None:
        self.lock_path = lock_path
        self.pid = pid
        holder = f"pid {pid}" if pid else "another process"
        super().__init__(f"another hedgebot ({holder}) is already running on {lock_path}")


def lock_path_for(journal_path: Path | str) -> Path:
    """`hedgebot.sqlite` → `hedgebot.sqlite.lock`."""
    path = Path(journal_path)
    return path.with_name(path.name + ".lock")


class InstanceLock:
    """Non-blocking exclusive lock for one journal; `acquire()` or use as a context manager."""

    def __init__(self, journal_path: Path | str) -> None:
        self.path = lock_path_for(journal_path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> InstanceLock:
        """Take the lock or raise `AlreadyRunning` naming the holder's pid."""
        if self._fd is not None:
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by children
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _read_pid(fd)
            os.close(fd)
            raise AlreadyRunning(self.path, pid) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        """Drop the lock (process death drops it too)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    try:
        raw = os.pread(fd, 32, 0).decode().strip()
        return int(raw) if raw else None
    except (OSError, ValueError):
        return None
