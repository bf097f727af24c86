"""DNS-rebinding protection: a browser's request must name a host this API answers to.

A page on another site can point its own DNS name at 127.0.0.1 and make the operator's browser
(on the VPS, or through an SSH tunnel) read the API under that foreign name: the browser then
treats the answers as the other site's own and hands them to its script. The token and the
same-origin check already stop writes; this stops the reads (positions, margin, journal
history). A request whose Host is not an IP literal, `localhost` (or `*.localhost`), the bind
address, or one of `api.allowed_hosts` is refused with 421 — but only when a browser sent it
(it carries `Sec-Fetch-Site` or `Origin`): Prometheus scraping `bot:8080`, healthchecks, curl
and the CLI never do, and keep working under any name.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from bot.api.jsonio import error_response

__all__ = ["allowed_host", "host_check", "host_name"]

log = structlog.get_logger("bot.api")


def host_name(host_header: str) -> str:
    """The name part of a Host header, lower-cased: 'Example.org:8080' → 'example.org',
    '[::1]:8080' → '::1'."""
    text = host_header.strip().lower()
    if text.startswith("["):
        return text[1:].split("]", 1)[0]
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


def allowed_host(name: str, extra: Iterable[str]) -> bool:
    """Whether a browser may reach the API under host `name` (see the module docstring)."""
    if name == "localhost" or name.endswith(".localhost") or name in extra:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_check(hosts: Iterable[str]) -> Middleware:
    """The middleware refusing browser requests under a host not in `hosts` (nor an IP
    literal or localhost)."""
    extra = frozenset(host_name(h) for h in hosts if h)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        browser = "Sec-Fetch-Site" in request.headers or "Origin" in request.headers
        name = host_name(request.headers.get("Host", ""))
        if browser and not allowed_host(name, extra):
            log.warning("api.host_refused", path=request.path, host=name, peer=request.remote)
            return error_response(
                421,
                f"this API does not answer to host {name!r} (a page elsewhere may have pointed"
                " its name at this machine); to reach it under that name, add it to"
                " api.allowed_hosts",
            )
        return await handler(request)

    return middleware
