"""`hedgebot run` as a subprocess for e2e tests: signals, exit codes, JSON log events."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .support import (
    PYTHON,
    START_TIMEOUT_S,
    STOP_TIMEOUT_S,
    GiveUp,
    child_env,
    tail,
    terminate,
    wait_until,
)

__all__ = ["DaemonProcess"]


class DaemonProcess:
    """`hedgebot run [-c FILE] [EXTRA...]` as a subprocess in `workdir`; stdout/stderr go to
    files there (never pipes, which would fill up and block the daemon)."""

    def __init__(
        self,
        config: Path | None,
        workdir: Path,
        *,
        env: Mapping[str, str] | None = None,
        name: str = "daemon",
        extra: Sequence[str] = (),
    ) -> None:
        self.config, self.workdir, self.env, self.name = config, workdir, dict(env or {}), name
        self.extra = tuple(extra)  # more `hedgebot run` arguments, e.g. ("--dry-run",)
        self.stdout_path = workdir / f"{name}.stdout"
        self.stderr_path = workdir / f"{name}.stderr"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def args(self) -> list[str]:
        config = ["-c", str(self.config)] if self.config is not None else []
        return [PYTHON, "-m", "bot", "run", *config, *self.extra]

    def start(self) -> DaemonProcess:
        """Spawn the process (returns at once; use `wait_for_event` for readiness)."""
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                self.args, stdout=out, stderr=err, cwd=self.workdir, env=child_env(self.env),
                start_new_session=True,  # a Ctrl-C in pytest must not reach the daemon
            )  # fmt: skip
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None, "daemon not started"
        return self.proc.pid

    @property
    def returncode(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def send_signal(self, sig: signal.Signals) -> None:
        """Send `sig` (SIGHUP reload, SIGTERM stop, SIGKILL crash) to the daemon."""
        assert self.proc is not None, "daemon not started"
        self.proc.send_signal(sig)

    def wait(self, timeout: float = STOP_TIMEOUT_S) -> int:
        """Wait for the process to exit and return its exit code (AssertionError on timeout)."""
        assert self.proc is not None, "daemon not started"
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"{self.name} still running after {timeout}s\n{self.diagnostics()}"
            ) from None

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> int | None:
        """SIGTERM, wait, SIGKILL if needed; returns the exit code. Idempotent."""
        return terminate(self.proc, timeout)

    def kill(self) -> None:
        """SIGKILL (a crash) and reap."""
        if self.alive():
            assert self.proc is not None
            self.proc.kill()
            self.proc.wait(timeout=5)

    # output
    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def events(self, event: str | None = None) -> list[dict[str, Any]]:
        """The JSON log lines (stdout and stderr), optionally only those with `event`."""
        out = []
        for line in (self.stdout() + "\n" + self.stderr()).splitlines():
            if not line.startswith("{"):
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line being written right now
            if event is None or record.get("event") == event:
                out.append(record)
        return out

    def wait_for_event(
        self,
        event: str,
        timeout: float = START_TIMEOUT_S,
        *,
        where: Callable[[dict[str, Any]], bool] | None = None,
        after: int = 0,
    ) -> dict[str, Any]:
        """The first log record `event` (past the first `after` such records, matching
        `where`) once it appears; fails early if the daemon exits first."""

        def find() -> dict[str, Any] | None:
            found = [r for r in self.events(event)[after:] if where is None or where(r)]
            if found:
                return found[0]
            if not self.alive():
                raise _Exited(f"{self.name} exited ({self.returncode}) before logging {event}")
            return None

        try:
            return wait_until(
                find, timeout, what=f"log event {event}", diagnostics=self.diagnostics
            )
        except _Exited as exc:
            raise AssertionError(f"{exc}\n{self.diagnostics()}") from None

    def more_cycles(
        self, n: int, *, hedge: str | None = None, timeout: float = 40.0
    ) -> list[dict[str, Any]]:
        """Wait until `n` more `hedge.cycle` log lines (of `hedge`, or of any) than now have
        been written; returns all of them."""

        def lines() -> list[dict[str, Any]]:
            cycles = self.events("hedge.cycle")
            return [c for c in cycles if hedge is None or c.get("hedge") == hedge]

        seen = len(lines())
        what = f"{n} more {hedge or 'hedge'} cycles"
        wait_until(lambda: len(lines()) >= seen + n, timeout, what=what,
                   diagnostics=self.diagnostics)  # fmt: skip
        return lines()

    def api_url(self, timeout: float = START_TIMEOUT_S) -> str:
        """Base URL of the daemon's HTTP API (from its `api.listening` log line)."""
        return str(self.wait_for_event("api.listening", timeout)["url"]).rstrip("/")

    def diagnostics(self) -> str:
        """Exit code and the tails of stdout / stderr, for assertion messages."""
        return (
            f"--- {self.name} returncode={self.returncode}\n"
            f"--- stdout tail:\n{tail(self.stdout_path)}\n"
            f"--- stderr tail:\n{tail(self.stderr_path)}"
        )


class _Exited(GiveUp):
    """The daemon exited while a test waited for it (fails `wait_until` at once)."""
