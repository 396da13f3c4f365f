"""The generator's middleware: Spotify failures that escape a view become friendly pages (never
a traceback or a 500), and each page's Content-Security-Policy names exactly the Spotify images
and embed player it may show.

Spotify's sources, per request: images and frames come from Spotify (its CDN,
open.spotify.com) or, in demo mode, from the mounted emulator only. ``settings.SECURE_CSP``
names Spotify's CDN and open.spotify.com. In demo mode the covers and the embedded player come
from the emulator mounted on whatever host and port serve the request, so the exact sources are
only known per request. ``SpotifySourcesMiddleware``, listed after Django's
ContentSecurityPolicyMiddleware (so its response hook runs first), hands that middleware a
per-response policy: the mechanism Django's own ``csp_override`` decorator uses. A view that
set its own policy keeps it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.csp import CSP

from accounts import demo_emulator
from accounts.session import (
    connected_user,
    disconnect,
    keep_draft_through_sign_in,
    own_client_id,
)
from accounts.views.own_app import own_app_refusal
from playlists import generator_session, sealed_draft
from playlists.spotify.errors import (
    SpotifyAuthError,
    SpotifyError,
    SpotifyForbidden,
    SpotifyNotFound,
    SpotifyOwnerNeedsPremium,
    SpotifyRateLimited,
    SpotifyUnavailable,
    SpotifyUserNotRegistered,
)
from playlists.views.error_pages import rate_limited_context
from playlists.web_player import SPOTIFY_WEB, web_base

logger = logging.getLogger(__name__)

DRAFT_KEPT = "Your options and removals are kept for when you are back."


class SpotifyErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, SpotifyError):
            return None
        logger.warning("Spotify error on %s: %s", request.path, type(exception).__name__)
        if isinstance(exception, SpotifyAuthError):
            # The grant is gone (revoked, or past Spotify's six months: invalid_grant): sign in
            # again, and find the options and removals as they were.
            # The draft is the session's or, without one, the page's sealed draft.
            user = connected_user(request)
            draft = generator_session.draft(request.session)
            posted = sealed_draft.posted(request)
            if not draft and posted and user and posted.owner == user.id:
                draft = posted.entry
            kept = generator_session.for_sign_in(draft, user.id)[0] if draft and user else None
            if kept is not None and user is not None:
                keep_draft_through_sign_in(request, kept, user.id)
                messages.warning(request, f"{exception.user_message} {DRAFT_KEPT}")
                return redirect("playlists:sign_in_again")
            disconnect(request)
            messages.warning(request, exception.user_message)
            return redirect("playlists:home")
        own = own_client_id(request)
        if isinstance(exception, SpotifyOwnerNeedsPremium) or (
            own and isinstance(exception, SpotifyUserNotRegistered)
        ):
            return own_app_refusal(request, exception)
        if isinstance(exception, SpotifyUserNotRegistered):
            return render(request, "errors/not_registered.html", status=403)
        if isinstance(exception, SpotifyRateLimited):
            response = render(
                request,
                "errors/rate_limited.html",
                rate_limited_context(exception, own_client_id=own),
                status=429,
            )
            response["Retry-After"] = str(exception.retry_after_seconds)
            return response
        if isinstance(exception, SpotifyNotFound):
            return render(request, "errors/404.html", status=404)
        if isinstance(exception, SpotifyForbidden):
            return render(request, "errors/spotify_refused.html", status=403)
        status = 503 if isinstance(exception, SpotifyUnavailable) else 502
        return render(
            request, "errors/spotify_unavailable.html", {"error": exception}, status=status
        )


def frame_sources(request: HttpRequest) -> list[str]:
    """Exactly the embed player the result page frames: open.spotify.com, or the demo's."""
    base = web_base(request)
    return [SPOTIFY_WEB] if base == SPOTIFY_WEB else [f"{base}/embed/"]


def image_sources(request: HttpRequest) -> list[str]:
    """Our own static files, plus Spotify's CDN or, in demo mode, the emulator's covers."""
    if demo_emulator.mounted():
        return [CSP.SELF, *demo_emulator.image_sources(request)]
    return list(cast(list[str], settings.SECURE_CSP["img-src"]))


class SpotifySourcesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if hasattr(response, "_csp_config"):
            return response
        try:
            sources = {"img-src": image_sources(request), "frame-src": frame_sources(request)}
        except DisallowedHost:  # the 400 page for a refused Host header: the static policy
            return response
        response._csp_config = {**settings.SECURE_CSP, **sources}  # type: ignore[attr-defined]
        return response
