"""Template helpers: durations and shares, the per-artist summary, each track's reasons,
captured page titles."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

from playlists.reasons import Reasons, reasons_for
from playlists.services.preview import Preview, PreviewEntry
from playlists.services.summary import ArtistPicks, picks_by_artist

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


@register.simple_tag
def artist_picks(preview: Preview) -> tuple[ArtistPicks, ...]:
    """``{% artist_picks preview as rows %}``: the preview's per-artist summary."""
    return picks_by_artist(preview)


@register.simple_tag
def reasons(entry: PreviewEntry) -> Reasons:
    """``{% reasons entry as why %}``: why the track is here, in plain sentences."""
    return reasons_for(entry)


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist = nodelist
        self.name = name

    def render(self, context: template.Context) -> str:
        # Already rendered with autoescaping: marking it safe avoids escaping it twice.
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))  # noqa: S308
        return ""


@register.tag
def capture(parser: template.base.Parser, token: template.base.Token) -> CaptureNode:
    """``{% capture as title %}…{% endcapture %}``: render once, use in <title> and og:title.

    Blocks inside it are still overridden by child templates.
    """
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
