"""WSGI entry point for `manage.py runserver` and any WSGI server (a composition root).

In demo mode (local only, never in production) the bundled Spotify emulator is mounted in the
same process, so one command serves the whole demo: see :mod:`accounts.demo_emulator`.
On Lambda, Zappa builds its own WSGI app from ``django_settings`` and never imports this module.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from accounts import demo_emulator

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moodystream.settings")

django_application = get_wsgi_application()

application: demo_emulator.WSGIApp = demo_emulator.mount(django_application)
