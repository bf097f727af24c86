"""Account administration and the futures account views of both dialects: wallets,
balances, positions, brackets and income (Binance-shaped results; USDⓈ-M in USDT, COIN-M in
each coin). Settings changes are in `futures_settings`, transfers in `transfers`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim.accounts import Account, FuturesPosition
from bot.sim.coinm_views import coinm_account, coinm_balance_row, coinm_position_row
from bot.sim.errors import bad_param
from bot.sim.ledger import select_rows
from bot.sim.margin import Bracket
from bot.sim.risk import AccountMetrics, account_metrics, account_pools, flat_metrics, pool_metrics
from bot.sim.specs import brackets_for, get_spec, listed_spec, listed_symbols
from bot.sim.venue import Venue
from bot.sim.views import futures_account, futures_balance, position_risk_row, spot_account

__all__ = [
    "WALLETS",
    "create_account",
    "futures_account_json",
    "futures_balance_json",
    "income",
    "leverage_brackets",
    "position_risk",
    "set_balance",
    "spot_account_json",
]

JSON = dict[str, Any]
ZERO = Decimal(0)
WALLETS = ("spot", "usdm", "coinm")


def _non_negative(name: str, amount: Decimal) -> None:
    if amount < 0:
        raise bad_param(name, f"{amount} is negative; it must be >= 0")


def create_account(
    venue: Venue,
    api_key: str,
    secret: str,
    balances: dict[str, dict[str, Decimal]],
    *,
    dual_side: bool = False,
    can_withdraw: bool = False,
    venue_name: str = "binance",
) -> None:
    """Create (or replace) the account of `api_key` with `balances[wallet][asset]`, in hedge
    mode when `dual_side`, with a key allowed to withdraw when `can_withdraw`; `venue_name`
    "bybit" makes it a unified trading account served on /v5 (`bybit_wallet`)."""
    if not api_key or not secret:
        raise bad_param("api_key/secret", "both must be non-empty strings")
    unknown = set(balances) - set(WALLETS)
    if unknown:
        raise bad_param("balances", f"unknown wallet(s) {sorted(unknown)}; use {list(WALLETS)}")
    now = venue.now()
    account = Account(
        api_key, secret, update_ms=now, dual_side=dual_side, can_withdraw=can_withdraw
    )
    account.venue = venue_name
    account.created_ms = account.coinm_update_ms = now
    for wallet, assets in balances.items():
        for asset, amount in assets.items():
            _non_negative(f"balances.{wallet}.{asset}", amount)
            _put(account, wallet, asset, amount)
    account.usdm.setdefault("USDT", ZERO)
    venue.accounts[api_key] = account


def _put(account: Account, wallet: str, asset: str, amount: Decimal) -> None:
    if wallet == "spot":
        account.balance(asset).free = amount
    elif wallet == "usdm":
        account.usdm[asset] = amount
    else:
        account.coinm[asset] = amount


def set_balance(venue: Venue, api_key: str, wallet: str, asset: str, amount: Decimal) -> None:
    """Set the free spot balance or a futures wallet balance (USDⓈ-M asset, COIN-M coin) of
    `asset` to `amount` (≥ 0)."""
    account = venue.account(api_key)
    if wallet not in WALLETS:
        raise bad_param("wallet", f"{wallet!r}; use one of {list(WALLETS)}")
    _non_negative("amount", amount)
    _put(account, wallet, asset, amount)
    account.touch("coinm" if wallet == "coinm" else "usdm", venue.now())


def spot_account_json(venue: Venue, api_key: str) -> JSON:
    return spot_account(venue.account(api_key), venue.now())


def _coin_pools(venue: Venue, account: Account) -> dict[str, AccountMetrics]:
    marks = venue.marks()
    return {
        coin: pool_metrics(account, marks, market, coin)
        for market, coin in account_pools(account)
        if market == "coinm"
    }


def futures_account_json(venue: Venue, api_key: str, market: str = "usdm") -> JSON:
    """/fapi/v3/account (USDT) or /dapi/v1/account (one asset per coin wallet)."""
    account = venue.account(api_key)
    if market == "coinm":
        return coinm_account(account, _coin_pools(venue, account))
    return futures_account(account, account_metrics(account, venue.marks()))


def futures_balance_json(venue: Venue, api_key: str, market: str = "usdm") -> list[JSON]:
    """/fapi/v3/balance (USDT) or /dapi/v1/balance rows (one per coin wallet)."""
    account = venue.account(api_key)
    if market == "coinm":
        pools = _coin_pools(venue, account)
        return [coinm_balance_row(account, coin, m) for coin, m in pools.items()]
    return futures_balance(account, account_metrics(account, venue.marks()))


def _order_notional(account: Account, symbol: str, side: str) -> tuple[Decimal, Decimal]:
    bid = ask = ZERO
    for o in account.open_orders("usdm", symbol):
        if o.position_side != side:
            continue
        value = o.remaining * (o.price or ZERO)
        bid, ask = (bid + value, ask) if o.side == "BUY" else (bid, ask + value)
    return bid, ask


def position_risk(
    venue: Venue, api_key: str, symbol: str | None, market: str = "usdm"
) -> list[JSON]:
    """/fapi/v3/positionRisk rows of the symbols with a position (only `symbol` when given):
    one BOTH row each in one-way mode, a LONG and a SHORT row each in hedge mode. COIN-M:
    /dapi/v1/positionRisk, one row per listed contract (flat ones too, as Binance lists
    them), `symbol` here meaning a pair or margin-asset filter (see `coinm_position_risk`)."""
    if market == "coinm":
        return coinm_position_risk(venue, api_key, symbol)
    if symbol is not None:
        listed_spec("usdm", symbol, venue.now())
    account = venue.account(api_key)
    metrics = account_metrics(account, venue.marks())
    held = [s for s in dict.fromkeys(s for s, _ in metrics.positions) if symbol in (None, s)]
    rows = []
    for s in held:
        spec = get_spec("usdm", s)
        for side in account.position_sides:
            leg = account.positions.get((s, side)) or FuturesPosition(
                s, account.symbol_settings(s), side
            )
            m = metrics.positions.get((s, side)) or flat_metrics(leg, venue.board.mark(s))
            rows.append(
                position_risk_row(m, spec, _order_notional(account, s, side), spec.taker_fee)
            )
    return rows


def coinm_position_risk(venue: Venue, api_key: str, wanted: str | None) -> list[JSON]:
    """/dapi/v1/positionRisk rows of every listed COIN-M contract whose pair or margin asset
    is `wanted` (None = all)."""
    account = venue.account(api_key)
    pools = _coin_pools(venue, account)
    rows = []
    for symbol in listed_symbols("coinm", venue.now()):
        spec = get_spec("coinm", symbol)
        if wanted not in (None, spec.pair_id, spec.margin_asset):
            continue
        leg = account.positions.get((symbol, "BOTH")) or FuturesPosition(
            symbol, account.symbol_settings(symbol), market="coinm"
        )
        pool = pools.get(spec.margin_asset)
        m = pool.positions.get((symbol, "BOTH")) if pool else None
        metrics = m or flat_metrics(leg, venue.board.mark(symbol))
        rows.append(coinm_position_row(metrics, spec, spec.taker_fee))
    return rows


def _bracket_rows(brackets: tuple[Bracket, ...], coin: bool) -> list[JSON]:
    cap, floor = ("qtyCap", "qtyFloor") if coin else ("notionalCap", "notionalFloor")
    return [
        {
            "bracket": b.number,
            "initialLeverage": b.initial_leverage,
            cap: int(b.cap),
            floor: int(b.floor),
            "maintMarginRatio": float(b.mmr),
            "cum": float(b.cum),
        }
        for b in brackets
    ]


def leverage_brackets(
    venue: Venue, symbol: str | None, market: str = "usdm", *, by_pair: bool = False
) -> list[JSON]:
    """Bracket rows (numbers, as Binance sends them): /fapi/v1/leverageBracket per symbol
    (notional caps in USDT); COIN-M per symbol (/dapi/v2) or, `by_pair`, per pair
    (/dapi/v1, `symbol` then naming the pair), with caps and `cum` in coin."""
    now = venue.now()
    names = listed_symbols(market, now)
    if by_pair:
        first: dict[str, str] = {}
        for name in names:
            first.setdefault(get_spec(market, name).pair_id, name)
        if symbol is not None and symbol not in first:
            raise bad_param("pair", f"{symbol!r} is not a listed pair")
        return [
            {"pair": pair, "brackets": _bracket_rows(brackets_for(name), coin=True)}
            for pair, name in first.items()
            if symbol in (None, pair)
        ]
    if symbol is not None:
        listed_spec(market, symbol, now)
    return [
        {
            "symbol": name,
            "notionalCoef": 1.0,
            "brackets": _bracket_rows(brackets_for(name), coin=market == "coinm"),
        }
        for name in ([symbol] if symbol is not None else names)
    ]


def income(
    venue: Venue,
    api_key: str,
    *,
    symbol: str | None = None,
    income_type: str | None = None,
    start_ms: int | None = None,
    end_ms: int | None = None,
    limit: int = 100,
    market: str = "usdm",
) -> list[JSON]:
    """/fapi/v1/income (USDT) or /dapi/v1/income (coin) rows, oldest first, filtered as
    Binance filters them."""
    return select_rows(
        venue.account(api_key).income_rows(market),
        time_key="time",
        start_ms=start_ms,
        end_ms=end_ms,
        limit=limit,
        symbol=symbol,
        incomeType=income_type,
    )
