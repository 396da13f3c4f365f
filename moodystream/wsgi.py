"""WSGI entry point for `manage.py runserver` and any WSGI server.

In demo mode (local only, never in production) the bundled Spotify emulator is mounted at
``settings.DEMO_EMULATOR_PATH`` in the same process, so one command serves the whole demo.
On Lambda, Zappa builds its own WSGI app from ``django_settings`` and never imports this module.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moodystream.settings")

application = get_wsgi_application()


def _with_demo_emulator(django_app):
    from django.conf import settings

    if not settings.DEMO_MODE or settings.IS_PRODUCTION:
        return django_app
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from spotify_emulator import DEMO_CLIENT, EmulatorConfig, create_app

    # Covers at the emulator's own URLs: Spotify's CDN is out of reach in an offline demo.
    emulator = create_app(EmulatorConfig(clients=[DEMO_CLIENT], image_host="emulator"))
    return DispatcherMiddleware(django_app, {settings.DEMO_EMULATOR_PATH: emulator})


application = _with_demo_emulator(application)
