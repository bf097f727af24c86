"""Wallet accounts: coins held off any exchange (a cold or hardware wallet), stated in YAML.

`accounts.<name>: {exchange: wallet, holdings: {BTC: "2.5"}}` needs no `mode` and no keys and
is never connected: it can only be a hedge's `spot:` source, counted into the holding as
written (reloaded on SIGHUP). Every setting that only makes sense for a venue is refused on
it, naming the field, and an exchange account must not carry `holdings`.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

__all__ = ["WALLET", "Holdings", "wallet_problems"]

WALLET = "wallet"  # the `exchange:` of an account held off any exchange

# What a wallet account may set besides `exchange`; keys come from the environment.
_WALLET_FIELDS = frozenset({"exchange", "holdings"})
_KEYS = frozenset({"api_key", "secret", "password"})

Holdings = Mapping[
    Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{1,20}$", to_upper=True)],
    Annotated[Decimal, Field(ge=0, allow_inf_nan=False)],
]


def _venue_setting(name: str) -> str:
    if name in _KEYS:
        return (
            "a wallet account takes no API keys (it is never connected): remove "
            f"HEDGEBOT_ACCOUNTS__<NAME>__{name.upper()} from the environment / secrets directory"
        )
    return (
        f"not allowed on a wallet account (exchange: {WALLET} is never connected; "
        "remove it, or use an exchange id such as binance)"
    )


def wallet_problems(
    exchange: str, fields_set: Set[str], holdings: Mapping[str, Decimal]
) -> list[tuple[str, str]]:
    """(field, problem) pairs for an account: a wallet account that sets a venue setting
    (mode, url, keys, …), an exchange account with a null `mode` or with `holdings`."""
    if exchange == WALLET:
        return [(f, _venue_setting(f)) for f in sorted(fields_set - _WALLET_FIELDS)]
    problems = []
    if "mode" not in fields_set:
        problems.append(("mode", "null is not a mode (use sim | testnet | demo | live)"))
    if holdings:
        problems.append(
            (
                "holdings",
                f"only a wallet account (exchange: {WALLET}) holds coins in YAML; "
                f"the {exchange} account's balances are read from the venue",
            )
        )
    return problems
