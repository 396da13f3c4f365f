"""Work that survives an expired session or a refused CSRF token (issue 22, point 7).

Every write form of the preview carries the draft, sealed for the listener's Spotify account
(:mod:`playlists.sealed_draft`). When a write finds no one signed in (the session cookie
expired, was cleared, or this is another browser profile), :func:`keeps_draft` keeps the posted
draft in the new session cookie, beside the sign-in about to start (never on our side), and
sends the listener to a page that says so; the sign-in brings them back to the preview, built
from the same options, seed, name, description, removals and order, for that account only.
Nothing is written to Spotify on the way: the listener checks the preview and saves again.

A refused CSRF token (``error_pages.csrf_failure``) never runs the write either; its page
offers "Back to your preview", a new form with a fresh token that posts the sealed draft to
:func:`resume`, which only makes it this session's draft again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.decorators import spotify_login_required
from accounts.session import connected_user, keep_draft_through_sign_in
from playlists import generator_session, sealed_draft
from playlists.forms import GeneratorForm
from playlists.services.options import GenerationOptions

SESSION_ENDED = "Your session ended — sign in again and we'll bring back your playlist."
SIGN_IN_AGAIN = "Your session ended: sign in again to carry on."
BACK_AS_LEFT = (
    "Here is your playlist as you left it. Nothing has been saved yet: check it, then save it."
)
NOT_YOURS = (
    "That playlist draft was made with another Spotify account, so it was not opened here."
)
UNREADABLE = "That playlist draft is too old to bring back; here are your options."
NO_ROOM = "That playlist draft could not be brought back; here are your options."


def removals_left_out(count: int) -> str:
    songs = "song" if count == 1 else "songs"
    return (
        f"To fit in this browser's cookie while you sign in, your {count} earliest removed "
        f"{songs} will be allowed back into the preview."
    )


def session_ended(request: HttpRequest, posted: sealed_draft.Draft | None) -> HttpResponse:
    """A write that found no one signed in: keep the posted draft (if any) for the sign-in
    and say so; nothing is written."""
    entry, dropped = (
        generator_session.for_sign_in(posted.entry, posted.owner) if posted else (None, 0)
    )
    if posted is None or entry is None:
        messages.info(request, SIGN_IN_AGAIN)
        return redirect("playlists:home")
    keep_draft_through_sign_in(request, entry, posted.owner)
    if dropped:
        messages.info(request, removals_left_out(dropped))
    return redirect("playlists:sign_in_again")


def keeps_draft(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the preview's writes (instead of ``spotify_login_required``): with no one signed in,
    :func:`session_ended`; signed in but without a draft in the session (a sign-in in another
    tab starts a new session), the posted one is taken back when it is this listener's."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = connected_user(request)
        if user is None and request.method != "POST":  # a page, not a write: as any page
            return spotify_login_required(view)(request, *args, **kwargs)
        if user is None:
            return session_ended(request, sealed_draft.posted(request))
        if generator_session.draft(request.session) is None:
            posted = sealed_draft.posted(request)
            if posted is not None and posted.owner == user.id:
                generator_session.restore(request.session, posted.entry)
        return view(request, *args, **kwargs)

    return wrapper


def options_draft(request: HttpRequest) -> str:
    """What the options form carries: the draft (or, before any, the defaults with no
    removals), sealed for the signed-in listener."""
    user = connected_user(request)
    if user is None:
        return ""
    entry = generator_session.draft(request.session) or {
        generator_session.OPTIONS_FIELD: GenerationOptions().to_dict(),
        generator_session.REMOVED_FIELD: [],
    }
    return sealed_draft.seal(entry, user.id)


def keeps_options(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the options page: its "Preview playlist" finding no one signed in keeps the options
    typed (valid ones; else the draft as it was), with the draft's removals when they choose
    the same artists, bound to the account the page's sealed draft names, for the sign-in."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if connected_user(request) is not None or request.method != "POST":
            return spotify_login_required(view)(request, *args, **kwargs)
        posted = sealed_draft.posted(request)
        chosen = GeneratorForm(request.POST).to_options()
        if posted is None or chosen is None:
            return session_ended(request, posted)
        before = GenerationOptions.from_dict(posted.entry[generator_session.OPTIONS_FIELD])
        removed = posted.entry[generator_session.REMOVED_FIELD]
        typed = {
            generator_session.OPTIONS_FIELD: chosen.to_dict(),
            generator_session.REMOVED_FIELD: (
                removed if generator_session.same_artists(before, chosen) else []
            ),
        }
        return session_ended(request, sealed_draft.Draft(owner=posted.owner, entry=typed))

    return wrapper


@require_safe
def sign_in_again(request: HttpRequest) -> HttpResponse:
    """Where a write that found the session gone sends the listener: what happened, and the
    ways to sign in, each coming back to the preview."""
    waiting = generator_session.waiting(request.session)
    if connected_user(request) is not None:
        return redirect("playlists:preview" if waiting else "playlists:generator")
    if not waiting:
        return redirect("playlists:home")
    return render(request, "pages/sign_in_again.html", {"said": SESSION_ENDED})


@require_POST
def resume(request: HttpRequest) -> HttpResponse:
    """Back to the preview (or, with ``to=options``, the options) of the posted sealed draft.

    A CSRF-checked post like every write, that changes nothing but which draft this session
    holds: the CSRF-failure page's "Back to your preview" and the preview's "Back to options".
    """
    posted = sealed_draft.posted(request)
    user = connected_user(request)
    if user is None:
        return session_ended(request, posted)
    target = "playlists:generator" if request.POST.get("to") == "options" else "playlists:preview"
    if posted is None:
        if generator_session.draft(request.session) is None:
            messages.info(request, UNREADABLE)
            return redirect("playlists:generator")
        return redirect(target)  # no draft posted: the session's own
    if posted.owner != user.id:
        messages.warning(request, NOT_YOURS)
        return redirect("playlists:generator")
    kept = generator_session.draft(request.session)
    same = kept is not None and generator_session.carried(kept) == posted.entry
    if not same and not generator_session.restore(request.session, posted.entry):
        messages.warning(request, NO_ROOM)
        return redirect("playlists:generator")
    # (The session holding this very draft keeps it as it is, with its New and Undo.)
    if target == "playlists:preview":
        messages.info(request, BACK_AS_LEFT)
    return redirect(target)
