"""DNS-rebinding protection: a request must name a host this API answers to.

A page on another site can point its own DNS name at 127.0.0.1 and make the operator's browser
(on the VPS, or through an SSH tunnel) read the API under that foreign name: the browser then
treats the answers as the other site's own and hands them to its script. The token and the
same-origin check already stop writes; this stops the reads (positions, margin, journal
history). A browser sends no telling header on such a same-origin GET over plain http
(`Sec-Fetch-*` only goes to trustworthy origins, `Origin` not on a same-origin GET), so the
check is on the Host header of every request: it must be an IP literal, `localhost` (or
`*.localhost`), the bind address, or one of `api.allowed_hosts`, else 421. Only the machine
endpoints `/healthz` and `/metrics` answer under any name (Prometheus scrapes `bot:8080` in
docker compose); they hold no journal history and no secret.
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
_ANY_HOST = frozenset({"/healthz", "/metrics"})  # machine endpoints: scraped under any name


def host_name(host_header: str) -> str:
    """The name part of a Host header, lower-cased: 'Example.org:8080' → 'example.org',
    '[::1]:8080' → '::1'."""
    text = host_header.strip().lower()
    if text.startswith("["):
        return text[1:].split("]", 1)[0]
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


def allowed_host(name: str, extra: Iterable[str]) -> bool:
    """Whether the API answers under host `name` (see the module docstring)."""
    if name == "localhost" or name.endswith(".localhost") or name in extra:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_check(hosts: Iterable[str]) -> Middleware:
    """The middleware refusing requests under a host not in `hosts` (nor an IP literal or
    localhost), except to `/healthz` and `/metrics`."""
    extra = frozenset(host_name(h) for h in hosts if h)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        name = host_name(request.headers.get("Host", ""))
        if request.path not in _ANY_HOST and not allowed_host(name, extra):
            log.warning("api.host_refused", path=request.path, host=name, peer=request.remote)
            return error_response(
                421,
                f"this API does not answer to host {name!r} (a page elsewhere may have pointed"
                " its name at this machine); to reach it under that name, add it to"
                " api.allowed_hosts",
            )
        return await handler(request)

    return middleware
