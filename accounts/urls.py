"""The accounts' routes: signing in (operator's app or the listener's own) and out.

They are served in the site's one URL namespace, ``playlists`` (``moodystream/urls.py``): the
pages' templates name them ``playlists:login`` etc., as before the accounts app existed.
"""

from django.urls import URLPattern, path

from accounts.views import own_app, sign_in

urlpatterns: list[URLPattern] = [
    path("login/", sign_in.login, name="login"),
    path("callback/", sign_in.callback, name="callback"),
    path("logout/", sign_in.logout, name="logout"),
    path("connect/own-app/", own_app.connect, name="own_app"),
    path("connect/own-app/callback/", own_app.callback, name="own_app_callback"),
    path("connect/own-app/forget/", own_app.forget, name="own_app_forget"),
]
