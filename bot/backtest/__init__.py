"""Backtest: replay real candle history through the daemon's own domain code.

This package holds what the replay loop stands on: candle data loading (`feed`, `discover`),
the fill model (`fills`), the per-step series the loop emits (`series`), its metrics
(`metrics`), the outputs (`render`, `report_html`, `plots`) and parameter sweeps (`sweep`).
It imports `bot.domain` only (never ccxt, never the simulator).
"""
