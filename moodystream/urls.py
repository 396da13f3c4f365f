"""Top-level URLs (a composition root: it may import the apps). The admin is routed only when
ENABLE_ADMIN is set (never in production).

The generator's and the accounts' pages share one namespace, ``playlists`` (``playlists:home``,
``playlists:login``, ...): the names the templates have always used.
"""

from django.conf import settings
from django.urls import URLPattern, URLResolver, include, path

from accounts.urls import urlpatterns as accounts_urls
from playlists.urls import urlpatterns as generator_urls

SITE_NAMESPACE = "playlists"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include(([*generator_urls, *accounts_urls], SITE_NAMESPACE))),
]

if settings.ENABLE_ADMIN:
    from django.contrib import admin

    urlpatterns.append(path("admin/", admin.site.urls))

handler400 = "playlists.views.error_pages.bad_request"
handler403 = "playlists.views.error_pages.permission_denied"
handler404 = "playlists.views.error_pages.page_not_found"
handler500 = "playlists.views.error_pages.server_error"
