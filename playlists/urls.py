from django.templatetags.static import static
from django.urls import path
from django.views.generic.base import RedirectView

from playlists.views import artist_search, auth, generator, pages

app_name = "playlists"

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", auth.login, name="login"),
    path("callback/", auth.callback, name="callback"),
    path("logout/", auth.logout, name="logout"),
    path("generate/", generator.options, name="generator"),
    path("preview/", generator.preview, name="preview"),
    path("preview/remove/", generator.remove_track, name="remove_track"),
    path("preview/shuffle/", generator.shuffle, name="shuffle"),
    path("save/", generator.save, name="save"),
    path("playlists/<str:playlist_id>/", generator.result, name="result"),
    path("artists/search/", artist_search.artist_search, name="artist_search"),
    # Browsers ask for /favicon.ico where a page names no icon; ours is an SVG.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
]
