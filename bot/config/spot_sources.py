"""`spot:` as one source or a list of them: the hedge's holding is their sum.

`spot: {account: main, asset: BTC}` or `spot: [{account: main, asset: BTC}, {account: cold,
asset: BTC}]`, each element the one-source shape. The settings keep what was written (one
`SpotLeg` or a tuple of them, so show-config prints it back as written); `sources_of` gives
the tuple either way. Every source holds the same asset, and an account is listed once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config.hedges import SpotLeg

from bot.config.tags import ONE_SOURCE, SOURCE_LIST

__all__ = ["source_problems", "sources_of", "spot_shape"]


def spot_shape(value: Any) -> str:
    """Which shape of `spot:` `value` is written in (the union's discriminator)."""
    return SOURCE_LIST if isinstance(value, list | tuple) else ONE_SOURCE


def sources_of(spot: SpotLeg | tuple[SpotLeg, ...]) -> tuple[SpotLeg, ...]:
    """The sources as a tuple, whichever shape `spot:` was written in."""
    return spot if isinstance(spot, tuple) else (spot,)


def source_problems(sources: tuple[SpotLeg, ...]) -> list[tuple[str, str]]:
    """(path under the hedge, problem): an asset differing from the first source's, an
    account listed twice (its coins would be counted twice)."""
    if len(sources) < 2:
        return []
    asset = sources[0].asset.upper()
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, source in enumerate(sources):
        if source.asset.upper() != asset:
            problems.append(
                (
                    f"spot.{i}.asset",
                    f"{source.asset} differs from spot.0.asset {sources[0].asset} "
                    "(every source of one hedge holds the same coin)",
                )
            )
        if source.account in seen:
            problems.append(
                (
                    f"spot.{i}.account",
                    f"account {source.account} is listed twice (list each "
                    "source once: its coins would be counted twice)",
                )
            )
        seen.add(source.account)
    return problems
