"""Keep notification-service credentials out of logs.

Apprise URLs carry secrets in every part (tgram://BOT_TOKEN/CHAT, discord://ID/TOKEN,
mailto://user:password@host, json://user:pass@host/path?token=...), so only the scheme is
ever shown.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["redact_text", "redact_url"]


def redact_url(url: str) -> str:
    """'tgram://123:abc/456' → 'tgram://***'; a string without a scheme → '***'."""
    scheme, sep, _ = url.partition("://")
    if not sep or not scheme.isascii() or not scheme.replace("+", "").isalnum():
        return "***"
    return f"{scheme}://***"


def redact_text(text: str, urls: Iterable[str]) -> str:
    """`text` with every URL in `urls` (and each secret-bearing part of it) replaced."""
    for url in sorted(urls, key=len, reverse=True):
        if url:
            text = text.replace(url, redact_url(url))
            rest = url.partition("://")[2]
            for part in _parts(rest):
                text = text.replace(part, "***")
    return text


def _parts(rest: str) -> list[str]:
    """Pieces of a URL after the scheme long enough to be a credential (>= 6 chars)."""
    pieces: list[str] = []
    for chunk in rest.replace("?", "/").replace("&", "/").replace("@", "/").split("/"):
        for piece in (chunk, *chunk.split(":"), *chunk.split("=")):
            if len(piece) >= 6:
                pieces.append(piece)
    return sorted(set(pieces), key=len, reverse=True)
