"""Project-wide middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from moodystream import credentials


class ServiceUnavailableMiddleware:
    """Answer every request with the 503 page while the app's credentials cannot be had.

    In production the credentials are in a Secrets Manager secret, read on the first request of
    a container (:mod:`moodystream.credentials`). While it cannot be read, users see an
    explanation rather than a crash or API Gateway's bare 502, and the container stays up: a
    transient failure (throttling, a time-out) is retried at most every 30 s by the loader, so a
    container kept warm recovers by itself; a permanent one waits for a new container. Nothing
    is written into ``settings``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if credentials.unavailable() is not None:
            return render(request, "errors/503.html", status=503)
        return self.get_response(request)
