"""Who is connected, as the (encrypted) cookie session keeps it: the accounts' session keys,
what each must look like, and the one place they are written, read and cleared.

A sign-in flushes the session (a new one: no fixation) and keeps the Spotify tokens, the
user's id and display name, and for a listener's own app its Client ID. The shapes below are
checked by the session engine on every request (``settings.SESSION_SCHEMAS``): a cookie that
breaks one is no session at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from moodystream.session_schema import SessionSchema, is_dict, is_int, is_str, mapping_of, record
from playlists.spotify.types import TokenSet

logger = logging.getLogger(__name__)

if TYPE_CHECKING:  # imported where used: spotipy (and the redis it loads) cost cold start
    from playlists.spotify.accounts import TokenCache

SESSION_TOKENS = "sp_tokens"
SESSION_USER = "sp_user"
SESSION_PENDING_LOGIN = "sp_login"
#: The signed-in listener's own Client ID (absent when signed in with the operator's app).
SESSION_OWN_CLIENT_ID = "sp_own"
#: What the listener was working on when Spotify ended their connection (an app's draft, as
#: the app wrote it): the one thing a sign-in carries over into the new session.
SESSION_DRAFT = "sp_draft"
#: The Spotify user id the draft belongs to: a sign-in by anyone else does not take it back.
SESSION_DRAFT_OWNER = "sp_draft_by"

SCHEMA = SessionSchema(
    {
        SESSION_TOKENS: is_dict,  # TokenSet.from_dict checks inside
        SESSION_USER: record(id=is_str, name=is_str),
        SESSION_PENDING_LOGIN: mapping_of(is_str, record(v=is_str, n=is_str, t=is_int)),
        SESSION_OWN_CLIENT_ID: is_str,
        SESSION_DRAFT: is_dict,  # its owner checks inside when it takes it back
        SESSION_DRAFT_OWNER: is_str,
    },
    disposable=frozenset({SESSION_PENDING_LOGIN}),
)


@dataclass(frozen=True)
class ConnectedUser:
    id: str
    display_name: str
    account_id: str = ""  # /me's account_id, when Spotify sent one

    @property
    def key(self) -> str:
        """Who this is for budgets and save records: Spotify's account_id (the identifier it
        asks apps to link accounts with), else the user id. The store keeps only its hash."""
        return f"account:{self.account_id}" if self.account_id else f"user:{self.id}"


def store_connection(
    request: HttpRequest, tokens: TokenSet, user: ConnectedUser, own_client_id: str = ""
) -> None:
    """Keep a finished sign-in: ``own_client_id`` is the listener's own app ("" for ours)."""
    # A new login gets a new session (no fixation), keeping nothing from before but the draft
    # left for it (``keep_draft_through_sign_in``), and that only for the account it belongs to.
    draft = request.session.get(SESSION_DRAFT)
    owner = request.session.get(SESSION_DRAFT_OWNER)
    request.session.flush()
    if isinstance(draft, dict) and owner in (None, user.id):
        request.session[SESSION_DRAFT] = draft
    elif isinstance(draft, dict):
        logger.info("a draft waiting for another Spotify account was not taken back")
    request.session[SESSION_TOKENS] = tokens.to_dict()
    request.session[SESSION_USER] = {"id": user.id, "name": user.display_name,
                                     **({"acct": user.account_id} if user.account_id else {})}
    if own_client_id:
        request.session[SESSION_OWN_CLIENT_ID] = own_client_id


def connected_user(request: HttpRequest) -> ConnectedUser | None:
    """Who is signed in, if anyone (the session engine holds the keys to ``SCHEMA``)."""
    data: dict[str, str] | None = request.session.get(SESSION_USER)
    if data is None or SESSION_TOKENS not in request.session:
        return None
    account = data.get("acct", "")  # /me's account_id, when Spotify sent one
    return ConnectedUser(id=data["id"], display_name=data["name"],
                         account_id=account if isinstance(account, str) else "")


def own_client_id(request: HttpRequest) -> str | None:
    """The Client ID of the listener's own app this session signed in with, if any."""
    value: str | None = (
        request.session.get(SESSION_OWN_CLIENT_ID) if hasattr(request, "session") else None
    )
    return value or None


def disconnect(request: HttpRequest, *, keep_draft: bool = False) -> None:
    """A new, empty session (with ``keep_draft``, holding only the draft a sign-in carries)."""
    kept = {key: request.session[key] for key in (SESSION_DRAFT, SESSION_DRAFT_OWNER)
            if keep_draft and key in request.session}
    request.session.flush()
    if isinstance(kept.get(SESSION_DRAFT), dict):
        request.session.update(kept)


def keep_draft_through_sign_in(request: HttpRequest, draft: dict[str, Any], owner: str) -> None:
    """A new session (the connection, if any, ended: Spotify refused its tokens, or the
    session was gone already) holding only ``draft``, for after the next sign-in in this
    browser by the Spotify user ``owner``; nothing else survives."""
    request.session.flush()
    request.session[SESSION_DRAFT] = draft
    request.session[SESSION_DRAFT_OWNER] = owner


def session_tokens(request: HttpRequest) -> TokenCache:
    """spotipy's cache handler over this session's tokens (request thread only)."""
    from playlists.spotify.accounts import TokenCache

    return TokenCache(request.session, SESSION_TOKENS)
