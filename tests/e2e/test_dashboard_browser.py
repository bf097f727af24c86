"""The dashboard in a real headless Chromium, on the real daemon running against the simulator:
figures match /status, a deposit moves the ratio on screen, pause/resume with the token, phone
and desktop widths, and a clear banner when the daemon stops answering.

Screenshots go to the test's tmp dir; with HEDGEBOT_SCREENSHOTS=1 they are written to
docs/img/dashboard.png and docs/img/dashboard-mobile.png (what the README shows).
Tests run in file order on one daemon; the last one stops it.
"""

from __future__ import annotations

import json
import math
import os
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .browser import Page, headless_chromium
from .fake_api import fake_api
from .harness import E2E, DaemonProcess, InProcessSim, hedge_entry, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

TOKEN = "dashboard-e2e-token-7f3a9c"
BTC, ETH = "BTC/USDT:USDT", "ETH/USDT:USDT"
REPO = Path(__file__).resolve().parents[2]
BAND = Decimal("0.02")

_CARD_JS = """
const card = document.querySelector(`article[data-hedge="${arguments[0]}"]`);
if (!card) return null;
const out = {};
for (const node of card.querySelectorAll("[data-field]")) {
  out[node.dataset.field] = {value: node.dataset.value ?? null, text: node.textContent,
                             state: node.dataset.state ?? null};
}
return out;
"""
# /status key shown by each card field (the short is perp_base when the engine reports it)
_FIELDS = {
    "spot": "spot",
    "ratio": "ratio",
    "target": "target",
    "mark": "mark",
    "margin_ratio": "margin_ratio",
    "liquidation_price": "liquidation_price",
    "liquidation_distance": "liquidation_distance",
    "funding_total": "funding_total",
}


@dataclass
class Stack:
    sim: InProcessSim
    daemon: DaemonProcess
    url: str
    page: Page


