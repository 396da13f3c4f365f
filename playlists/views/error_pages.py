"""Friendly error pages (wired as Django's handler400/403/404/500)."""

from __future__ import annotations

import datetime as dt
import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.client_id import short_client_id
from accounts.session import connected_user
from playlists import sealed_draft
from playlists.spotify.errors import SpotifyRateLimited

logger = logging.getLogger("playlists.views.error_pages")


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


#: What the 500 page says when even the page cannot be rendered (no template, no context).
PLAIN_SERVER_ERROR = (
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Something went wrong on our side · MoodyStream</title></head><body>"
    "<h1>Something went wrong on our side</h1><p>We could not finish that request. Nothing "
    "was changed in your Spotify account. Please try again in a moment.</p>"
    "<p><a href=\"/\">Back to MoodyStream</a></p></body></html>"
)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, which must not fail itself: whatever broke the request (an odd session,
    say) may break the page's context too, and then a plain page says the same."""
    try:
        return render(request, "errors/500.html", status=500)
    except Exception:
        logger.exception("the 500 page could not be rendered; sending the plain one")
        return HttpResponse(PLAIN_SERVER_ERROR, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused CSRF token (the form's page is older than its cookie, the cookie was cleared,
    or the post came from another site): the write is never run. When the post carried a
    sealed draft of the preview (ours, unchanged, not too old, and this listener's when someone
    is signed in), the page offers "Back to your preview": a new form, with a fresh token,
    that only makes that draft the session's again (``drafts.resume``); saving stays the
    listener's next, deliberate step."""
    draft = sealed_draft.posted(request)
    user = connected_user(request) if hasattr(request, "session") else None
    mine = draft is not None and (user is None or draft.owner == user.id)
    context = {"sealed_draft": request.POST.get(sealed_draft.FIELD, "") if mine else ""}
    return render(request, "errors/csrf.html", context, status=403)
