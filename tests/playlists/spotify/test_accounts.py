"""Sign-in over spotipy's PKCE auth manager: confidential and public clients, the token cache,
and the accounts service's failures as the app's errors."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest

from playlists.spotify.accounts import (
    TokenCache,
    UserAuth,
    exchange_code,
    start_sign_in,
)
from playlists.spotify.errors import SpotifyAuthError, SpotifyBadRequest, SpotifyUnavailable
from playlists.spotify.types import SpotifyApp, TokenSet
from spotify_emulator import DEMO_CLIENT, USER_TYPICAL
from spotify_emulator.testing import approve_consent

from .emulator_support import REDIRECT_URI, SCOPES
from .stub import Answer, scripted_spotify


def signed_in(emulator, app: SpotifyApp) -> TokenSet:
    request = start_sign_in(app, SCOPES)
    query = parse_qs(urlsplit(request.url).query)
    assert query["code_challenge_method"] == ["S256"] and query["state"] == [request.state]
    assert set(query["scope"][0].split()) == set(SCOPES)
    location = approve_consent(request.url, USER_TYPICAL)
    code = parse_qs(urlsplit(location).query)["code"][0]
    return exchange_code(app, code, request.code_verifier)


def refresh_tokens(app: SpotifyApp, tokens: TokenSet) -> TokenSet:
    """What ``UserAuth`` renews ``tokens`` to when Spotify refuses the access token."""
    auth = UserAuth(app, TokenCache.holding(tokens))
    auth.get_access_token()  # sent by this thread, and refused:
    assert auth.refused()
    assert auth.tokens is not None
    return auth.tokens


def test_a_public_client_signs_in_and_refreshes_with_its_client_id_only(emulator) -> None:
    """PKCE without a secret: client_id and verifier in the body (the listener's own app)."""
    app = SpotifyApp(DEMO_CLIENT.client_id, "", REDIRECT_URI, emulator.base_url)
    tokens = signed_in(emulator, app)
    assert emulator.app.tokens.lookup(tokens.access_token).user_id == USER_TYPICAL
    renewed = refresh_tokens(app, tokens)
    assert renewed.access_token != tokens.access_token and renewed.refresh_token
    assert emulator.app.tokens.lookup(renewed.access_token) is not None


def test_a_confidential_client_sends_its_secret(emulator) -> None:
    app = SpotifyApp(DEMO_CLIENT.client_id, DEMO_CLIENT.client_secret, REDIRECT_URI,
                     emulator.base_url)
    tokens = signed_in(emulator, app)
    assert refresh_tokens(app, tokens).access_token
    wrong = SpotifyApp(DEMO_CLIENT.client_id, "not-the-secret", REDIRECT_URI, emulator.base_url)
    with pytest.raises(SpotifyAuthError, match="invalid_client"):
        refresh_tokens(wrong, tokens)


def test_a_used_code_or_a_wrong_verifier_is_refused(emulator) -> None:
    app = SpotifyApp(DEMO_CLIENT.client_id, "", REDIRECT_URI, emulator.base_url)
    request = start_sign_in(app, SCOPES)
    code = parse_qs(urlsplit(approve_consent(request.url, USER_TYPICAL)).query)["code"][0]
    with pytest.raises(SpotifyAuthError):
        exchange_code(app, code, start_sign_in(app, SCOPES).code_verifier)
    assert exchange_code(app, code, request.code_verifier).access_token
    with pytest.raises(SpotifyAuthError):  # single use
        exchange_code(app, code, request.code_verifier)


def test_only_tokens_about_to_expire_are_refreshed_and_written_back(emulator) -> None:
    app = SpotifyApp(DEMO_CLIENT.client_id, "", REDIRECT_URI, emulator.base_url)
    tokens = signed_in(emulator, app)
    session: dict[str, object] = {"sp_tokens": tokens.to_dict()}
    cache = TokenCache(session, "sp_tokens")
    with UserAuth(app, cache) as auth:
        assert auth.tokens == tokens  # good for an hour: left alone
    expiring = TokenSet(tokens.access_token, tokens.refresh_token, int(time.time()) + 30,
                        tokens.scope)
    session["sp_tokens"] = expiring.to_dict()
    with UserAuth(app, cache) as auth:
        renewed = auth.tokens
        assert renewed is not None and renewed.access_token != tokens.access_token
        assert TokenSet.from_dict(session["sp_tokens"]) == renewed  # type: ignore[arg-type]
    with pytest.raises(SpotifyAuthError), UserAuth(app, TokenCache({}, "sp_tokens")):
        pass


def test_a_refused_token_is_refreshed_once_however_many_threads_sent_it(emulator) -> None:
    app = SpotifyApp(DEMO_CLIENT.client_id, "", REDIRECT_URI, emulator.base_url)
    tokens = signed_in(emulator, app)
    auth = UserAuth(app, TokenCache.holding(tokens))
    everyone_sent = threading.Barrier(4)

    def send_and_be_refused(_: int) -> tuple[str, bool]:
        sent = auth.get_access_token()
        everyone_sent.wait(timeout=5)
        return sent, auth.refused()

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(send_and_be_refused, range(4)))
    assert {sent for sent, _ in results} == {tokens.access_token}
    assert sorted(refreshed for _, refreshed in results) == [False, False, False, True]
    assert auth.tokens is not None and auth.tokens.access_token != tokens.access_token
    assert auth.get_access_token() == auth.tokens.access_token


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (Answer(503, "<html>down</html>"), SpotifyUnavailable),
        (Answer(200, "not json"), SpotifyUnavailable),
        (Answer(200, {"token_type": "Bearer"}), SpotifyUnavailable),
        (Answer(400, {"error": "invalid_grant"}), SpotifyAuthError),
        (Answer(400, {"error": "invalid_request"}), SpotifyBadRequest),
    ],
    ids=["5xx", "not-json", "no-token", "invalid-grant", "invalid-request"],
)
def test_accounts_failures_are_the_apps_errors(answer: Answer, error: type) -> None:
    with scripted_spotify() as (stub, base):
        stub.script("/v1/api/token", answer)
        app = SpotifyApp("client", "", REDIRECT_URI, base)
        with pytest.raises(error), UserAuth(app, TokenCache.holding(TokenSet("a", "r", 0))):
            pass  # expired: refreshed on the way in
        assert "grant_type=refresh_token" in stub.seen[0].body.decode()
        assert "client_id=client" in stub.seen[0].body.decode()
        assert stub.seen[0].authorization == ""  # a public client sends no secret
