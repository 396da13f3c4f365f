"""Which ways in this deployment offers: the operator's Spotify app, the listener's own, or both.

The rule is ``moodystream.config_rules.offered_sign_in_modes`` (settings check the same names);
this module applies it to the settings and the operator's credentials.
"""

from __future__ import annotations

from django.conf import settings

from moodystream import credentials
from moodystream.config_rules import OPERATOR_MODE, OWN_APP_MODE, offered_sign_in_modes


def has_operator_credentials() -> bool:
    """Whether the operator's Spotify app is configured (in production: in the secret)."""
    if credentials.unavailable() is not None:
        return False  # every page is the 503 page meanwhile; it offers no sign-in
    app = credentials.spotify_app_credentials()
    return bool(app.client_id and app.client_secret)


def sign_in_modes() -> tuple[str, ...]:
    """The ways in this deployment offers (SPOTIFY_SIGN_IN_MODES, given its credentials)."""
    return offered_sign_in_modes(settings.SPOTIFY_SIGN_IN_MODES, has_operator_credentials())


def own_app_enabled() -> bool:
    return OWN_APP_MODE in sign_in_modes()


def operator_sign_in_enabled() -> bool:
    return OPERATOR_MODE in sign_in_modes()
