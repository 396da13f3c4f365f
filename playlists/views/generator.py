"""The generator: options form → preview (edited in views/editor.py, shuffled) → save → result
(or replace an earlier playlist: views/replace.py).

POST/redirect/GET throughout. The preview is regenerated on each GET from the options, seed,
removals and order kept in the session, so reloading never repeats an action and nothing big
lives in the cookie.
"""

from __future__ import annotations

import logging
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import spotify_login_required
from accounts.session import ConnectedUser, connected_user
from accounts.spotify_access import gateway_for
from playlists import budgets, generator_session, sealed_draft
from playlists.forms import GeneratorForm
from playlists.generator_session import GeneratorState
from playlists.services.arrangement import arranged
from playlists.services.generation import Generation, generate
from playlists.services.generation_error import GenerationError
from playlists.services.ports import CatalogueReader
from playlists.services.preview import Preview
from playlists.services.saving import (
    RefreshRefused,
    SaveElsewhere,
    earlier_save,
    is_moodystream_playlist,
    recently_saved_ids,
    save_key,
    save_playlist,
)
from playlists.spotify.errors import SpotifyError, SpotifyNotFound
from playlists.views.drafts import BACK_AS_LEFT, keeps_draft, keeps_options, options_draft
from playlists.web_player import playlist_embed_url, playlist_url, track_embed_url, track_url
from shared_state.store import SharedStateUnavailable
from shared_state.stores import shared_state

logger = logging.getLogger(__name__)

REPLACED_SALT = "playlists.replaced"
REPLACED_NOTE_SECONDS = 24 * 3600

CANNOT_SAVE_NOW = (
    "MoodyStream could not save just now (nothing was saved): please try again in a minute."
)
CANNOT_REPLACE_NOW = (
    "MoodyStream could not replace the playlist just now (nothing was changed): please try "
    "again in a minute."
)


def current_draft(gateway: CatalogueReader, state: GeneratorState) -> tuple[Generation, Preview]:
    """The generation for ``state`` and its preview in the listener's order (what the page
    shows and what Save saves)."""
    generation = generate(gateway, state.options, removed_track_ids=state.removed_track_ids,
                          own_playlist_ids=state.own_saves)
    return generation, arranged(generation.preview, state.order)


