"""`hedgebot tranche HEDGE [N]` on the client side: exit codes and the number's check
(the daemon's side is pinned end to end in tests/e2e/test_targets_e2e.py)."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.engine.remote import tranche_command

from .conftest import closed_port


async def test_without_a_token_nothing_is_sent(capsys: pytest.CaptureFixture[str]) -> None:
    """No HEDGEBOT_API_TOKEN: exit 2 and a line saying to set it."""
    assert await tranche_command("http://127.0.0.1:9", "BTC", None, "") == 2
    assert "HEDGEBOT_API_TOKEN is not set" in capsys.readouterr().err


async def test_no_daemon_is_exit_1_with_what_to_check(capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing listening: exit 1 and the API address asked about."""
    url = f"http://127.0.0.1:{closed_port()}"
    assert await tranche_command(url, "BTC", 3, "token") == 1
    assert "no hedgebot API at" in capsys.readouterr().err


@pytest.mark.parametrize("number", ["0", "-1", "two"])
def test_a_tranche_number_is_a_whole_number_from_one(
    number: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`hedgebot tranche BTC 0` is a usage error naming the value, before any request."""
    with pytest.raises(SystemExit) as exit_info:
        main(["tranche", "BTC", number])
    assert exit_info.value.code == 2
    assert f"{number!r} is not a tranche number" in capsys.readouterr().err
