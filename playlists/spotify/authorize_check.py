"""Ask Spotify's accounts service, before sending a listener there, whether it will take them.

Spotify answers an ``/authorize`` request for an unknown Client ID or an unregistered redirect
URI with its own error page ("INVALID_CLIENT: ..."), and the listener never comes back to us.
For a listener's own app those are the likely mistakes (a Client ID copied wrongly, a redirect
URI not added), so the own-app sign-in opens the same authorize URL first, without following
redirects, and reads the verdict. Anything it does not recognise (a redirect to the login page,
a time-out, a new page layout) counts as "no problem found": the listener is then sent on as
usual, so this check can only add a clear page, never block a sign-in that would work.
"""

from __future__ import annotations

import enum
import logging

import requests

logger = logging.getLogger(__name__)

_TIMEOUT_SECONDS = 4.0


class AuthorizeProblem(enum.Enum):
    UNKNOWN_CLIENT = "INVALID_CLIENT: Invalid client"
    REDIRECT_URI_NOT_REGISTERED = "INVALID_CLIENT: Invalid redirect URI"
    INSECURE_REDIRECT_URI = "INVALID_CLIENT: Insecure redirect URI"
    ILLEGAL_SCOPE = "Illegal scope"


def authorize_problem(
    authorize_url: str, *, session: requests.Session | None = None
) -> AuthorizeProblem | None:
    """The error Spotify's page would show for ``authorize_url``, or None if none is seen."""
    http = session or requests
    try:
        response = http.get(authorize_url, allow_redirects=False, timeout=_TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        logger.info("authorize check skipped: %s", type(exc).__name__)
        return None
    if response.is_redirect:
        return None  # on to the login or consent page: Spotify accepts the request
    text = response.text[:20_000]
    for problem in AuthorizeProblem:
        if problem.value in text:
            return problem
    return None
