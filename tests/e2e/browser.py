"""A real headless Chromium for the dashboard's browser tests (selenium + Debian's
chromium-driver, installed by .ci/run). `headless_chromium()` skips with the reason when no
browser or driver is installed; selenium never downloads one (the driver path is explicit)."""

from __future__ import annotations

import base64
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

__all__ = ["Page", "find_browser", "headless_chromium"]

_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_DRIVERS = ("chromedriver", "chromium-driver")
_DRIVER_PATHS = ("/usr/lib/chromium/chromedriver", "/usr/lib/chromium-browser/chromedriver")


def find_browser() -> tuple[str, str] | str:
    """(browser binary, chromedriver) on this machine, or why there is none."""
    browser = next((p for p in map(shutil.which, _BROWSERS) if p), None)
    driver = next((p for p in map(shutil.which, _DRIVERS) if p), None)
    driver = driver or next((p for p in _DRIVER_PATHS if Path(p).is_file()), None)
    if browser is None:
        return "no Chromium found (apt-get install chromium chromium-driver; .ci/run does it)"
    if driver is None:
        return "no chromedriver found (apt-get install chromium-driver; .ci/run does it)"
    return browser, driver


class Page:
    """The driver plus the few page helpers the tests use."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    def viewport(self, width: int, height: int = 900) -> None:
        """Emulate a `width` × `height` CSS-pixel viewport (a phone when narrow)."""
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        )

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def wait(self, condition: Callable[[], Any], timeout: float = 20, what: str = "") -> Any:
        """Poll `condition()` until truthy (its value), else fail naming `what`."""
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait

        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(
                lambda _d: condition()
            )
        except TimeoutException:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}") from None

    def console_errors(self) -> list[str]:
        """SEVERE console entries since the last call (CSP violations land here)."""
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def charts_fit(self) -> bool:
        """True once every chart is drawn for its slot's width (charts redraw on resize)."""
        return bool(self.js(
            "return [...document.querySelectorAll('.chart-slot')].every(slot => {"
            " const svg = slot.querySelector('svg.c-svg'), css = getComputedStyle(slot);"
            " const room = slot.clientWidth - parseFloat(css.paddingLeft)"
            "   - parseFloat(css.paddingRight);"
            " return !svg || (svg.width.baseVal.value <= room + 0.5"
            "   && svg.width.baseVal.value > room - 2); })"
        ))  # fmt: skip

    def screenshot(self, path: Path, width: int) -> None:
        """A full-page PNG of the page at `width` CSS pixels, charts redrawn for that width."""
        self.viewport(width)
        self.wait(self.charts_fit, 10, f"the charts redrawn at {width} px")
        height = int(self.js("return document.documentElement.scrollHeight"))
        self.viewport(width, height)
        self.wait(self.charts_fit, 10, f"the charts redrawn at {width} px")
        path.parent.mkdir(parents=True, exist_ok=True)
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
        path.write_bytes(base64.b64decode(shot["data"]))


def headless_chromium() -> Page:
    """A started headless Chromium (caller quits `page.driver`); skips when none is found."""
    found = find_browser()
    if isinstance(found, str):
        pytest.skip(found)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    browser, driver = found
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--hide-scrollbars", "--no-first-run", "--window-size=1440,900"):  # fmt: skip
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return Page(webdriver.Chrome(service=Service(executable_path=driver), options=options))
