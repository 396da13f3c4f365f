from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Who is connected, and with which Spotify app: sign-in, sessions, the demo's emulator."""

    name = "accounts"
