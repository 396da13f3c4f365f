"""Signing in with the listener's own Spotify app: ``/connect/own-app/``.

The page walks the listener through registering a free app (the redirect URI to add is
computed for this host, stage prefix or custom domain), takes its Client ID and signs in with
the Authorization Code flow + PKCE as a public client: no secret, ``client_id`` in the body of
the code exchange and every refresh. What typically goes wrong with a fresh app gets a page
saying what to change in the dashboard: a Client ID Spotify does not know, the redirect URI
not added, an account that is neither the app's owner nor one of its users, an owner without
Premium.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import demo_emulator, pending_logins
from accounts.client_id import CLIENT_ID_LENGTH, InvalidClientId, parse_client_id, short_client_id
from accounts.own_app import (
    forget_client_id,
    own_callback_url,
    remember_client_id,
    remembered_client_id,
)
from accounts.session import own_client_id
from accounts.sign_in_modes import own_app_enabled
from accounts.spotify_access import own_app_for
from accounts.views.sign_in import await_callback, finish_sign_in
from playlists.spotify.errors import (
    SpotifyForbidden,
    SpotifyOwnerNeedsPremium,
    SpotifyUserNotRegistered,
)

logger = logging.getLogger(__name__)


def _retry() -> dict[str, str]:
    """The sign-in pages' "try again" goes back to the own-app page, not the operator's."""
    return {"retry_url": reverse("playlists:own_app")}


PROBLEM_TEMPLATES = {  # by the name of spotify.accounts.AuthorizeProblem (spotipy not loaded)
    "UNKNOWN_CLIENT": "own_app/unknown_client.html",
    "REDIRECT_URI_NOT_REGISTERED": "own_app/redirect_not_registered.html",
    "INSECURE_REDIRECT_URI": "own_app/insecure_redirect.html",
    "ILLEGAL_SCOPE": "auth/failed.html",
}


def _require_own_app_mode() -> None:
    if not own_app_enabled():
        raise Http404("this MoodyStream does not offer sign-in with your own Spotify app")


def _page_context(request: HttpRequest, client_id: str = "", **extra: object) -> dict[str, object]:
    return {
        "redirect_uri": own_callback_url(request),
        "dashboard_url": demo_emulator.dashboard_url(request),
        "client_id": client_id,
        "client_id_short": short_client_id(client_id) if client_id else "",
        "client_id_length": CLIENT_ID_LENGTH,
        **extra,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def connect(request: HttpRequest) -> HttpResponse:
    """GET: the steps and the Client ID field. POST: check the Client ID, go to Spotify."""
    _require_own_app_mode()
    if (to_loopback := demo_emulator.loopback_redirect(request)) is not None:
        return to_loopback
    if request.method in ("GET", "HEAD"):
        remembered = remembered_client_id(request)
        return render(
            request,
            "own_app/connect.html",
            _page_context(
                request, remembered, remembered=bool(remembered), next=request.GET.get("next", "")
            ),
        )
    typed = request.POST.get("client_id", "")
    try:
        client_id = parse_client_id(typed)
    except InvalidClientId as exc:
        context = _page_context(
            request,
            error=str(exc),
            typed=typed[:200],
            remembered=bool(request.POST.get("remember")),
        )
        return render(request, "own_app/connect.html", context, status=400)

    from playlists.spotify.accounts import authorize_problem, start_sign_in  # spotipy now

    sign_in = start_sign_in(own_app_for(request, client_id), settings.SPOTIFY_SCOPES)
    problem = authorize_problem(sign_in.url)
    if problem is not None:
        logger.info("own-app sign-in stopped before Spotify: %s", problem.name)
        return render(
            request, PROBLEM_TEMPLATES[problem.name], _page_context(request, client_id), status=400
        )
    await_callback(request, sign_in, request.POST.get("next"), client_id)
    response = HttpResponseRedirect(demo_emulator.for_browser(request, sign_in.url))
    if request.POST.get("remember"):
        remember_client_id(response, client_id)
    else:
        forget_client_id(response)
    return response


@require_safe
def callback(request: HttpRequest) -> HttpResponse:
    """Spotify comes back here for an own-app sign-in, with `code` and our `state`."""
    _require_own_app_mode()
    outcome, pending = pending_logins.take(request.session, request.GET.get("state", ""))
    client_id = _own_client_id_of(pending)
    try:
        return finish_sign_in(
            # An operator sign-in's answer (no Client ID) is not ours: refused like a forged one.
            request, outcome, pending if client_id else None,
            app=own_app_for(request, client_id),
            own_client_id=client_id,
            failure_context=_retry(),
        )
    except SpotifyForbidden as exc:  # the profile refused: what to change in the dashboard
        return own_app_refusal(request, exc, client_id)


def _own_client_id_of(pending: pending_logins.PendingLogin | None) -> str:
    """The Client ID an own-app sign-in was started with ("" for anything else)."""
    try:
        return parse_client_id(pending.client_id) if pending is not None else ""
    except InvalidClientId:
        return ""


def own_app_refusal(
    request: HttpRequest, exc: SpotifyForbidden, client_id: str | None = None
) -> HttpResponse:
    """The 403 page for an own-app session: what to change in the dashboard."""
    client_id = client_id or own_client_id(request) or ""
    if isinstance(exc, SpotifyOwnerNeedsPremium):
        template = "own_app/owner_needs_premium.html"
    elif isinstance(exc, SpotifyUserNotRegistered):
        template = "own_app/not_your_app.html"
    else:
        return render(request, "errors/spotify_refused.html", status=403)
    return render(request, template, _page_context(request, client_id), status=403)


@require_POST
def forget(request: HttpRequest) -> HttpResponse:
    """Drop the remembered Client ID from this browser."""
    _require_own_app_mode()
    messages.info(request, "This browser no longer remembers your Client ID.")
    response = redirect("playlists:own_app")
    forget_client_id(response)
    return response

