"""Rules for signing in with a listener's own Spotify app (the "bring your own app" path).

Since February 2026 a Development Mode app serves its owner and at most four more allow-listed
accounts, so a listener outside the operator's five registers a free app of their own and signs
in with its Client ID alone (a public value: PKCE, no secret). One rule for the web page and
the terminal command: what a Client ID looks like, and which sign-in modes exist.
"""

from __future__ import annotations

import re

OPERATOR_MODE = "operator"
OWN_APP_MODE = "own-app"
SIGN_IN_MODES = (OPERATOR_MODE, OWN_APP_MODE)

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


def check_sign_in_modes(modes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The modes named in SPOTIFY_SIGN_IN_MODES, normalised; ValueError for an unknown one."""
    chosen = tuple(dict.fromkeys(m.strip().lower() for m in modes if m.strip()))
    unknown = [m for m in chosen if m not in SIGN_IN_MODES]
    if unknown:
        raise ValueError(
            f"unknown sign-in mode {unknown[0]!r}; use {OPERATOR_MODE!r}, {OWN_APP_MODE!r} "
            "or both, separated by a comma"
        )
    return tuple(m for m in SIGN_IN_MODES if m in chosen)


def offered_sign_in_modes(
    modes: list[str] | tuple[str, ...], has_operator_credentials: bool
) -> tuple[str, ...]:
    """The sign-in modes a deployment offers.

    No choice means both when the operator has Spotify credentials, else own-app. The operator
    mode needs those credentials; without them it cannot work and is left out, and a deployment
    left with nothing offers own-app (the one way in that needs no credentials of ours).
    """
    chosen = check_sign_in_modes(modes) or SIGN_IN_MODES
    offered = tuple(m for m in chosen if m != OPERATOR_MODE or has_operator_credentials)
    return offered or (OWN_APP_MODE,)
