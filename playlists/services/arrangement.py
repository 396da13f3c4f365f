"""The listener's order of the preview: moves, drags and replacements that keep their place.

The preview is regenerated from the options on every request, so the listener's order is kept
as ``order``: positions into the generated entries, in the order the listener sees them (empty
when it is the generated order). Positions, not ids, because 200 ids do not fit in a cookie.

When a removal or a restore changes which songs are in the preview, the songs that stay keep
their places and each song that came in takes the place of one that went out
(:func:`carried_over`): a replacement sits where the removed song was, a restored song where its
replacement was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .preview import Preview, PreviewEntry


def arranged(preview: Preview, order: Sequence[int]) -> Preview:
    """``preview`` in the listener's order. Positions that no longer exist are skipped and
    entries the order does not mention follow in generated order, so an order saved against
    a slightly different preview (Spotify's catalogue changed) still shows every track once."""
    entries = preview.entries
    seen: set[int] = set()
    chosen: list[PreviewEntry] = []
    for position in order:
        if 0 <= position < len(entries) and position not in seen:
            seen.add(position)
            chosen.append(entries[position])
    chosen += [entry for i, entry in enumerate(entries) if i not in seen]
    return replace(preview, entries=tuple(chosen))


def order_of(preview: Preview, track_ids: Sequence[str]) -> tuple[int, ...]:
    """The order that shows ``preview``'s entries as ``track_ids`` lists them (ids it does not
    hold are skipped); empty when that is the generated order."""
    position = {entry.track.id: i for i, entry in enumerate(preview.entries)}
    order = [position[track_id] for track_id in dict.fromkeys(track_ids) if track_id in position]
    placed = set(order)
    order += [i for i in range(len(preview.entries)) if i not in placed]
    return () if order == list(range(len(order))) else tuple(order)


def carried_over(shown: Sequence[str], now: Sequence[str]) -> tuple[list[str], list[str]]:
    """The ids of ``now`` (a regenerated preview) in the order the listener saw ``shown``, and
    the ids that came in.

    Ids in both keep their places; each id that came in takes the place of the first id that
    went out, in the order shown; any more that came in go at the end.
    """
    staying = set(now)
    incoming = [track_id for track_id in now if track_id not in set(shown)]
    queue = list(incoming)
    order: list[str] = []
    for track_id in dict.fromkeys(shown):
        if track_id in staying:
            order.append(track_id)
        elif queue:
            order.append(queue.pop(0))
    return order + queue, incoming


def moved(track_ids: Sequence[str], track_id: str, step: int) -> list[str]:
    """``track_ids`` with ``track_id`` moved ``step`` places (negative: up), within the ends."""
    order = list(track_ids)
    if track_id not in order:
        return order
    at = order.index(track_id)
    to = min(max(at + step, 0), len(order) - 1)
    order.insert(to, order.pop(at))
    return order
