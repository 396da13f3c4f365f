"""Secrets never reach a log line, whoever logs them."""

from __future__ import annotations

import logging

import pytest

from moodystream.log_redaction import RedactSecretsFilter, redact


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ('"GET /callback/?code=AQBx9secretcode&state=abc123 HTTP/1.1" 302 0', "AQBx9secretcode"),
        ("GET /callback/?state=s3cr3tstate&code=zzz HTTP/1.1", "s3cr3tstate"),
        ('{"access_token": "BQDsecret", "token_type": "Bearer"}', "BQDsecret"),
        ('{"refresh_token":"AQCrefresh"}', "AQCrefresh"),
        ("Authorization: Bearer BQDheaderToken", "BQDheaderToken"),
        ("Authorization: Basic bW9vZHk6c2VjcmV0", "bW9vZHk6c2VjcmV0"),
        ("grant_type=refresh_token&refresh_token=AQCform", "AQCform"),
        ('{"SPOTIPY_CLIENT_SECRET": "topsecret", "x": 1}', "topsecret"),
    ],
)
def test_redact_removes_the_secret(line: str, secret: str) -> None:
    cleaned = redact(line)
    assert secret not in cleaned
    assert "[redacted]" in cleaned


def test_filter_rewrites_formatted_records() -> None:
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s', ("GET /callback/?code=abc", 302),
        None,
    )
    assert RedactSecretsFilter().filter(record)
    assert "abc" not in record.getMessage()
    assert "302" in record.getMessage()
