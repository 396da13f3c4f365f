"""The generator's routes (served with the accounts' in one namespace: ``moodystream/urls.py``)."""

from django.urls import URLPattern, path

from playlists.views import artist_search, drafts, editor, generator, pages, replace

urlpatterns: list[URLPattern] = [
    path("", pages.home, name="home"),
    path("generate/", generator.options, name="generator"),
    path("preview/", generator.preview, name="preview"),
    path("preview/remove/", editor.remove_track, name="remove_track"),
    path("preview/restore/", editor.restore_track, name="restore_track"),
    path("preview/move/", editor.move_track, name="move_track"),
    path("preview/reorder/", editor.reorder, name="reorder"),
    path("preview/shuffle/", generator.shuffle, name="shuffle"),
    path("preview/replace/", replace.choose, name="replace"),
    path("preview/replace/confirm/", replace.confirm, name="replace_confirm"),
    path("save/", generator.save, name="save"),
    path("preview/resume/", drafts.resume, name="resume"),
    path("sign-in-again/", drafts.sign_in_again, name="sign_in_again"),
    path("playlists/<str:playlist_id>/", generator.result, name="result"),
    path("artists/search/", artist_search.artist_search, name="artist_search"),
    path("favicon.ico", pages.favicon, name="favicon"),
]
