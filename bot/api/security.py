"""Browser-facing protections for every API response and every mutating request.

- Every response carries a strict `Content-Security-Policy` (only this origin's own files:
  no CDN, no inline script or style, no frames), `nosniff`, `Referrer-Policy: same-origin`.
- A mutating request (anything but GET/HEAD/OPTIONS) that a browser sends from another site is
  refused with 403 before the token is even looked at, so a page on some other site cannot
  make the operator's browser pause or resume hedges (CSRF). Browsers label such requests with
  `Sec-Fetch-Site` and `Origin`; a request with neither (the CLI, curl) is not a browser's and
  passes on to the token check.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

import structlog
from aiohttp import web

from bot.api.jsonio import error_response

__all__ = ["CSP", "add_security_headers", "cross_site_refusal", "same_origin_only"]

log = structlog.get_logger("bot.api")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def add_security_headers(_request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare` hook: the headers above on every answer, errors included."""
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)


def _origin_of(url: str) -> str | None:
    """'http://host:port' of a URL (lower-cased), None when it has no host."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def cross_site_refusal(request: web.Request) -> str | None:
    """Why a mutating `request` looks cross-site, or None when it may go on to the token check.

    Same origin means the Origin (or Referer) names this server's own Host header; with
    `Sec-Fetch-Site` the browser tells us directly. A reverse proxy must pass the Host on.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site", "").lower()
    if fetch_site == "same-origin":
        return None
    if fetch_site and fetch_site != "none":
        return f"cross-site request refused (Sec-Fetch-Site: {fetch_site})"
    own_host = request.headers.get("Host", request.host).lower()
    own = {f"http://{own_host}", f"https://{own_host}"}
    origin = request.headers.get("Origin")
    if origin is not None:
        if _origin_of(origin) not in own:
            return f"cross-origin request refused (Origin {origin!r} is not this dashboard)"
        return None
    referer = request.headers.get("Referer")
    if referer is not None and _origin_of(referer) not in own:
        return "cross-origin request refused (Referer is not this dashboard)"
    return None


@web.middleware
async def same_origin_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse cross-site mutating requests with 403 (see `cross_site_refusal`)."""
    if request.method not in _SAFE_METHODS:
        reason = cross_site_refusal(request)
        if reason is not None:
            log.warning("api.cross_site_refused", path=request.path, peer=request.remote)
            return error_response(403, reason)
    return await handler(request)
