"""Editing the preview: remove, restore (Undo), move up or down, reorder by drag.

Plain form posts (POST/redirect/GET, CSRF-checked like every write); the page's script sends
the same posts with fetch and swaps in the page it is redirected to, so both paths share the
validation and the words said. The redirect's fragment names the track to land on, so a page
without JavaScript comes back where the listener was.

Each edit form carries the order the listener sees (``order``: track ids): a removal's
replacement and a restored song then take the place of the song that went out
(services/arrangement.py). Without it (an old page, a hand-made post), the order kept in the
session is regenerated instead.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.spotify_access import gateway_for
from playlists import generator_session
from playlists.generator_session import GeneratorState
from playlists.services.arrangement import carried_over, moved, order_of
from playlists.services.generation import generate
from playlists.services.generation_error import GenerationError
from playlists.services.options import TRACK_COUNT
from playlists.services.ports import CatalogueReader
from playlists.spotify.errors import SpotifyError
from playlists.views.drafts import keeps_draft
from playlists.views.generator import current_draft

NOT_REMOVED = "That track could not be removed; here is the current preview."
NOT_CHANGED = "That track could not be changed; here is the current preview."
RESTORED_WITHOUT_PLACE = (
    "That song may be chosen again, but this shuffle has no place for it; shuffle again or "
    "go back to the options to make room."
)
LIST_CHANGED = "The list changed before your move arrived; here is the current order."


def _back_to(track_id: str | None = None) -> HttpResponseRedirect:
    """The preview, scrolled to ``track_id``'s row."""
    url = reverse("playlists:preview")
    return HttpResponseRedirect(f"{url}#track-{track_id}" if track_id else url)


def _posted_order(request: HttpRequest) -> list[str] | None:
    """The order of track ids the page showed, or None when none (or nonsense) was posted."""
    ids = [part for part in request.POST.get("order", "").split(",") if part]
    if not ids or len(ids) > TRACK_COUNT[1]:
        return None
    return ids if all(generator_session.is_spotify_id(i) for i in ids) else None


def _name_of(gateway: CatalogueReader, track_id: str) -> str:
    try:
        found = gateway.tracks([track_id])
    except SpotifyError:
        found = []
    return found[0].name if found else "the song"


def _no_draft(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Your preview has expired; make a new one.")
    return redirect("playlists:generator")


def _change_removals(
    request: HttpRequest, state: GeneratorState, removed: list[str], *, gone: str | None
) -> HttpResponse:
    """Keep ``removed`` as the removals; songs that come in take the places of those that go."""
    with gateway_for(request) as gateway:
        shown = _posted_order(request)
        if shown is None:
            _, before = current_draft(gateway, state)
            shown = [e.track.id for e in before.entries]
        try:
            generation = generate(gateway, state.options, removed_track_ids=frozenset(removed),
                                  own_playlist_ids=state.own_saves)
        except GenerationError as exc:
            messages.warning(request, exc.user_message)
            return _back_to()
        entries = {e.track.id: e for e in generation.preview.entries}
        display, incoming = carried_over(shown, list(entries))
        undo = (gone, _name_of(gateway, gone)) if gone else None
    kept = generator_session.edit(
        request.session,
        removed=removed,
        order=order_of(generation.preview, display),
        fresh=incoming if gone else [],
        undo=undo,
    )
    if not kept:
        messages.warning(request, generator_session.NO_ROOM_TO_REMOVE)
        return _back_to(gone)
    came_in = [entries[i] for i in incoming]
    if undo:
        said = f"Removed “{undo[1]}”."
        if came_in:
            new = came_in[0].track
            said += f" “{new.name}” by {new.artists[0].name if new.artists else 'them'}"
            said += " takes its place."
        messages.success(request, said)
        at = shown.index(gone) if gone in shown else len(display)
        return _back_to(display[min(at, len(display) - 1)] if display else None)
    back = [entries[i].track for i in incoming]
    if back:
        messages.success(request, f"“{back[0].name}” is back.")
        return _back_to(back[0].id)
    # After a shuffle the restored song may have no place in this draw: say so, not "back".
    messages.info(request, RESTORED_WITHOUT_PLACE)
    return _back_to()


@keeps_draft
@require_POST
def remove_track(request: HttpRequest) -> HttpResponse:
    state = generator_session.load(request.session)
    if state is None:
        return _no_draft(request)
    track_id = request.POST.get("track_id", "")
    if not generator_session.is_spotify_id(track_id):
        messages.warning(request, NOT_REMOVED)
        return _back_to()
    removed = [r for r in state.removed if r != track_id] + [track_id]
    return _change_removals(request, state, removed, gone=track_id)


@keeps_draft
@require_POST
def restore_track(request: HttpRequest) -> HttpResponse:
    state = generator_session.load(request.session)
    if state is None:
        return _no_draft(request)
    track_id = request.POST.get("track_id", "")
    if track_id not in state.removed_track_ids:
        messages.warning(request, NOT_CHANGED)
        return _back_to()
    removed = [r for r in state.removed if r != track_id]
    return _change_removals(request, state, removed, gone=None)


def _keep_order(request: HttpRequest, state: GeneratorState, order: tuple[int, ...]) -> None:
    generator_session.edit(
        request.session,
        removed=list(state.removed),
        order=order,
        fresh=list(state.fresh),
        undo=state.undo,
    )


@keeps_draft
@require_POST
def move_track(request: HttpRequest) -> HttpResponse:
    """One place up or down (the keyboard's way to reorder)."""
    state = generator_session.load(request.session)
    if state is None:
        return _no_draft(request)
    # The button pressed names the direction and holds the track: up=<id> or down=<id>.
    step = -1 if "up" in request.POST else 1 if "down" in request.POST else None
    track_id = request.POST.get("up") or request.POST.get("down") or ""
    with gateway_for(request) as gateway:
        generation, current = current_draft(gateway, state)
    ids = [e.track.id for e in current.entries]
    if step is None or track_id not in ids:
        messages.warning(request, NOT_CHANGED)
        return _back_to()
    display = moved(ids, track_id, step)
    _keep_order(request, state, order_of(generation.preview, display))
    name = current.entries[ids.index(track_id)].track.name
    messages.success(request, f"Moved “{name}” to number {display.index(track_id) + 1}.")
    return _back_to(track_id)


@keeps_draft
@require_POST
def reorder(request: HttpRequest) -> HttpResponse:
    """A whole new order (dragged): the same tracks, listed as ``order`` lists them."""
    state = generator_session.load(request.session)
    if state is None:
        return _no_draft(request)
    wanted = _posted_order(request)
    with gateway_for(request) as gateway:
        generation, current = current_draft(gateway, state)
    ids = [e.track.id for e in current.entries]
    if wanted is None or sorted(wanted) != sorted(ids):
        messages.warning(request, LIST_CHANGED)
        return _back_to()
    _keep_order(request, state, order_of(generation.preview, wanted))
    dragged = request.POST.get("track_id", "")
    moved_id = dragged if dragged in ids and wanted != ids else None
    if moved_id:
        name = current.entries[ids.index(moved_id)].track.name
        messages.success(request, f"Moved “{name}” to number {wanted.index(moved_id) + 1}.")
    return _back_to(moved_id)
