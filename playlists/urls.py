from django.urls import path

from playlists.views import artist_search, auth, editor, generator, own_app, pages

app_name = "playlists"

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", auth.login, name="login"),
    path("callback/", auth.callback, name="callback"),
    path("logout/", auth.logout, name="logout"),
    path("connect/own-app/", own_app.connect, name="own_app"),
    path("connect/own-app/callback/", own_app.callback, name="own_app_callback"),
    path("connect/own-app/forget/", own_app.forget, name="own_app_forget"),
    path("generate/", generator.options, name="generator"),
    path("preview/", generator.preview, name="preview"),
    path("preview/remove/", editor.remove_track, name="remove_track"),
    path("preview/restore/", editor.restore_track, name="restore_track"),
    path("preview/move/", editor.move_track, name="move_track"),
    path("preview/reorder/", editor.reorder, name="reorder"),
    path("preview/shuffle/", generator.shuffle, name="shuffle"),
    path("save/", generator.save, name="save"),
    path("playlists/<str:playlist_id>/", generator.result, name="result"),
    path("artists/search/", artist_search.artist_search, name="artist_search"),
    path("favicon.ico", pages.favicon, name="favicon"),
]
