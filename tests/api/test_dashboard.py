"""The dashboard page and its assets: shipped in the package, strict CSP, nothing external."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from bot.api.dashboard import load_assets
from bot.api.security import CSP
from tests.api.conftest import TOKEN
from tests.api.dashboard_support import ServeDashboard, fetch, serve_dashboard

__all__ = ["serve_dashboard"]

STATIC = Path(__file__).resolve().parents[2] / "bot" / "api" / "static"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"  # an XML namespace name, not a request
_SRC = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")
_IMPORT = re.compile(r"""from\s+["'](\./[^"']+)["']""")


async def test_root_serves_the_page_with_a_strict_csp(serve_dashboard: ServeDashboard) -> None:
    """GET / is the dashboard HTML, with a CSP that allows only this origin and no inline code."""
    api = await serve_dashboard()
    answer = await fetch("GET", f"{api.url}/")
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "<title>hedgebot</title>" in answer.text
    csp = answer.headers["Content-Security-Policy"]
    assert csp == CSP
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in csp and "http" not in csp and "*" not in csp
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/status", "/healthz", "/no-such-page", "/static/nope.js"])
async def test_every_answer_carries_the_csp(serve_dashboard: ServeDashboard, path: str) -> None:
    """JSON answers and 404s carry the same CSP, so no response can run foreign code."""
    api = await serve_dashboard()
    answer = await fetch("GET", f"{api.url}{path}")
    assert answer.headers["Content-Security-Policy"] == CSP


async def test_every_file_the_page_loads_is_served(serve_dashboard: ServeDashboard) -> None:
    """Each src/href of index.html and each JS module import resolves to a served asset."""
    api = await serve_dashboard()
    index = (await fetch("GET", f"{api.url}/")).text
    wanted = set(_SRC.findall(index))
    for js in STATIC.glob("*.js"):
        wanted |= {f"/static/{m[2:]}" for m in _IMPORT.findall(js.read_text())}
    assert {"/static/app.js", "/static/dashboard.css", "/static/charts.js"} <= wanted
    types = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
    for path in sorted(wanted):
        answer = await fetch("GET", f"{api.url}{path}")
        assert answer.status == 200, path
        assert answer.headers["Content-Type"].startswith(types[Path(path).suffix]), path


def test_no_asset_reaches_another_origin() -> None:
    """No shipped file names an external URL (no CDN, fonts or trackers): only the SVG namespace."""
    for path in sorted(STATIC.iterdir()):
        text = path.read_text(encoding="utf-8").replace(SVG_NAMESPACE, "")
        assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", text, re.I), path.name
        for ref in _SRC.findall(text):
            assert ref.startswith("/static/"), (path.name, ref)


def test_page_has_no_inline_script_style_or_handlers() -> None:
    """index.html keeps every script and style in files, so 'unsafe-inline' is never needed."""
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert "<style" not in html
    assert not re.search(r"\sstyle\s*=", html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert "javascript:" not in html


def test_scripts_never_write_html_or_eval() -> None:
    """The scripts build the DOM from text nodes only: daemon strings can never become markup."""
    for js in sorted(STATIC.glob("*.js")):
        text = js.read_text(encoding="utf-8")
        for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                       "eval(", "new Function", "setAttribute(\"style\""):  # fmt: skip
            assert banned not in text, (js.name, banned)


@pytest.mark.parametrize("name", ["../server.py", "..%2Fserver.py", "%2e%2e/ports.py", "x.py"])
async def test_static_serves_only_shipped_files(serve_dashboard: ServeDashboard, name: str) -> None:
    """Paths outside the shipped assets are 404, never a file from elsewhere in the package."""
    api = await serve_dashboard()
    answer = await fetch("GET", f"{api.url}/static/{name}")
    assert answer.status == 404
    assert "import" not in answer.text


def test_package_data_ships_every_static_file() -> None:
    """pyproject's package-data globs cover every dashboard file, so a wheel has the page."""
    config = tomllib.loads((STATIC.parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["bot"]
    for path in STATIC.iterdir():
        relative = path.relative_to(STATIC.parents[1]).as_posix()
        assert any(fnmatch(relative, g) for g in globs), relative
    assert set(load_assets()) == {p.name for p in STATIC.iterdir()}


async def test_controls_say_writes_are_enabled_without_the_token(
    serve_dashboard: ServeDashboard,
) -> None:
    """With a token configured /controls says so, and never contains the token itself."""
    api = await serve_dashboard(token=TOKEN)
    answer = await fetch("GET", f"{api.url}/controls")
    assert answer.json() == {"enabled": True, "how_to_enable": None}
    assert TOKEN not in answer.text


async def test_controls_say_how_to_enable_writes(serve_dashboard: ServeDashboard) -> None:
    """Without a token /controls says writes are off and how to turn them on."""
    api = await serve_dashboard(token=None)
    body = (await fetch("GET", f"{api.url}/controls")).json()
    assert body["enabled"] is False
    assert "HEDGEBOT_API_TOKEN" in body["how_to_enable"]


async def test_nothing_the_page_loads_contains_the_token(serve_dashboard: ServeDashboard) -> None:
    """The page, its assets and every document it polls are free of the API token."""
    api = await serve_dashboard(token=TOKEN)
    paths = ["/", "/controls", "/status", "/alerts", "/healthz", "/history?hedge=BTC"]
    paths += [f"/static/{p.name}" for p in STATIC.iterdir()]
    for path in paths:
        answer = await fetch("GET", f"{api.url}{path}")
        assert TOKEN not in answer.text, path
        assert all(TOKEN not in v for v in answer.headers.values()), path