@keeps_options
@require_http_methods(["GET", "HEAD", "POST"])
def options(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = GeneratorForm(request.POST)
        chosen = form.to_options()
        if chosen is not None and not generator_session.fits(request.session, chosen):
            form.refuse_as_too_big()
        elif chosen is not None:
            generator_session.start(request.session, chosen)
            return redirect("playlists:preview")
        return render(request, "generator/options.html",
                      {"form": form, "sealed_draft": request.POST.get(sealed_draft.FIELD, "")},
                      status=400)
    last = generator_session.last_options(request.session)
    form = GeneratorForm(initial=GeneratorForm.initial_from(last))
    return render(request, "generator/options.html",
                  {"form": form, "sealed_draft": options_draft(request)})


@spotify_login_required
@require_safe
def preview(request: HttpRequest) -> HttpResponse:
    returning = generator_session.waiting(request.session)  # a draft carried through sign-in
    state = generator_session.load(request.session)
    if state is None:
        messages.info(request, "Choose your options first.")
        return redirect("playlists:generator")
    if returning:
        messages.info(request, BACK_AS_LEFT)
    user = connected_user(request)
    spent = user and budgets.charge(user, budgets.PREVIEW_BURST, budgets.PREVIEWS,
                                    cost=budgets.preview_cost(state.options))
    if spent:
        return budgets.spent_page(request, *spent)
    show_removed = request.GET.get("removed") == "show" and bool(state.removed)
    removed_songs = []
    with gateway_for(request) as gateway:
        try:
            generation, result = current_draft(gateway, state)
        except GenerationError as exc:
            form = GeneratorForm(initial=GeneratorForm.initial_from(state.options))
            return render(
                request,
                "generator/options.html",
                {"form": form, "generation_error": exc.user_message,
                 "sealed_draft": options_draft(request)},
                status=422,
            )
        if show_removed:
            try:
                removed_songs = list(gateway.tracks(list(reversed(state.removed))))
            except SpotifyError:
                messages.warning(request, "Spotify did not say which songs those were.")
    try:
        ours = recently_saved_ids(shared_state(), user.id) if user else set()
    except SharedStateUnavailable:
        ours = set()
    # Replace is offered when the listing read with the preview holds one of the listener's
    # MoodyStream playlists (the choices themselves are read when Replace is opened).
    can_replace = user is not None and any(
        p.owner_id == user.id and is_moodystream_playlist(p, recently_saved=ours)
        for p in generation.playlists or ())
    return render(
        request,
        "generator/preview.html",
        {
            "preview": result,
            "order_ids": ",".join(e.track.id for e in result.entries),
            # Listen in place: "{base}<id>" for a track's page and its embed player.
            "track_page_base": track_url(request, ""),
            "track_embed_base": track_embed_url(request, ""),
            "fresh": state.fresh,
            "undo": state.undo,
            "removed_count": len(state.removed),
            "show_removed": show_removed,
            "removed_songs": removed_songs,
            "can_replace": can_replace,
            "already_saved": generator_session.saved_playlist_for(request.session, result.digest),
            # Every write form carries the draft, sealed for this listener (issue 22.7).
            "sealed_draft": sealed_draft.seal(generator_session.draft(request.session) or {},
                                              user.id) if user else "",
        },
    )


@keeps_draft
@require_POST
def shuffle(request: HttpRequest) -> HttpResponse:
    state = generator_session.load(request.session)
    if state is None:
        return redirect("playlists:generator")
    generator_session.start(request.session, state.options.with_seed())
    return redirect("playlists:preview")


@keeps_draft
@require_POST
def save(request: HttpRequest) -> HttpResponse:
    state = generator_session.load(request.session)
    user = connected_user(request)
    if state is None or user is None:
        messages.info(request, "Your preview has expired; make a new one.")
        return redirect("playlists:generator")
    digest = request.POST.get("digest", "")
    already = generator_session.saved_playlist_for(request.session, digest)
    if already:
        return redirect("playlists:result", playlist_id=already)
    key = save_key(user.key, digest, state.options)
    try:  # a repeat (another tab, a retry, another container): its playlist
        earlier = earlier_save(shared_state(), key)
    except SaveElsewhere as exc:
        messages.warning(request, exc.user_message)
        return redirect("playlists:preview")
    except SharedStateUnavailable:
        return _cannot_save_now(request)
    if earlier:
        generator_session.remember_saved(request.session, digest, earlier)
        return redirect("playlists:result", playlist_id=earlier)
    written = write_preview(request, state, user, digest)
    if isinstance(written, HttpResponse):
        return written
    return redirect("playlists:result", playlist_id=written)


def write_preview(request: HttpRequest, state: GeneratorState, user: ConnectedUser, digest: str,
                  *, replace_playlist_id: str | None = None) -> str | HttpResponse:
    """The one write sequence of the web's Save and Replace: regenerate the draft, check it is
    the preview the listener saw (``digest``), write it once (``saving.save_playlist``: a new
    playlist, or ``replace_playlist_id``'s items), remember it in the session.  Returns the
    playlist's id, or the page to show instead (each refusal says nothing was written)."""
    again = "replace" if replace_playlist_id else "save"
    with gateway_for(request) as gateway:
        try:
            generation, result = current_draft(gateway, state)
        except GenerationError as exc:
            messages.warning(request, exc.user_message)
            return redirect("playlists:generator")
        if result.digest != digest:
            messages.warning(
                request,
                "Your preview changed since you opened it (Spotify's catalogue or your options "
                f"changed). Here is the current one — check it and {again} again.",
            )
            return redirect("playlists:preview")
        try:
            written = save_playlist(
                gateway,
                result,
                idempotency_key=save_key(user.key, digest, state.options),
                state=shared_state(),
                before_writing=partial(budgets.charge_or_raise, user, budgets.SAVES),
                replace_playlist_id=replace_playlist_id,
                user_id=user.id,
                recent_playlists=generation.playlists,
            )
        except budgets.BudgetSpent as exc:
            return budgets.spent_page(request, exc.budget, exc.retry_after)
        except SharedStateUnavailable:  # no record, so nothing was written to Spotify
            cannot = CANNOT_REPLACE_NOW if replace_playlist_id else CANNOT_SAVE_NOW
            messages.warning(request, cannot)
            return redirect("playlists:preview")
        except (RefreshRefused, SaveElsewhere) as exc:  # not ours or gone; another save of it
            messages.warning(request, exc.user_message)
            return redirect("playlists:preview")
    generator_session.remember_saved(request.session, digest, written.id)
    logger.info("playlist %s with %d tracks", "replaced" if replace_playlist_id else "saved",
                result.track_count)
    return written.id


def _cannot_save_now(request: HttpRequest) -> HttpResponse:
    """The shared store (which makes a save happen once) did not answer: nothing was saved."""
    messages.warning(request, CANNOT_SAVE_NOW)
    return redirect("playlists:preview")


@spotify_login_required
@require_safe
def result(request: HttpRequest, playlist_id: str) -> HttpResponse:
    if not generator_session.is_spotify_id(playlist_id):
        raise Http404("not a Spotify playlist id")
    with gateway_for(request) as gateway:
        try:
            playlist = gateway.get_playlist(playlist_id)
        except SpotifyNotFound:
            raise Http404("no such playlist") from None
    return render(
        request,
        "generator/result.html",
        {
            "playlist": playlist,
            "replaced": _was_replaced(request, playlist.id),
            "web_url": playlist_url(request, playlist.id),
            "embed_url": playlist_embed_url(request, playlist.id),
        },
    )


def replaced_result_url(playlist_id: str) -> str:
    """The result page after a replace (views/replace.py): its link carries a signed note of
    the replace, so the page says "Replaced" and a hand-made link cannot make a save say so."""
    url = reverse("playlists:result", kwargs={"playlist_id": playlist_id})
    return f"{url}?{urlencode({'replaced': signing.dumps(playlist_id, salt=REPLACED_SALT)})}"


def _was_replaced(request: HttpRequest, playlist_id: str) -> bool:
    note = request.GET.get("replaced", "")
    try:
        return bool(note) and signing.loads(
            note, salt=REPLACED_SALT, max_age=REPLACED_NOTE_SECONDS) == playlist_id
    except signing.BadSignature:
        return False
