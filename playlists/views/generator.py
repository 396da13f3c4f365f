"""The generator: options form, preview, save, result."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from playlists.decorators import spotify_login_required


@spotify_login_required
def options(request: HttpRequest) -> HttpResponse:
    return render(request, "generator/options.html")
