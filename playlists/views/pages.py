"""Pages that need no Spotify call."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from playlists.connection import connected_user


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if connected_user(request) is not None:
        return redirect("playlists:generator")
    return render(request, "pages/home.html")
