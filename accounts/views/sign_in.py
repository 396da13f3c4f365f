"""Connecting a Spotify account: the Authorization Code flow with PKCE and a session-bound state.

``/login/`` and ``/callback/`` sign in with the operator's app; the own-app views
(``accounts.views.own_app``) start and finish theirs with the same ``await_callback`` and
``finish_sign_in``.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from accounts import demo_emulator, pending_logins
from accounts.session import ConnectedUser, connected_user, disconnect, store_connection
from accounts.sign_in_modes import operator_sign_in_enabled
from accounts.spotify_access import build_gateway, operator_app_for
from playlists.spotify.errors import SpotifyAuthError, SpotifyBadRequest
from playlists.spotify.types import SpotifyApp

if TYPE_CHECKING:
    from playlists.spotify.accounts import SignInRequest  # spotipy: not at start

logger = logging.getLogger(__name__)

SIGNED_OUT = (
    "You are signed out. MoodyStream keeps nothing about you. A copy of this browser's cookie "
    "stops working within 24 hours (7 days at most); to cut off MoodyStream at once everywhere, "
    "remove it from your Spotify account's app list (spotify.com/account/apps)."
)


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("playlists:generator")


@require_safe
def login(request: HttpRequest) -> HttpResponse:
    """Start the flow: remember state + PKCE verifier in the session, send the user to Spotify."""
    if not operator_sign_in_enabled():
        # This deployment signs everyone in with their own Spotify app.
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return HttpResponseRedirect(reverse("playlists:own_app") + query)
    if (to_loopback := demo_emulator.loopback_redirect(request)) is not None:
        return to_loopback
    from playlists.spotify.accounts import start_sign_in  # spotipy: on first use, not at start

    sign_in = start_sign_in(operator_app_for(request), settings.SPOTIFY_SCOPES)
    await_callback(request, sign_in, request.GET.get("next"))
    return HttpResponseRedirect(demo_emulator.for_browser(request, sign_in.url))


def await_callback(
    request: HttpRequest, sign_in: SignInRequest, next_candidate: str | None, client_id: str = ""
) -> None:
    """Keep what the callback needs to finish this sign-in (several may wait: two tabs)."""
    pending_logins.add(
        request.session,
        sign_in.state,
        pending_logins.PendingLogin(
            verifier=sign_in.code_verifier,
            next_url=_safe_next(request, next_candidate),
            started_at=int(time.time()),
            client_id=client_id,
        ),
    )


@require_safe
def callback(request: HttpRequest) -> HttpResponse:
    """Spotify sends the user back here with `code` and our `state` (or with an error)."""
    outcome, pending = pending_logins.take(request.session, request.GET.get("state", ""))
    return finish_sign_in(request, outcome, pending, app=operator_app_for(request))


def finish_sign_in(
    request: HttpRequest,
    outcome: pending_logins.Outcome,
    pending: pending_logins.PendingLogin | None,
    *,
    app: SpotifyApp,
    own_client_id: str = "",
    failure_context: dict[str, Any] | None = None,
) -> HttpResponse:
    """What every sign-in callback does once it knows its pending sign-in (None: not ours):
    refuse what it cannot trust, exchange the code, read the profile, keep the connection.

    ``app`` is the Spotify app the sign-in was started with, ``own_client_id`` its Client ID
    when it is the listener's own ("" for the operator's), ``failure_context`` goes to every
    failure page. A 403 on the profile (allow-list or app-owner refusal) propagates, with no
    connection kept: the caller or the error middleware turns it into a page."""
    label = "own-app" if own_client_id else "OAuth"
    if pending is None:
        if connected_user(request) is not None:
            # Back (or forward) to a finished sign-in: nothing to do, carry on.
            return redirect("playlists:generator")
        # Forged, replayed or stale callback: never exchange the code.
        logger.warning("%s callback rejected: state %s", label, outcome.value)
        template = (
            "auth/too_slow.html"
            if outcome is pending_logins.Outcome.TOO_OLD
            else "auth/state_mismatch.html"
        )
        return render(request, template, failure_context, status=400)

    error = request.GET.get("error")
    if error:
        template = "auth/denied.html" if error == "access_denied" else "auth/failed.html"
        status = 200 if error == "access_denied" else 400
        return render(request, template, failure_context, status=status)

    code = request.GET.get("code", "")
    if not code:
        return render(request, "auth/failed.html", failure_context, status=400)

    from playlists.spotify.accounts import (  # spotipy on first use
        TokenCache,
        UserAuth,
        exchange_code,
    )

    try:
        tokens = exchange_code(app, code, pending.verifier)
    except SpotifyAuthError:
        # invalid_grant: the code was used already, is not one Spotify issued, or has expired.
        logger.warning("%s callback rejected: Spotify refused the code", label)
        return render(request, "auth/code_refused.html", failure_context, status=400)
    except SpotifyBadRequest:
        return render(request, "auth/failed.html", failure_context, status=400)
    # The profile is read with the new tokens themselves; nothing is kept before it answers,
    # so a refusal (allow-list, app owner) or a failure leaves no tokens behind.
    disconnect(request, keep_draft=True)
    api_base_url = demo_emulator.api_base_url(request)
    with UserAuth(app, TokenCache.holding(tokens)) as auth, build_gateway(
        auth, api_base_url=api_base_url
    ) as gateway:
        profile = gateway.current_user()
    user = ConnectedUser(id=profile.id, display_name=profile.display_name or "",
                         account_id=profile.account_id or "")
    store_connection(request, auth.tokens or tokens, user, own_client_id)
    logger.info("Spotify account connected (%s sign-in)", label)
    return redirect(_safe_next(request, pending.next_url))


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    disconnect(request)
    messages.info(request, SIGNED_OUT)
    return redirect("playlists:home")
