"""Replace an earlier MoodyStream playlist with the preview: its own action beside Save.

Three steps, each a plain page, so it works without JavaScript (``static/js/replace.js``
shows the first two in a dialog over the preview instead):

1. ``GET /preview/replace/``: the listener's earlier MoodyStream playlists, as radio choices
   with their name, track count and the date they were last filled (read only now, when
   Replace is opened: never on the preview's own path).
2. ``GET /preview/replace/confirm/?playlist=…``: names what will be replaced ("Replace the 50
   songs of “Friday mix” …?") and what happens to its name, description and visibility.
3. ``POST /preview/replace/confirm/``: the replace itself (CSRF, the preview's digest, the
   same refusals and idempotency as a save: a double click is one replace), then the result
   page, which says "Replaced".

The preview's digest travels with each step, so what is replaced is the preview the listener
saw; a preview that changed meanwhile comes back to be checked, as with Save.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from accounts.decorators import spotify_login_required
from accounts.session import ConnectedUser, connected_user
from accounts.spotify_access import gateway_for
from playlists import budgets, generator_session, sealed_draft
from playlists.generator_session import GeneratorState
from playlists.services.replacing import MAX_CHOICES, replace_choices, replace_target
from playlists.services.saving import (
    CHOOSE_A_MOODYSTREAM_PLAYLIST,
    RefreshRefused,
    details_after_replace,
    recently_saved_ids,
)
from playlists.views.drafts import keeps_draft
from playlists.views.generator import replaced_result_url, write_preview
from shared_state.store import SharedStateUnavailable
from shared_state.stores import shared_state

DIGEST = re.compile(r"[0-9a-f]{32}")
CHOOSE_ONE = "Choose the playlist to replace."
#: What reading the choices and a target costs the listener's preview budget, in requests.
CHOICES_COST = 1 + MAX_CHOICES
TARGET_COST = 2


def _digest(value: str | None) -> str:
    return value if value and DIGEST.fullmatch(value) else ""


def _recently_saved(user: ConnectedUser) -> set[str]:
    try:
        return recently_saved_ids(shared_state(), user.id)
    except SharedStateUnavailable:
        return set()


def _start(request: HttpRequest) -> tuple[GeneratorState, ConnectedUser] | None:
    state = generator_session.load(request.session)
    user = connected_user(request)
    if state is None or user is None:
        messages.info(request, "Your preview has expired; make a new one.")
        return None
    return state, user


def _choose_again(request: HttpRequest, digest: str, message: str) -> HttpResponse:
    messages.warning(request, message)
    return redirect(reverse("playlists:replace") + "?" + urlencode({"digest": digest}))


@spotify_login_required
@require_safe
def choose(request: HttpRequest) -> HttpResponse:
    started = _start(request)
    if started is None:
        return redirect("playlists:generator")
    _, user = started
    spent = budgets.charge(user, budgets.PREVIEW_BURST, budgets.PREVIEWS, cost=CHOICES_COST)
    if spent:
        return budgets.spent_page(request, *spent)
    with gateway_for(request) as gateway:
        choices = replace_choices(gateway, user_id=user.id, recently_saved=_recently_saved(user))
    return render(request, "generator/replace_choose.html", {
        "choices": choices,
        "digest": _digest(request.GET.get("digest")),
    })


@keeps_draft  # the confirmed POST carries the sealed draft (issue 22.7)
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest) -> HttpResponse:
    started = _start(request)
    if started is None:
        return redirect("playlists:generator")
    state, user = started
    data = request.POST if request.method == "POST" else request.GET
    digest = _digest(data.get("digest"))
    playlist_id = data.get("playlist", "")
    if not playlist_id:
        return _choose_again(request, digest, CHOOSE_ONE)
    if not generator_session.is_spotify_id(playlist_id):
        return _choose_again(request, digest, CHOOSE_A_MOODYSTREAM_PLAYLIST)
    if request.method == "POST":
        return _replace(request, state, user, digest, playlist_id)
    spent = budgets.charge(user, budgets.PREVIEW_BURST, budgets.PREVIEWS, cost=TARGET_COST)
    if spent:
        return budgets.spent_page(request, *spent)
    with gateway_for(request) as gateway:
        try:
            target = replace_target(gateway, playlist_id, user_id=user.id,
                                    recently_saved=_recently_saved(user))
        except RefreshRefused as exc:  # not theirs, or gone
            return _choose_again(request, digest, exc.user_message)
    options = state.options
    name, description = details_after_replace(target.playlist, options)
    return render(request, "generator/replace_confirm.html", {
        "target": target,
        "digest": digest,
        "new_name": name,
        "renamed": name != target.playlist.name,
        "new_description": description,
        "described": description != target.playlist.description,
        "public": options.public,
        "visibility_changes": (target.playlist.public is not None
                               and target.playlist.public != options.public),
        "sealed_draft": sealed_draft.seal(generator_session.draft(request.session) or {}, user.id),
    })


def _replace(request: HttpRequest, state: GeneratorState, user: ConnectedUser, digest: str,
             playlist_id: str) -> HttpResponse:
    """The confirmed POST: replace the playlist's items with the preview's (once)."""
    already = generator_session.saved_playlist_for(request.session, digest) if digest else None
    if already:  # this preview was saved or replaced already: that playlist, not another write
        return _result(already, replaced=already == playlist_id)
    replaced = write_preview(request, state, user, digest, replace_playlist_id=playlist_id)
    if isinstance(replaced, HttpResponse):
        return replaced
    return _result(replaced, replaced=True)


def _result(playlist_id: str, *, replaced: bool) -> HttpResponse:
    if replaced:
        return redirect(replaced_result_url(playlist_id))
    return redirect("playlists:result", playlist_id=playlist_id)
