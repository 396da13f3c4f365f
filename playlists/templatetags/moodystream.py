"""Formatting filters for durations and shares."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def track_length(duration_ms: int) -> str:
    """3:07 — how a track's length reads in every music app."""
    seconds = max(int(duration_ms or 0), 0) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


@register.filter
def total_length(duration_ms: int) -> str:
    """"2 h 14 min" or "48 min"."""
    minutes = round(max(int(duration_ms or 0), 0) / 60000)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


@register.filter
def percent(share: float) -> int:
    return round(float(share or 0) * 100)
