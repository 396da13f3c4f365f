"""Friendly error pages (wired as Django's handler400/403/404/500)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.client_id import short_client_id
from playlists.spotify.errors import SpotifyRateLimited


def rate_limited_context(
    error: SpotifyRateLimited, *, own_client_id: str | None = None
) -> dict[str, object]:
    """When to come back, and whose quota ran out: MoodyStream's shared app, or the listener's
    own app (Spotify counts per developer account, so only that account's apps are affected)."""
    seconds = max(int(error.retry_after_seconds), 1)
    retry_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
    if seconds < 120:
        wait = f"{seconds} seconds"
    elif seconds < 2 * 3600:
        wait = f"{round(seconds / 60)} minutes"
    else:
        wait = f"{round(seconds / 3600)} hours"
    return {
        "wait": wait,
        "retry_at": retry_at,
        "quota_exceeded": error.quota_exceeded,
        "own_client_id_short": short_client_id(own_client_id) if own_client_id else "",
    }


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.html", status=403)
