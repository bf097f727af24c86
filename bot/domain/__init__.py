"""hedgebot's pure core: values in, decisions out. Stdlib only; no I/O, clock or awaits.

What the engine calls, per hedge and per cycle (all amounts `Decimal`):

1. Trust the data — `staleness`:
   `check_fresh(part, timestamp_ms, now_ms, max_age_ms)`, `check_quote(quote)`,
   `check_position_matches_fills(position, expected_contracts, last_fill_ms, tolerance)`,
   `first_problem(verdicts) -> DataVerdict(ok, reason)`.
2. Grade the risk — `risk`:
   `assess(RiskView(...)) -> RiskAssessment` (grade, reasons, distance vs mark, liquidation
   prices, `top_up`, `collateral_exhausted`, `target_leverage`, `reduce_contracts`, `.gate`).
   Thresholds: `risk_policy.RiskPolicy`; grades `RiskGrade`, planner gate `RiskGate`.
   Formulas: `liquidation` (`liquidation_price`, `maintenance_margin`, `margin_ratio`,
   `liquidation_distance`, `MarginBracket`).
3. Plan the orders — `planner`:
   `plan(HedgeView(...)) -> HedgePlan` (cancels, orders: `sizing.PlannedOrder`, kept, notes).
   Apply cancels first; a plan with cancels never has orders (cancel-only cycle).
4. Measure and report — `hedge`:
   `HedgePolicy`, `measure(policy, market, spot, contracts, price) -> HedgeState`,
   `ratio_after_fills(...)`, `contracts_after_fills(...)`; `contracts` (exposure, rounding,
   minimums); `pnl` (spot / perp / combined P&L).

Shared value types live in `model`.
"""
