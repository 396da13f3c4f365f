"""Top-level URLs. The admin is routed only when ENABLE_ADMIN is set (never in production)."""

from django.conf import settings
from django.urls import include, path

urlpatterns = [
    path("", include("playlists.urls")),
]

if settings.ENABLE_ADMIN:
    from django.contrib import admin

    urlpatterns.append(path("admin/", admin.site.urls))

handler400 = "playlists.views.error_pages.bad_request"
handler403 = "playlists.views.error_pages.permission_denied"
handler404 = "playlists.views.error_pages.page_not_found"
handler500 = "playlists.views.error_pages.server_error"
