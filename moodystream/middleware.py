"""Project-wide middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class ServiceUnavailableMiddleware:
    """Answer every request with a 503 page while the Spotify credentials could not be loaded.

    Settings record the failure (one log line, no secret) instead of crashing at import, so the
    Lambda container stays up and users see an explanation rather than API Gateway's bare 502.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SPOTIFY_CREDENTIALS_ERROR:
            return render(request, "errors/503.html", status=503)
        return self.get_response(request)
