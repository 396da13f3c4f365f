"""Server-side render time of the preview page for a 200-track preview (no Spotify involved):
``templates/generator/preview.html`` through Django's template engine with the real context
processors, as the preview view renders it."""

from __future__ import annotations

import time
from typing import Any

from bench.environment import median


def render_preview(preview: Any) -> tuple[float, int]:
    """One render of the page as the preview view renders it: seconds, and the page's size."""
    from django.contrib.sessions.backends.base import SessionBase
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/preview/", secure=True)
    request.session = SessionBase()
    context = {"preview": preview, "can_replace": False, "already_saved": None}
    started = time.perf_counter()
    html = render_to_string("generator/preview.html", context, request=request)
    return time.perf_counter() - started, len(html.encode())


def render_times(preview: Any, repeats: int = 60) -> tuple[float, int]:
    """Median seconds per render over ``repeats`` (after one warm-up), and the page size."""
    _, size = render_preview(preview)
    return median([render_preview(preview)[0] for _ in range(repeats)]), size
