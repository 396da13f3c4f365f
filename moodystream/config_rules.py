"""Rules about a deployment that the settings apply to the environment and the apps apply at
run time, written once as plain functions (no Django, nothing imported): where the Spotify
credentials come from, and which sign-in modes exist and which a deployment offers.

They live in the project package because ``settings.py`` needs them, and settings import no app.
"""

from __future__ import annotations

from collections.abc import Sequence

OPERATOR_MODE = "operator"
OWN_APP_MODE = "own-app"
SIGN_IN_MODES = (OPERATOR_MODE, OWN_APP_MODE)


def credentials_from_secret(*, is_production: bool, secret_name: str, demo_mode: bool) -> bool:
    """Whether the Spotify app and Django's key come from the Secrets Manager secret.

    Always in production (a missing secret name is then reported as unavailable), locally when
    a secret name is given; never in demo mode.
    """
    return (is_production or bool(secret_name)) and not demo_mode


def check_sign_in_modes(modes: Sequence[str]) -> tuple[str, ...]:
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
    modes: Sequence[str], has_operator_credentials: bool
) -> tuple[str, ...]:
    """The sign-in modes a deployment offers.

    No choice means both when the operator has Spotify credentials, else own-app. The operator
    mode needs those credentials; without them it cannot work and is left out, and a deployment
    left with nothing offers own-app (the one way in that needs no credentials of ours).
    """
    chosen = check_sign_in_modes(modes) or SIGN_IN_MODES
    offered = tuple(m for m in chosen if m != OPERATOR_MODE or has_operator_credentials)
    return offered or (OWN_APP_MODE,)
