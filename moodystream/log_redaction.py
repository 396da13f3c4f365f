"""A logging filter that keeps credentials out of every log line (installed by settings.LOGGING).

The app never logs tokens on purpose; this filter is the safety net for what libraries and the
development server log on their own (for example the OAuth callback's ``?code=`` in an access
log line).
"""

from __future__ import annotations

import logging
import re

_PATTERNS = [
    # query-string or form values
    re.compile(
        r"(?P<key>\b(?:code|state|code_verifier|access_token|refresh_token|client_secret|"
        r"token)=)[^&\s\"']+",
        re.IGNORECASE,
    ),
    # JSON values
    re.compile(
        r"(?P<key>\"(?:access_token|refresh_token|client_secret|code_verifier|"
        r"SPOTIFY_CLIENT_SECRET|SPOTIPY_CLIENT_SECRET|DJANGO_SECRET_KEY)\"\s*:\s*)\"[^\"]*\"",
        re.IGNORECASE,
    ),
    # Authorization headers
    re.compile(r"(?P<key>\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE),
]

REDACTED = "[redacted]"


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: match.group("key") + REDACTED, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrite the formatted message with secret values replaced by ``[redacted]``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
