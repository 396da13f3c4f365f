"""Connecting a Spotify account: the Authorization Code flow with PKCE and a session-bound state."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from playlists import pending_logins
from playlists.connection import (
    ConnectedUser,
    connected_user,
    disconnect,
    for_browser,
    gateway_for,
    operator_spotify_app,
    store_connection,
)
from playlists.own_app import operator_sign_in_enabled
from playlists.spotify.errors import SpotifyAuthError, SpotifyBadRequest, SpotifyForbidden
from playlists.spotify.models import SpotifyApp, TokenSet

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
    if settings.DEMO_MODE and request.get_host().split(":")[0] == "localhost":
        # Spotify (and so the emulator) refuses `localhost` redirect URIs; use the loopback IP.
        return HttpResponseRedirect(
            request.build_absolute_uri().replace("://localhost", "://127.0.0.1", 1)
        )
    from playlists.spotify.accounts import start_sign_in  # spotipy: on first use, not at start

    sign_in = start_sign_in(operator_spotify_app(request), settings.SPOTIFY_SCOPES)
    await_callback(request, sign_in, request.GET.get("next"))
    return HttpResponseRedirect(for_browser(request, sign_in.url))


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
    return finish_sign_in(
        request, outcome, pending,
        app=lambda: operator_spotify_app(request),
        store=lambda tokens, user: store_connection(request, tokens, user),
        label="OAuth",
    )


def finish_sign_in(
    request: HttpRequest,
    outcome: pending_logins.Outcome,
    pending: pending_logins.PendingLogin | None,
    *,
    app: Callable[[], SpotifyApp],
    store: Callable[[TokenSet, ConnectedUser], None],
    label: str,
    context: dict[str, Any] | None = None,
    refused: Callable[[SpotifyForbidden], HttpResponse] | None = None,
) -> HttpResponse:
    """What every sign-in callback does once it knows its pending sign-in (None: not ours):
    refuse what it cannot trust, exchange the code, read the profile, keep the connection.

    ``app`` is the Spotify app the sign-in was started with, ``store`` keeps the tokens,
    ``context`` goes to every failure page, ``refused`` turns a 403 on the profile into a page
    (otherwise it propagates to the middleware's page)."""
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
        return render(request, template, context, status=400)

    error = request.GET.get("error")
    if error:
        template = "auth/denied.html" if error == "access_denied" else "auth/failed.html"
        return render(request, template, context, status=200 if error == "access_denied" else 400)

    code = request.GET.get("code", "")
    if not code:
        return render(request, "auth/failed.html", context, status=400)

    from playlists.spotify.accounts import exchange_code  # spotipy on first use

    try:
        tokens = exchange_code(app(), code, pending.verifier)
    except SpotifyAuthError:
        # invalid_grant: the code was used already, is not one Spotify issued, or has expired.
        logger.warning("%s callback rejected: Spotify refused the code", label)
        return render(request, "auth/code_refused.html", context, status=400)
    except SpotifyBadRequest:
        return render(request, "auth/failed.html", context, status=400)
    store(tokens, ConnectedUser(id="", display_name=""))
    try:
        with gateway_for(request) as gateway:
            profile = gateway.current_user()
    except SpotifyForbidden as exc:
        # Not connected after all (allow-list or app-owner refusal): keep no tokens.
        disconnect(request)
        if refused is None:
            raise
        return refused(exc)
    except Exception:
        # Spotify down, ...: keep no tokens either.
        disconnect(request)
        raise
    store(tokens, ConnectedUser(id=profile.id, display_name=profile.display_name or "",
                                account_id=profile.account_id or ""))
    logger.info("Spotify account connected (%s sign-in)", label)
    return redirect(_safe_next(request, pending.next_url))


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    disconnect(request)
    messages.info(request, SIGNED_OUT)
    return redirect("playlists:home")
