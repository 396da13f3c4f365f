from django.urls import path

from playlists.views import auth, generator, pages

app_name = "playlists"

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", auth.login, name="login"),
    path("callback/", auth.callback, name="callback"),
    path("logout/", auth.logout, name="logout"),
    path("generate/", generator.options, name="generator"),
]
