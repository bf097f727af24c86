"""The dashboard: GET / (the page), GET /static/<file> (its assets) and GET /controls.

The page and its scripts ship inside the package (bot/api/static/) and are read once when the
app is built; nothing is fetched from anywhere else, so the strict Content-Security-Policy of
bot/api/security.py holds. Only the files found there are served (no path from a request ever
reaches the filesystem). `/controls` tells the page whether pause/resume are enabled — it never
carries the token.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import PurePosixPath

from aiohttp import web

from bot.api.jsonio import error_response, json_response

__all__ = ["TOKEN_HINT", "Asset", "add_dashboard_routes", "load_assets"]

TOKEN_HINT = (
    "Pause and resume are disabled: set HEDGEBOT_API_TOKEN in the daemon's environment "
    "and restart it, then enter the same token here."
)
_CONTENT_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
}


@dataclass(frozen=True, slots=True)
class Asset:
    """One static file: its bytes and Content-Type."""

    body: bytes
    content_type: str


def load_assets() -> dict[str, Asset]:
    """Every servable file of bot/api/static by name ("app.js" → Asset)."""
    root = resources.files("bot.api").joinpath("static")
    assets: dict[str, Asset] = {}
    for entry in root.iterdir():
        kind = _CONTENT_TYPES.get(PurePosixPath(entry.name).suffix)
        if kind is not None and entry.is_file():
            assets[entry.name] = Asset(entry.read_bytes(), kind)
    if "index.html" not in assets:
        raise RuntimeError("the dashboard's index.html is missing from the package")
    return assets


_ASSETS = web.AppKey("dashboard_assets", dict)
_WRITES = web.AppKey("dashboard_writes_enabled", bool)


def _asset_response(asset: Asset) -> web.Response:
    return web.Response(
        body=asset.body,
        content_type=asset.content_type,
        charset="utf-8",
        headers={"Cache-Control": "no-cache"},  # revalidate: an upgrade must not mix versions
    )


async def _index(request: web.Request) -> web.Response:
    return _asset_response(request.app[_ASSETS]["index.html"])


async def _static(request: web.Request) -> web.Response:
    asset = request.app[_ASSETS].get(request.match_info["name"])
    if asset is None:
        return error_response(404, f"no dashboard file {request.match_info['name']!r}")
    return _asset_response(asset)


async def _controls(request: web.Request) -> web.Response:
    enabled = request.app[_WRITES]
    return json_response({"enabled": enabled, "how_to_enable": None if enabled else TOKEN_HINT})


def add_dashboard_routes(app: web.Application, *, writes_enabled: bool) -> None:
    """Register /, /static/{name} and /controls on `app`."""
    app[_ASSETS] = load_assets()
    app[_WRITES] = writes_enabled
    app.router.add_get("/", _index)
    app.router.add_get("/static/{name}", _static)
    app.router.add_get("/controls", _controls)
