"""The draft the preview's own forms carry, sealed, so that a write which finds the session gone
(an expired or cleared cookie, another browser profile) or meets a refused CSRF token still has
the listener's work.

Each write form on the preview (Save, Remove, Restore, Undo, Move, the drag's reorder, Shuffle
again, Back to options) carries a hidden ``draft`` field: the generator's entry as
:func:`playlists.generator_session.carried` cuts it (options with seed, name and description,
the removals, the order: the preview is regenerated from them) and the Spotify user id it
belongs to, serialised, compressed and encrypted with Fernet like the session cookie, under a
key of its own (``moodystream.sessions.DRAFT_PURPOSE``), so a sealed draft is never accepted as
a session cookie nor the other way round.

* Encrypted, not only signed: it holds the listener's choices (names, picked artists).
* Bound to its owner: a draft is only ever taken back into the session of the Spotify account
  it was sealed for (checked here when someone is signed in, and by
  ``accounts.session.store_connection`` after a sign-in).
* It expires: ``MAX_AGE_SECONDS`` after it was sealed (the session's absolute lifetime, so a
  page left open past the session's idle limit still brings its work back).
* Its size is bounded: at most ``MAX_REMOVED`` removals and 200 positions, and a token longer
  than ``MAX_SEALED_CHARS`` is refused unread.

A sealed draft is our own integrity check, not a CSRF token: nothing is ever written to Spotify
on its strength alone. A write runs only with a valid CSRF token, as before; the draft only
brings the listener back to their preview, to check it and press Save again.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import InvalidToken
from django.http import HttpRequest

from moodystream import sessions
from playlists.generator_session import carried, is_carried_draft

#: The hidden field's name on every write form of the preview.
FIELD = "draft"
#: How long a sealed draft is taken back: as long as a session can live.
MAX_AGE_SECONDS = sessions.ABSOLUTE_LIFETIME_SECONDS
#: Longer tokens are refused before any work (the biggest real one is about 2,000).
MAX_SEALED_CHARS = 8000
_OWNER = "o"
_DRAFT = "d"


@dataclass(frozen=True)
class Draft:
    owner: str  # the Spotify user id it was sealed for
    entry: dict[str, Any]  # a carried generator entry (generator_session.is_carried_draft)


def seal(entry: dict[str, Any], owner: str) -> str:
    """``entry`` (the generator's session entry) sealed for the Spotify user ``owner``."""
    return sessions.seal(
        {_OWNER: owner, _DRAFT: carried(entry)}, purpose=sessions.DRAFT_PURPOSE
    )


def unseal(token: str) -> Draft | None:
    """The draft in ``token``; None when it is not one we sealed, was changed, is older than
    ``MAX_AGE_SECONDS``, too big, or holds anything but a draft."""
    if not token or len(token) > MAX_SEALED_CHARS:
        return None
    try:
        data = sessions.unseal(token, max_age=MAX_AGE_SECONDS, purpose=sessions.DRAFT_PURPOSE)
    except (InvalidToken, ValueError, UnicodeError, zlib.error, TypeError):
        return None
    owner, entry = data.get(_OWNER), data.get(_DRAFT)
    if not isinstance(owner, str) or not owner or not is_carried_draft(entry):
        return None
    assert isinstance(entry, dict)  # is_carried_draft says so; for the type checker
    return Draft(owner=owner, entry=entry)


def posted(request: HttpRequest) -> Draft | None:
    """The sealed draft a form posted, if any and valid (see :func:`unseal`)."""
    if request.method != "POST":
        return None
    value = request.POST.get(FIELD, "")
    return unseal(value) if isinstance(value, str) else None
