"""Pages that need no Spotify call."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from accounts.session import connected_user


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if connected_user(request) is not None:
        return redirect("playlists:generator")
    # A page that needs a connection sent the visitor here: its ways in come back to it (the
    # sign-in views check ``next`` again before following it).
    wanted = request.GET.get("next", "")
    back_to = wanted if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts=None) else ""
    return render(request, "pages/home.html", {"next": back_to})


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico where a page names no icon; ours is an SVG (resolved per
    request: the hashed name exists only once collectstatic has run)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
