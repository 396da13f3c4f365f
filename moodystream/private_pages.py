"""Pages and JSON are the visitor's own: ``Cache-Control: private, no-store``.

Every response Django builds here may depend on who is signed in (the header names them; the
generator, preview, result and suggestion answers are theirs), so none may be kept by a shared
cache or come back from the browser's cache after sign-out on a shared computer. Static files
(WhiteNoise answers before this middleware) keep their long caching. A response that chose its
own ``Cache-Control`` keeps it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
