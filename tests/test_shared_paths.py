"""Shared material is found relative to the checkout (or $HEDGEBOT_DATA_DIR), never at an
absolute machine path written into the repository."""

from __future__ import annotations

from pathlib import Path

from bot.config.shared_paths import DATA_DIR_ENV, data_dir, missing_reason, repo_root, shared_dir

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("bot", "tests", "bench", "scripts", "docs", "config", "deploy")
TEXT = {".py", ".md", ".yaml", ".yml", ".toml", ".txt", ".service", ".sh", ".cfg", ".ini", ""}
# Spelled in two halves so this file does not match itself.
MACHINE_PREFIXES = ("/wo" + "rk/", "/ho" + "me/", "/Us" + "ers/")


def test_shared_dir_is_next_to_the_repository_root() -> None:
    """The shared directory is ../shared of the checkout holding `bot/`."""
    assert repo_root() == ROOT
    assert shared_dir() == ROOT.parent / "shared"


def test_data_dir_follows_the_environment_variable(tmp_path: Path) -> None:
    """HEDGEBOT_DATA_DIR names the market data; unset or empty falls back to ../shared/data."""
    assert data_dir({DATA_DIR_ENV: str(tmp_path)}) == tmp_path
    assert data_dir({DATA_DIR_ENV: ""}) == shared_dir() / "data"
    assert data_dir({}) == shared_dir() / "data"


def test_missing_material_gives_a_reason_naming_the_path_and_the_fix(tmp_path: Path) -> None:
    """An absent path yields one line naming it, ../shared and the variable; present yields None."""
    absent = tmp_path / "nope"
    reason = missing_reason(absent, "market data")
    assert reason is not None
    assert str(absent) in reason and "../shared" in reason and DATA_DIR_ENV in reason
    assert missing_reason(tmp_path, "market data") is None


def test_no_absolute_machine_paths_in_the_repository() -> None:
    """No file in bot, tests, bench, scripts, docs, config or deploy names a machine path."""
    offenders = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            if not path.is_file() or path.suffix not in TEXT or "__pycache__" in path.parts:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for number, line in enumerate(text.splitlines(), 1):
                if any(prefix in line for prefix in MACHINE_PREFIXES):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
