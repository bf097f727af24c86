"""Notification URLs never reach logs: only the scheme survives redaction."""

from __future__ import annotations

import pytest

from bot.notify.redact import redact_text, redact_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("tgram://123456:ABCdef/987654", "tgram://***"),
        ("discord://webhook_id/webhook_token", "discord://***"),
        ("mailto://user:password@example.com", "mailto://***"),
        ("json://127.0.0.1:8080/", "json://***"),
        ("not a url", "***"),
        ("bad scheme!://x", "***"),
    ],
)
def test_redact_url_keeps_only_the_scheme(url: str, expected: str) -> None:
    """Every part after the scheme is hidden, whatever the service."""
    assert redact_url(url) == expected


def test_redact_text_hides_urls_and_their_parts() -> None:
    """An error message quoting a URL or just its token loses both."""
    url = "tgram://123456:ABCdefSECRET/987654321"
    text = f"failed to post to {url}; bot ABCdefSECRET refused"
    out = redact_text(text, [url])
    assert "ABCdefSECRET" not in out and "987654321" not in out
    assert "tgram://***" in out
