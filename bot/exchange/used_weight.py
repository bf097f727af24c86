"""The request weight the venue says this key (or IP) used in the current minute.

Binance sends `X-MBX-USED-WEIGHT-1M` on every response; each API family keeps its own budget
(USDⓈ-M /fapi 2,400 per minute, COIN-M /dapi 2,400, spot /api 6,000), so the figure is kept
per family. `watch_used_weight` hooks ccxt's `on_rest_response` (called with the URL and the
headers of every response, before parsing), which tells the families apart even when requests
run concurrently; `last_response_headers` alone could not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["HEADER", "UsedWeight", "api_family", "watch_used_weight"]

HEADER = "x-mbx-used-weight-1m"
_FAMILIES = (("/fapi/", "usdm"), ("/dapi/", "coinm"), ("/sapi/", "sapi"), ("/api/", "spot"))


def api_family(url: str) -> str | None:
    """'usdm', 'coinm', 'sapi' or 'spot' for a Binance request URL; None for anything else."""
    for marker, family in _FAMILIES:
        if marker in url:
            return family
    return None


def _header_weight(headers: Mapping[str, Any]) -> int | None:
    for name, value in headers.items():
        if str(name).lower() == HEADER:
            try:
                return int(str(value).split(",")[-1].strip())
            except ValueError:
                return None
    return None


class UsedWeight:
    """Latest used weight per API family, as the venue last reported it (0 = not seen yet).
    `clock_ms` stamps each reading so a stale figure can be told apart."""

    def __init__(self, clock_ms: Callable[[], int]) -> None:
        self._clock_ms = clock_ms
        self._seen: dict[str, tuple[int, int]] = {}

    def note(self, url: str, headers: Mapping[str, Any]) -> None:
        """Keep the weight a response at `url` reported (responses without it are ignored)."""
        family = api_family(url)
        weight = _header_weight(headers)
        if family is not None and weight is not None:
            self._seen[family] = (weight, self._clock_ms())

    def by_family(self, *, max_age_ms: int = 60_000) -> dict[str, int]:
        """family → used weight, readings older than `max_age_ms` left out (the venue's
        window is one minute: an older figure says nothing about now)."""
        now = self._clock_ms()
        return {f: w for f, (w, at) in self._seen.items() if now - at <= max_age_ms}


def watch_used_weight(client: Any, used: UsedWeight) -> None:
    """Wrap `client.on_rest_response` (per instance) so every response's header is noted."""
    original = client.on_rest_response

    def hook(
        code: Any, reason: Any, url: str, method: Any, headers: Any, body: Any, *rest: Any
    ) -> Any:
        if isinstance(headers, Mapping):
            used.note(str(url), headers)
        return original(code, reason, url, method, headers, body, *rest)

    client.on_rest_response = hook