def _status(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/status", timeout=5) as response:
        return dict(json.load(response))


def _as_attr(value: Any) -> str:
    return "" if value is None else str(value)


def _settled(sim: InProcessSim, asset: str, symbol: str, target: str) -> bool:
    ratio = sim.ratio(asset, symbol)
    return (
        ratio is not None and abs(ratio - Decimal(target)) <= BAND and not sim.open_orders(symbol)
    )


def _walk_prices(sim: InProcessSim, steps: int = 24) -> None:
    """A gentle deterministic price path so the charts have something to show."""
    base = {s: sim.price(s) for s in ("BTCUSDT", "ETHUSDT")}
    for i in range(steps):
        for symbol, start in base.items():
            move = Decimal(str(round(0.012 * math.sin(i / 3.5) + 0.004 * math.sin(i * 1.7), 5)))
            sim.set_price(symbol, (start * (1 + move)).quantize(Decimal("0.1")))
        time.sleep(0.45)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Chromium, the simulator and `hedgebot run` with an API token, both hedges built."""
    page = headless_chromium()  # skips before anything starts when there is no browser
    e2e = E2E(tmp_path_factory.mktemp("dashboard"))
    try:
        sim = e2e.still_sim(seed=11)
        sim.set_balance("USDT", 300_000, wallet="usdm")  # collateral for the deposit later
        hedges = {"BTC": hedge_entry("BTC", 1.0), "ETH": hedge_entry("ETH", 0.5)}
        daemon = e2e.daemon(e2e.config(sim.url, hedges), env={"HEDGEBOT_API_TOKEN": TOKEN})
        url = daemon.api_url()
        with sim.auto_fill():
            for asset, symbol, target in (("BTC", BTC, "1.0"), ("ETH", ETH, "0.5")):
                wait_until(lambda a=asset, s=symbol, t=target: _settled(sim, a, s, t), 40,
                           what=f"{asset} hedged", diagnostics=daemon.diagnostics)  # fmt: skip
            _walk_prices(sim)
        page.driver.get(f"{url}/")
        yield Stack(sim, daemon, url, page)
    finally:
        page.driver.quit()
        e2e.close()


def _card(page: Page, hedge: str) -> dict[str, dict[str, Any]] | None:
    card = page.js(_CARD_JS, hedge)
    return None if card is None else dict(card)


def _mismatches(page: Page, url: str) -> list[str]:
    """Card figures that differ from a fresh /status (empty when the page is up to date)."""
    status = _status(url)
    wrong = []
    for name, hedge in status["hedges"].items():
        card = _card(page, name)
        if card is None:
            return [f"no card for {name}"]
        expected = {field: hedge.get(key) for field, key in _FIELDS.items()}
        expected["short"] = hedge.get("perp_base", hedge.get("perp"))
        for field, value in expected.items():
            if card[field]["value"] != _as_attr(value):
                wrong.append(f"{name}.{field}: page {card[field]['value']!r} vs {value!r}")
    return wrong


def _wait_in_sync(page: Page, url: str) -> None:
    last: list[str] = []

    def in_sync() -> bool:
        last[:] = _mismatches(page, url)
        return not last

    try:
        page.wait(in_sync, 20, "the cards to match /status")
    except AssertionError as exc:
        raise AssertionError(f"{exc}: {last}") from None


def test_cards_show_the_figures_of_status(stack: Stack) -> None:
    """Every hedge card shows /status's spot, short, ratio, target, margin, liquidation and
    funding, formatted for people, in state ok, and the page runs with no CSP violation."""
    page = stack.page
    _wait_in_sync(page, stack.url)
    status = _status(stack.url)
    for name, hedge in status["hedges"].items():
        card = _card(page, name)
        assert card is not None
        assert card["ratio"]["text"] == f"{Decimal(hedge['ratio']) * 100:.1f} %"
        assert card["target"]["text"] == f"{Decimal(hedge['target']) * 100:.1f} %"
        assert card["state"]["state"] == "ok"
        assert (
            card["target_reason"]["text"]
            == hedge["target_reason"]
            == "target_ratio " + str(Decimal(hedge["target"]).normalize())
        )
        assert hedge["liquidation_price"] is not None, "the simulator reports a liquidation price"
        grade = hedge["risk_grade"]
        assert card["liquidation_distance"]["text"].endswith(grade.replace("_", " "))
    breaker = page.js("return document.querySelector('tr[data-account=main] [data-field=breaker]')"
                      "?.textContent")  # fmt: skip
    assert breaker == status["accounts"]["main"]["breaker"]
    assert page.js("return document.querySelectorAll('.parts').length") == 0, (
        "a hedge on its own coin, in one spot wallet, not rolling, gets no extra lines"
    )
    assert page.console_errors() == []


def _chart_last_t(page: Page) -> float:
    """Time (epoch s) of the newest point the ratio chart draws, 0 before it is drawn."""
    return float(page.js("return Number(document.querySelector('#ratio-chart')"
                         "?.dataset.last || 0)"))  # fmt: skip


def test_ratio_on_screen_follows_a_spot_deposit(stack: Stack) -> None:
    """A spot deposit drops BTC's ratio on screen to what /status says; once the new short
    fills, the page shows the ratio back at target, and its chart and action list hold it."""
    page, sim = stack.page, stack.sim
    spot = sim.spot("BTC")
    sim.set_balance("BTC", spot + 1)  # 2 → 3 BTC: ratio 1.0 → 0.67 until the short grows
    expected = (-sim.position(BTC) / (spot + 1)).quantize(Decimal("0.001"))
    page.wait(lambda: (c := _card(page, "BTC")) and c["ratio"]["value"]
              and abs(Decimal(c["ratio"]["value"]) - expected) < Decimal("0.01"),
              20, f"BTC's ratio near {expected} on screen")  # fmt: skip
    _wait_in_sync(page, stack.url)
    with sim.auto_fill():
        page.wait(lambda: abs(Decimal(_card(page, "BTC")["ratio"]["value"]) - 1) <= BAND,  # type: ignore[index]
                  40, "BTC's ratio back at target on screen")  # fmt: skip
    back_at = time.time()
    page.wait(lambda: _chart_last_t(page) >= back_at - 1, 20, "the chart to reach the refill")
    with urllib.request.urlopen(f"{stack.url}/history?hedge=BTC&since=1h", timeout=5) as r:
        ratios = [Decimal(v) for v in json.load(r)["series"]["ratio"] if v is not None]
    built = next(i for i, v in enumerate(ratios) if abs(v - 1) <= BAND)
    assert any(abs(v - expected) < Decimal("0.02") for v in ratios[built:]), ratios
    assert abs(ratios[-1] - 1) <= BAND, ratios
    _assert_pnl_with_fees(page, stack.url)
    page.wait(lambda: any(a.startswith("sell 1") for a in page.js(
        "return [...document.querySelectorAll('#actions .action-text')].map(n => n.textContent)")),
        20, "the deposit's sell in the action list")  # fmt: skip


def _assert_pnl_with_fees(page: Page, url: str) -> None:
    """The P&L chart is in USDT and plots the fees the fills paid (from /history) beside spot,
    perp, funding and the total; the note under it says what the figures are."""
    with urllib.request.urlopen(f"{url}/history?hedge=BTC&since=1h", timeout=5) as r:
        pnl = json.load(r)["pnl"]
    assert pnl["currency"] == "USDT" and pnl["problem"] is None
    assert Decimal(pnl["fees"][-1]) > 0, "the simulator charges a fee on every fill"
    labels = "return [...document.querySelectorAll('#pnl-chart .legend li > span:nth-child(2)')]"
    legend = page.wait(lambda: page.js(f"{labels}.map(n => n.textContent)"), 10, "the P&L legend")
    assert legend == ["spot", "perp", "funding", "fees paid", "total"]
    assert page.js("return document.querySelector('#pnl-chart h3').textContent") == "P&L (USDT)"
    assert "fees" in page.js("return document.getElementById('pnl-basis').textContent")


def _shot_path(tmp: Path, name: str) -> Path:
    if os.environ.get("HEDGEBOT_SCREENSHOTS") == "1":
        return REPO / "docs" / "img" / name
    return tmp / name


@pytest.mark.parametrize("width", [375, 1440])
def test_page_fits_phone_and_desktop_widths(stack: Stack, width: int, tmp_path: Path) -> None:
    """At 375 px the cards stack in one column, at 1,440 px they sit side by side; nothing
    overflows sideways, the charts fit their slots, and a full-page screenshot is taken."""
    page = stack.page
    page.viewport(width)
    page.wait(lambda: page.js("return document.body.dataset.ready") == "yes", 10, "the page")
    page.wait(lambda: page.js("return document.documentElement.scrollWidth") <= width, 10,
              f"no horizontal overflow at {width} px")  # fmt: skip
    page.wait(page.charts_fit, 10, f"the charts redrawn for {width} px")
    rects = page.js("return [...document.querySelectorAll('article.card, .chart-slot svg')]"
                    ".map(n => n.getBoundingClientRect().toJSON())")  # fmt: skip
    assert rects and all(r["left"] >= 0 and r["right"] <= width + 0.5 for r in rects), rects
    btc, eth = (page.js(f"return document.querySelector('article[data-hedge={n}]')"
                        ".getBoundingClientRect().toJSON()") for n in ("BTC", "ETH"))  # fmt: skip
    if width < 600:
        assert btc["left"] == eth["left"] and eth["top"] >= btc["bottom"], (btc, eth)
    else:
        assert btc["top"] == eth["top"] and eth["left"] >= btc["right"], (btc, eth)
    name = "dashboard.png" if width >= 1000 else "dashboard-mobile.png"
    path = _shot_path(tmp_path, name)
    page.screenshot(path, width)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 20_000
    page.viewport(1440)


def _click(page: Page, selector: str) -> None:
    page.wait(lambda: page.js(f"return !!document.querySelector({selector!r})"), 10, selector)
    page.js(f"document.querySelector({selector!r}).click()")


def _submit_token(page: Page, token: str) -> None:
    from selenium.webdriver.common.by import By

    page.wait(lambda: page.js("return document.getElementById('token-dialog').open"), 10,
              "the token dialog")  # fmt: skip
    page.driver.find_element(By.ID, "token-input").send_keys(token)
    page.driver.find_element(By.ID, "token-submit").click()


def _toast(page: Page, part: str) -> str:
    return str(page.wait(lambda: (t := page.js("return document.getElementById('toast')"
                                               ".textContent")) and part in t and t,
                         10, f"the daemon's answer saying {part!r}"))  # fmt: skip


def test_pause_and_resume_a_hedge_with_the_token(stack: Stack) -> None:
    """Pause asks for the token; a wrong one shows the daemon's refusal, the right one pauses
    BTC (and only BTC) on the daemon and on screen; resume reuses the tab's token."""
    page = stack.page
    page.js("sessionStorage.clear()")
    _click(page, "button[data-action=pause][data-hedge=BTC]")
    _submit_token(page, "not-the-token")
    assert "wrong bearer token" in _toast(page, "refused (HTTP 401)")
    assert _status(stack.url)["hedges"]["BTC"]["paused"] is False
    assert page.js("return sessionStorage.getItem('hedgebot.token')") is None

    _click(page, "button[data-action=pause][data-hedge=BTC]")
    _submit_token(page, TOKEN)
    _toast(page, "pause BTC: done")
    page.wait(lambda: _card(page, "BTC")["state"]["state"] == "paused", 10, "BTC paused")  # type: ignore[index]
    status = _status(stack.url)["hedges"]
    assert (status["BTC"]["paused"], status["BTC"]["pause_reason"]) == (True, "operator")
    assert status["ETH"]["paused"] is False and _card(page, "ETH")["state"]["state"] == "ok"  # type: ignore[index]
    assert page.js("return sessionStorage.getItem('hedgebot.token')") == TOKEN
    assert page.js("return localStorage.length") == 0 and page.driver.get_cookies() == []

    _click(page, "button[data-action=resume][data-hedge=BTC]")
    assert not page.js("return document.getElementById('token-dialog').open")
    _toast(page, "resume BTC: done")
    page.wait(lambda: _card(page, "BTC")["state"]["state"] == "ok", 10, "BTC trading again")  # type: ignore[index]
    assert _status(stack.url)["hedges"]["BTC"]["paused"] is False
    assert TOKEN not in page.driver.page_source, "the token never lands in the page"
    unexpected = [e for e in page.console_errors() if "status of 401" not in e]
    assert unexpected == [], "only the refused wrong token is logged by the browser"


def _hedge(**fields: Any) -> dict[str, Any]:
    base = {
        "spot": "2",
        "perp": "-2",
        "ratio": "1",
        "target": "1",
        "band": "0.02",
        "margin_ratio": "0.01",
        "liquidation_price": "97000",
        "liquidation_distance": "0.48",
        "funding_total": "0",
        "paused": False,
        "pause_reason": None,
        "risk_grade": "ok",
    }
    return base | fields


_STATES = {
    "OK": (_hedge(), "ok", "ok"),
    "OPS": (_hedge(paused=True, pause_reason="operator"), "paused", "paused"),
    "KILL": (_hedge(paused=True, pause_reason="kill switch"), "paused", "paused · kill switch"),
    "STALE": (_hedge(paused=True, pause_reason="position read 40 s ago"), "data", "data paused"),
    "RISK": (
        _hedge(risk_grade="top_up", liquidation_distance="0.09", risk_hold=True),
        "risk",
        "risk hold",
    ),
    "HELD": (
        _hedge(risk_grade="warn", liquidation_distance="0.22", risk_hold=True),
        "risk",
        "risk hold",
    ),
    "WARN": (_hedge(risk_grade="warn", liquidation_distance="0.22", risk_hold=False), "ok", "ok"),
}


def test_states_banners_and_no_buttons_without_a_token(stack: Stack) -> None:
    """Each hedge state gets its own badge (ok / paused / data paused / risk hold, the last
    from /status's `risk_hold`, not the grade; distance coloured by grade); `"dry_run": true`
    shows the DRY RUN banner; a daemon without a token gets no pause/resume buttons and the
    page says how to enable them."""
    page = stack.page
    status = {
        "version": "0.1.0",
        "started_at": time.time() - 60,
        "paused": False,
        "dry_run": True,
        "hedges": {n: h for n, (h, _, _) in _STATES.items()},
        "accounts": {"main": {"exchange": "binance", "mode": "sim", "breaker": "closed"}},
    }
    with fake_api(status, token=None) as url:
        page.driver.get(f"{url}/")
        page.wait(lambda: page.js("return document.body.dataset.ready") == "yes", 10, "the page")
        for name, (_hedge_status, state, label) in _STATES.items():
            card = page.wait(lambda n=name: _card(page, n), 10, f"the {name} card")
            assert (card["state"]["state"], card["state"]["text"]) == (state, label), name
        risk = page.js("return document.querySelector('article[data-hedge=RISK] "
                       "[data-field=liquidation_distance]').className")  # fmt: skip
        assert "risk-top_up" in risk
        assert page.js("return document.querySelectorAll('button[data-action]').length") == 0
        page.wait(lambda: page.js("return !document.getElementById('controls-hint').hidden"), 10,
                  "the hint")  # fmt: skip
        hint = page.js("return document.getElementById('controls-hint').textContent")
        assert "HEDGEBOT_API_TOKEN" in hint
        assert page.js("return !document.getElementById('banner-dry').hidden")
        assert "DRY RUN" in page.js("return document.getElementById('banner-dry').textContent")
    page.driver.get(f"{stack.url}/")
    page.wait(lambda: page.js("return document.body.dataset.ready") == "yes", 10, "the page")
    assert page.js("return document.getElementById('banner-dry').hidden")


_PARTS_STATUS = {
    "version": "0.1.0",
    "started_at": 1_700_000_000.0,
    "hedges": {
        "SOL": _hedge(
            holding="12 SOL main spot + 30.5 SOL cold wallet",
            holding_parts={"main spot": "12", "cold wallet": "30.5"},
            beta="1.4213",
            beta_r2="0.9312",
            beta_samples=47,
            beta_text="beta 1.4213 (R² 0.9312, n=47); last fit refused: R² 0.12 below min_r2 0.3",
            beta_source="fitted",
            beta_refused="R² 0.12 below min_r2 0.3",
            basket={
                "members": ["SOL", "XRP", "ADA"],
                "partners": ["XRP", "ADA"],
                "share": "0.2727",
            },
        ),
        "PEPE": _hedge(
            beta="0.8",
            beta_source="fixed",
            holding="5000 PEPE spot",
            holding_parts={"spot": "5000"},
        ),
        "ADA": _hedge(
            beta=None,
            beta_r2="0.05",
            beta_samples=12,
            beta_source="fitted",
            beta_refused="12 returns, 20 needed",
        ),
        "BTC": _hedge(
            roll="rolling BTC/USDT:USDT-261225 → BTC/USDT:USDT-270326 (0.1 of 0.3 moved)",
            roll_legs={"BTC/USDT:USDT-261225": "-2", "BTC/USDT:USDT-270326": "-1"},
            roll_cost="1.2",
        ),
    },
    "accounts": {"main": {"exchange": "binance", "mode": "sim", "breaker": "closed"}},
}


def _fits(page: Page, width: int) -> list[dict[str, float]]:
    """The cards' boxes at `width` once nothing overflows sideways."""
    page.viewport(width)
    page.wait(lambda: page.js("return document.documentElement.scrollWidth") <= width, 10,
              f"no horizontal overflow at {width} px")  # fmt: skip
    return list(page.js("return [...document.querySelectorAll('article.card, .part')]"
                        ".map(n => n.getBoundingClientRect().toJSON())"))  # fmt: skip


def test_cards_show_holding_parts_beta_basket_and_roll(stack: Stack, tmp_path: Path) -> None:
    """A card says where the coins are, the proxy beta (value, R², n, fitted or fixed, and
    "unreliable" while the latest fit is refused), its basket partners and share, and the
    roll in progress, from /status's fields; a plain hedge gets none of these lines; the cards
    still fit 375 px and 1,440 px."""
    page = stack.page
    with fake_api(_PARTS_STATUS, token=None) as url:
        page.driver.get(f"{url}/")
        sol = page.wait(lambda: _card(page, "SOL"), 10, "the SOL card")
        assert sol["holding"]["text"] == "12 SOL main spot + 30.5 SOL cold wallet"
        assert json.loads(sol["holding"]["value"]) == {"main spot": "12", "cold wallet": "30.5"}
        assert sol["beta"]["text"] == "β 1.4213 · R² 0.93 · n=47 · fitted"
        assert sol["beta_unreliable"]["text"] == "unreliable"
        why = page.js("return document.querySelector('article[data-hedge=SOL] "
                      "[data-field=beta_unreliable]').title")  # fmt: skip
        assert why == "latest fit refused: R² 0.12 below min_r2 0.3"
        assert sol["basket"]["text"] == "shares its perp with XRP, ADA · 27.3 % of the position"
        assert "roll" not in sol
        pepe, btc = _card(page, "PEPE"), _card(page, "BTC")
        assert pepe is not None and btc is not None
        assert pepe["beta"]["text"] == "β 0.8 · fixed" and "beta_unreliable" not in pepe
        assert "holding" not in pepe, "a holding in the spot wallet alone needs no line"
        ada = _card(page, "ADA")
        assert ada is not None and ada["beta"]["text"] == "β not estimated yet · R² 0.05 · n=12"
        assert ada["beta_unreliable"]["text"] == "unreliable"
        roll = _PARTS_STATUS["hedges"]["BTC"]["roll"]
        assert btc["roll"]["text"] == f"{roll} · cost +1.20"
        assert not {"holding", "beta", "basket"} & set(btc)
        for width in (375, 1440):
            rects = _fits(page, width)
            assert rects and all(r["left"] >= 0 and r["right"] <= width + 0.5 for r in rects)
        page.screenshot(tmp_path / "parts-mobile.png", 375)
    page.viewport(1440)
    page.driver.get(f"{stack.url}/")
    page.wait(lambda: page.js("return document.body.dataset.ready") == "yes", 10, "the page")


ACCOUNT_READ = "/api/v3/account"  # the spot balances every cycle reads


def test_an_account_read_failure_shows_its_error(stack: Stack) -> None:
    """While the venue answers the account's balance read with HTTP 503, the accounts panel
    shows /status's last error for `main` (the venue's -1001 answer) and its failure count;
    once the fault is cleared the error goes away."""
    page, sim = stack.page, stack.sim
    shown = "return document.querySelector('tr[data-account=main] [data-field=last_error]')" \
            "?.textContent"  # fmt: skip

    def error_on_screen() -> str | None:
        said = _status(stack.url)["accounts"]["main"].get("last_error")
        return said if said and page.js(shown) == said else None

    sim.faults(fail_paths=[ACCOUNT_READ])
    try:
        error = page.wait(error_on_screen, 30, "main's last error on screen")
        assert "-1001" in error and "Internal error" in error, "the venue's own answer"
        failures = page.js(shown.replace("last_error", "failures"))
        assert int(failures) >= 1, failures
    finally:
        sim.faults()
    page.wait(lambda: page.js(shown) == "—", 30, "main's error cleared on screen")


def test_page_says_when_the_daemon_stops_answering(stack: Stack) -> None:
    """After the daemon stops, a banner says it is not answering and since when; the last
    figures stay on screen, dimmed. (Runs last: it stops the daemon.)"""
    page = stack.page
    page.wait(lambda: _card(page, "BTC") is not None, 10, "the cards")
    assert stack.daemon.stop() == 0
    page.wait(lambda: page.js("return !document.getElementById('banner-offline').hidden"), 15,
              "the not-answering banner")  # fmt: skip
    text = page.js("return document.getElementById('banner-offline').textContent")
    assert "not answering since" in text
    assert page.js("return document.getElementById('health').textContent") == "not answering"
    assert page.js("return document.body.classList.contains('offline')")
    assert _card(page, "BTC") is not None, "the last figures stay visible"
