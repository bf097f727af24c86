"""`SymbolSpec`: one tradable instrument of the simulated venue, and the fee schedule.

Markets: "spot" (/api/v3), "usdm" (USDⓈ-M, /fapi: linear, margined and settled in USDT) and
"coinm" (COIN-M, /dapi: inverse, each contract worth `contract_size` USD, margined and settled
in the base coin). Prices are in the quote asset (USDT, or USD for COIN-M); quantities are in
the base asset on spot and USDⓈ-M (a `1000PEPE` contract is 1,000 PEPE) and in contracts on
COIN-M.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["FEES", "PERPETUAL_DELIVERY_MS", "SymbolSpec"]

D = Decimal
ONE = Decimal(1)
PERPETUAL_DELIVERY_MS = 4133404800000  # Binance's deliveryDate of a perpetual (2100-12-25)
DEFAULT_ONBOARD_MS = 1569398400000  # 2019-09-25, BTCUSDT's onboardDate

# (maker, taker) fee rates: Binance standard (VIP 0, no BNB discount).
FEES: dict[str, tuple[Decimal, Decimal]] = {
    "spot": (D("0.001"), D("0.001")),
    "usdm": (D("0.0002"), D("0.0005")),
    "coinm": (D("0.0002"), D("0.0005")),
}


@dataclass(frozen=True, slots=True)
class SymbolSpec:
    """One instrument's filters and contract terms.

    `index_symbol` is the spot symbol whose price is the index (default: the symbol itself)
    and `index_multiplier` how many of its base one unit is (1000 for `1000PEPEUSDT`);
    `delivery_ms` is None for a perpetual; `pair` groups a pair's perpetual and quarterlies
    (BTCUSDT, BTCUSD)."""

    market: str
    symbol: str
    base: str
    quote: str
    tick: Decimal
    min_price: Decimal
    max_price: Decimal
    step: Decimal
    min_qty: Decimal
    max_qty: Decimal
    market_max_qty: Decimal
    min_notional: Decimal
    price_precision: int
    qty_precision: int
    contract_size: Decimal = ONE
    margin_asset: str = "USDT"
    pair: str = ""
    index_symbol: str = ""
    index_multiplier: Decimal = ONE
    delivery_ms: int | None = None
    onboard_ms: int = DEFAULT_ONBOARD_MS

    @property
    def maker_fee(self) -> Decimal:
        return FEES[self.market][0]

    @property
    def taker_fee(self) -> Decimal:
        return FEES[self.market][1]

    @property
    def pair_id(self) -> str:
        return self.pair or self.symbol

    @property
    def index_of(self) -> str:
        """The spot symbol whose last price (× `index_multiplier`) is this one's index."""
        return self.index_symbol or self.symbol

    @property
    def perpetual(self) -> bool:
        return self.delivery_ms is None

    @property
    def inverse(self) -> bool:
        """COIN-M: margined in the base coin, quantities in contracts of `contract_size` USD."""
        return self.market == "coinm"

    @property
    def derived(self) -> bool:
        """Priced from its index (quarterlies, COIN-M, multiplied perps) rather than walked on
        its own like spot and the plain USDⓈ-M perpetuals."""
        if self.market == "spot":
            return False
        plain_perp = self.market == "usdm" and self.perpetual and self.index_multiplier == 1
        return not (plain_perp and self.index_of == self.symbol)

    @property
    def delivery_date(self) -> int:
        """exchangeInfo's `deliveryDate` (perpetuals: Binance's far-future placeholder)."""
        return PERPETUAL_DELIVERY_MS if self.delivery_ms is None else self.delivery_ms
