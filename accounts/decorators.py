"""View decorators."""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts.session import connected_user


def spotify_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send visitors without a Spotify connection to the home page's ways in, which sign in
    and come back here. Not straight to Spotify: after sign-out, Back reaches a page that
    needs a connection, and should land on MoodyStream's page, not on Spotify's consent."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if connected_user(request) is None:
            target = request.get_full_path() if request.method == "GET" else ""
            query = "?" + urlencode({"next": target}) if target else ""
            return HttpResponseRedirect(reverse("playlists:home") + query)
        return view(request, *args, **kwargs)

    return wrapper
