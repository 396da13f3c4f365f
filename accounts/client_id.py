"""What a Spotify Client ID looks like, for signing in with a listener's own Spotify app.

Since February 2026 a Development Mode app serves its owner and at most four more allow-listed
accounts, so a listener outside the operator's five registers a free app of their own and signs
in with its Client ID alone (a public value: PKCE, no secret). One rule for the web page and
the terminal command, as plain typed functions (no Django). Which sign-in modes exist is a
deployment rule: ``moodystream.config_rules``.
"""

from __future__ import annotations

import re

#: Spotify Client IDs are 32 hexadecimal characters (shown lower-case on the dashboard).
CLIENT_ID_LENGTH = 32
_HEX = re.compile(r"[0-9a-f]+")


class InvalidClientId(ValueError):
    """Text that cannot be a Spotify Client ID; ``str(exc)`` says what is wrong, for the user."""


def parse_client_id(text: str) -> str:
    """The Client ID in ``text`` (spaces around it ignored, lower-cased), or InvalidClientId."""
    value = text.strip().lower()
    if not value:
        raise InvalidClientId("Paste the Client ID of your Spotify app.")
    if not _HEX.fullmatch(value):
        raise InvalidClientId(
            "A Client ID has only the digits 0-9 and the letters a-f. Copy it from your app's "
            "page in the Spotify developer dashboard (not the client secret, not the app name)."
        )
    if len(value) != CLIENT_ID_LENGTH:
        raise InvalidClientId(
            f"A Client ID is {CLIENT_ID_LENGTH} characters long; this one has {len(value)}. "
            "Copy it again from your app's page in the Spotify developer dashboard."
        )
    return value


def short_client_id(client_id: str) -> str:
    """The end of a Client ID, enough for a person to recognise their app on a page."""
    return "…" + client_id[-6:]
