"""The account's position mode (one-way or hedge) for `CcxtExchange`, resolved once per market
kind and applied inside the gateway, so the engine never asks which mode it trades in.

`accounts.<name>.position_mode` is `auto` (follow the venue), `one_way` or `hedge`. On the first
position read or order of a kind (USDⓈ-M, COIN-M) the gateway reads the venue's mode
(Binance `GET /fapi/v1/positionSide/dual`); a configured mode that differs is set on the venue
(`POST .../positionSide/dual`), which Binance allows only with no open position or order on that
kind; a refusal is a `NotSupported` naming the account and what to do. A later
`PositionModeMismatch` (the mode was changed on the venue while we ran) forgets the reading,
so the next request reads it again. Hedge mode is supported on Binance (positionSide SHORT).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, Protocol, TypeVar

import structlog

from bot.domain.model import Market, MarketKind, PositionMode
from bot.exchange.calls import Calls
from bot.exchange.errors import (
    ExchangeError,
    NotSupported,
    PositionModeMismatch,
    TemporaryError,
)

__all__ = ["PositionModeOps", "mode_to_apply"]

log = structlog.get_logger(__name__)
T = TypeVar("T")

_NO_CHANGE_NEEDED = "-4059"  # "No need to change position side."
_HEDGE_VENUES = ("binance",)  # ccxt ids (prefix) whose hedge-mode orders we know how to send


def mode_to_apply(wanted: PositionMode | None, venue: PositionMode) -> PositionMode | None:
    """The mode to set on the venue before trading: None when the venue's `venue` mode is
    fine (`wanted` None means `auto`: follow the venue), else `wanted`."""
    return None if wanted is None or wanted is venue else wanted


class _Gateway(Protocol):
    account: str
    _client: Any
    _calls: Calls
    _wanted_mode: PositionMode | None
    _modes: dict[MarketKind, PositionMode]
    _modes_lock: asyncio.Lock

    @property
    def exchange_id(self) -> str: ...


def _label(mode: PositionMode) -> str:
    return mode.value.replace("_", "-")


async def _read_mode(gw: _Gateway, market: Market) -> PositionMode:
    if not gw._client.has.get("fetchPositionMode"):
        return PositionMode.ONE_WAY  # a venue that cannot say has no dual-side mode to read

    async def fetch() -> PositionMode:
        reply = await gw._client.fetch_position_mode(market.symbol)
        return PositionMode.HEDGE if reply.get("hedged") else PositionMode.ONE_WAY

    mode: PositionMode = await gw._calls.read("fetch_position_mode", fetch)
    return mode


async def _apply_mode(
    gw: _Gateway, market: Market, target: PositionMode, venue: PositionMode
) -> None:
    where = f"accounts.{gw.account}.position_mode"
    if not gw._client.has.get("setPositionMode"):
        raise NotSupported(
            f"{where} is {target.value} but {gw.exchange_id} cannot switch position mode "
            f"through ccxt and is in {_label(venue)} mode; set position_mode: auto",
            account=gw.account,
        )

    async def send() -> None:
        await gw._client.set_position_mode(target is PositionMode.HEDGE, market.symbol)

    try:
        await gw._calls.read("set_position_mode", send)
    except TemporaryError:
        raise
    except ExchangeError as exc:
        if exc.code == _NO_CHANGE_NEEDED:
            return
        raise NotSupported(
            f"{where} is {target.value} but the {market.kind.value} account is in "
            f"{_label(venue)} mode and the venue refused to switch it ({exc}); the venue "
            "switches only with no open position or order on any such symbol: close them, "
            "or switch in the venue's settings, or set position_mode: auto",
            account=gw.account,
            code=exc.code,
        ) from None
    log.warning("exchange.position_mode_set", account=gw.account, mode=target.value)


async def _resolve(gw: _Gateway, market: Market) -> PositionMode:
    """Read the venue's mode, switch it when the configured one differs, refuse what we
    cannot trade."""
    venue = await _read_mode(gw, market)
    target = mode_to_apply(gw._wanted_mode, venue)
    if target is not None:
        await _apply_mode(gw, market, target, venue)
    mode = target or venue
    if mode is PositionMode.HEDGE and not gw.exchange_id.startswith(_HEDGE_VENUES):
        raise NotSupported(
            f"accounts.{gw.account}: {gw.exchange_id} is in hedge (dual-side) mode, "
            "which hedgebot trades on Binance only; switch the account to one-way mode",
            account=gw.account,
        )
    log.info(
        "exchange.position_mode",
        account=gw.account,
        kind=market.kind.value,
        mode=mode.value,
        configured=gw._wanted_mode.value if gw._wanted_mode else "auto",
    )
    return mode


class PositionModeOps:
    """Reads, applies and caches the account's position mode (mixed into CcxtExchange)."""

    async def position_mode(self: _Gateway, market: Market) -> PositionMode:
        """The mode positions and orders of `market`'s kind are traded in (resolved once)."""
        if not market.is_contract:
            raise ValueError(f"{market.symbol} is not a contract market")
        cached = self._modes.get(market.kind)
        if cached is not None:
            return cached
        async with self._modes_lock:  # one reading (and switch) even when reads run together
            if market.kind in self._modes:
                return self._modes[market.kind]
            mode = await _resolve(self, market)
            self._modes[market.kind] = mode
            return mode

    def forget_position_mode(self: _Gateway) -> None:
        """Drop the cached reading (after the venue said it does not match)."""
        self._modes.clear()

    async def _mode_checked(self: _Gateway, call: Awaitable[T]) -> T:
        """`call`, forgetting the position mode if the venue says it no longer matches."""
        try:
            return await call
        except PositionModeMismatch as exc:
            self._modes.clear()
            if exc.code is None:  # our own reading of the positions: already says so
                raise
            venue = str(exc).removeprefix(f"[{self.account}] ")
            raise PositionModeMismatch(
                f"[{self.account}] the venue refused the order's position side ({venue}): the "
                "account's position mode was changed on the venue; hedgebot reads it again "
                "before the next order",
                account=self.account,
                code=exc.code,
            ) from None
