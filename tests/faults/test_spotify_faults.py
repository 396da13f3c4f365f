"""Spotify misbehaving while a user generates and saves: rate limits, 5xx bursts, time-outs,
broken JSON, tokens that expire or are revoked, and failures half-way through filling a playlist.

Everything goes over HTTP to the emulator through the real views; see ``conftest.py`` for the
three checks every test makes (clear page, app still up, Spotify left consistent).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from django.test import Client

from spotify_emulator import USER_TYPICAL
from spotify_emulator.faults import FaultRule

from .conftest import (
    CONNECTION_EXPIRED,
    NOT_FOUND,
    SLOW_DOWN,
    SPOTIFY_DOWN,
    NthRequestFault,
    RequestHook,
    assert_app_up,
    assert_consistent,
    digest_of,
    make_preview,
    marked_playlists,
    previewed_uris,
    saved_playlist_id,
    start_generation,
    text_of,
)

ITEMS = "/v1/playlists/*/items"
REFRESH_REFUSED = "Only a playlist MoodyStream made for you can be replaced"
REFRESH_TARGET_GONE = "is no longer on Spotify (it was deleted meanwhile)"


@dataclass
class NthMalformed:
    """Like ``NthRequestFault``, once: the request after the first ``ok`` matching ones is
    applied but answered 200 with a broken body."""

    method: str
    pattern: str
    ok: int
    seen: int = 0

    def fire(self, method: str, path: str) -> FaultRule | None:
        if not FaultRule(-1, self.pattern, method=self.method).matches(method, path):
            return None
        self.seen += 1
        if self.seen != self.ok + 1:
            return None
        return FaultRule(-1, self.pattern, "malformed", method=self.method)


def save(client: Client, page, **extra: str):
    return client.post("/save/", {"digest": digest_of(page), **extra})


def save_completely(client: Client, emulator, page) -> dict[str, list[str]]:
    """Save the preview, check the result page, return {playlist id: previewed URIs}."""
    response = save(client, page)
    playlist_id = saved_playlist_id(response)
    result = client.get(response["Location"])
    assert result.status_code == 200
    assert f"https://open.spotify.com/playlist/{playlist_id}" in text_of(result)
    return {playlist_id: previewed_uris(page)}


# --- 429 --------------------------------------------------------------------------------------


class TestRateLimits:
    def test_short_retry_after_is_waited_out(self, client: Client, emulator) -> None:
        emulator.app.faults.add_error("/v1/search", status=429, retry_after=1, count=3)
        started = time.monotonic()
        page = make_preview(client)
        assert time.monotonic() - started >= 1.0  # it did pause for Spotify
        emulator.app.faults.add_error(ITEMS, status=429, retry_after=1, count=1, method="POST")
        saved = save_completely(client, emulator, page)
        assert_consistent(emulator, saved)
        assert sum(r.status == 429 for r in emulator.app.request_log.entries()) == 4

    def test_hours_long_retry_after_on_save_says_when_to_come_back(
        self, client: Client, emulator, state_clock
    ) -> None:
        page = make_preview(client)
        rule = emulator.app.faults.add_error(
            "/v1/me/playlists", status=429, retry_after=5 * 3600, method="POST"
        )
        response = save(client, page)
        assert response.status_code == 429
        assert response["Retry-After"] == str(5 * 3600)
        assert SLOW_DOWN in text_of(response)
        assert "Please try again in about 5 hours" in text_of(response)
        assert_consistent(emulator, {})
        emulator.app.faults.remove(rule.id)
        # Every container now holds back from creating playlists until then...
        assert save(client, page).status_code == 429
        creates = [e for e in emulator.app.request_log.entries()
                   if e.method == "POST" and e.path == "/v1/me/playlists"]
        assert len(creates) == 1  # the first one's 429: the second never reached Spotify
        # ...and coming back later saves it, once.
        state_clock.advance(5 * 3600)
        saved = save_completely(client, emulator, page)
        assert_consistent(emulator, saved)

    def test_quota_exceeded_is_explained(self, client: Client, emulator, state_clock) -> None:
        start_generation(client)
        emulator.app.rate_limiter.configure(None, quota_exceeded=True, quota_retry_after=7200)
        page = client.get("/preview/")
        assert page.status_code == 429
        assert "MoodyStream has used up its Spotify quota for now" in text_of(page)
        assert "Please try again in about 2 hours" in text_of(page)
        emulator.app.rate_limiter.configure(None, quota_exceeded=False)
        assert_app_up(client)
        state_clock.advance(7200)  # every container waited for the quota to come back
        assert client.get("/preview/").status_code == 200

    def test_rolling_window_budget_that_bites(self, client: Client, emulator) -> None:
        """Spotify's 30-second window: the budget runs out mid-generation and Retry-After is
        far longer than a page may wait, so the user is asked to come back, at once."""
        start_generation(client, artist_count="10", track_count="40")
        emulator.app.rate_limiter.configure(8)
        started = time.monotonic()
        page = client.get("/preview/")
        assert time.monotonic() - started < 5
        assert page.status_code == 429
        assert SLOW_DOWN in text_of(page)
        assert 1 <= int(page["Retry-After"]) <= 30
        emulator.app.rate_limiter.configure(None)
        assert_app_up(client)


# --- 5xx --------------------------------------------------------------------------------------


class TestServerErrors:
    @pytest.mark.parametrize("status", [500, 502, 503])
    def test_a_short_burst_is_retried_through(self, client: Client, emulator, status) -> None:
        start_generation(client)
        emulator.app.faults.add_error("/v1/*", status=status, count=3)
        page = client.get("/preview/")
        assert page.status_code == 200
        emulator.app.faults.add_error("/v1/*", status=status, count=3)
        saved = save_completely(client, emulator, page)
        assert_consistent(emulator, saved)

    @pytest.mark.parametrize("status", [500, 502, 503])
    def test_an_outage_gives_a_friendly_503_page(self, client: Client, emulator, status) -> None:
        start_generation(client)
        rule = emulator.app.faults.add_error("/v1/*", status=status)
        page = client.get("/preview/")
        assert page.status_code == 503
        assert SPOTIFY_DOWN in text_of(page)
        assert "Nothing was changed in your Spotify account" in text_of(page)
        emulator.app.faults.remove(rule.id)
        assert_app_up(client)
        assert client.get("/preview/").status_code == 200

    @pytest.mark.parametrize("status", [500, 502, 503])
    def test_an_outage_while_saving_leaves_no_playlist(
        self, client: Client, emulator, status
    ) -> None:
        page = make_preview(client)
        rule = emulator.app.faults.add_error("/v1/me/playlists", status=status, method="POST")
        response = save(client, page)
        assert response.status_code == 503
        assert SPOTIFY_DOWN in text_of(response)
        assert_consistent(emulator, {})
        emulator.app.faults.remove(rule.id)
        saved = save_completely(client, emulator, page)
        assert_consistent(emulator, saved)


# --- time-outs and broken bodies ----------------------------------------------------------------


class TestTimeoutsAndMalformedBodies:
    @pytest.fixture(autouse=True)
    def short_timeout(self, settings) -> None:
        settings.SPOTIFY_REQUEST_TIMEOUT = 0.5

    def test_one_slow_answer_is_retried(self, client: Client, emulator) -> None:
        start_generation(client)
        emulator.app.faults.add_timeout("/v1/me/top/artists", seconds=1.5, count=1)
        page = client.get("/preview/")
        assert page.status_code == 200
        saved = save_completely(client, emulator, page)
        assert_consistent(emulator, saved)

    def test_spotify_hanging_gives_a_503_page_in_bounded_time(
        self, client: Client, emulator
    ) -> None:
        start_generation(client)
        rule = emulator.app.faults.add_timeout("/v1/me/top/artists", seconds=1.0)
        started = time.monotonic()
        page = client.get("/preview/")
        elapsed = time.monotonic() - started
        assert page.status_code == 503
        assert SPOTIFY_DOWN in text_of(page)
        assert elapsed < 10, elapsed  # 4 attempts of 0.5 s plus back-off, not a hung Lambda
        emulator.app.faults.remove(rule.id)
        assert_app_up(client)

    def test_a_timed_out_add_is_not_repeated_and_leaves_nothing(
        self, client: Client, emulator
    ) -> None:
        """POST /items timing out may still have been applied: the save must not add the items
        twice, and the half-made playlist must go."""
        page = make_preview(client)
        emulator.app.faults.add_timeout(ITEMS, seconds=1.0, count=1, method="POST")
        response = save(client, page)
        assert response.status_code == 503
        assert SPOTIFY_DOWN in text_of(response)
        time.sleep(1.0)  # let the emulator finish the held request
        assert_consistent(emulator, {})
        assert_app_up(client)

    def test_a_timed_out_create_that_spotify_applies_late_leaves_nothing(
        self, client: Client, emulator
    ) -> None:
        """Spotify applies the create 0.5 s after the client gave up (one time-out late); the
        save keeps looking for its playlist a little longer than that, finds the playlist and
        fills it, so nothing empty is left and the user gets the result."""
        page = make_preview(client)
        emulator.app.faults.add_timeout("/v1/me/playlists", seconds=1.0, count=1, method="POST")
        response = save(client, page)
        saved = {saved_playlist_id(response): previewed_uris(page)}
        time.sleep(1.5)  # nothing else is still on its way
        assert_consistent(emulator, saved)
        created = [r for r in emulator.app.request_log.entries()
                   if r.method == "POST" and r.path == "/v1/me/playlists"]
        assert len(created) == 1

    def test_a_create_whose_connection_drops_leaves_nothing(
        self, client: Client, emulator
    ) -> None:
        """The connection drops after the create was sent: it is not repeated; the save looks
        for it for a while, finds nothing (the emulator never applied it) and says so."""
        page = make_preview(client)
        emulator.app.faults.add_timeout(
            "/v1/me/playlists", seconds=0.1, drop=True, count=1, method="POST"
        )
        started = time.monotonic()
        response = save(client, page)
        assert response.status_code == 503
        assert SPOTIFY_DOWN in text_of(response)
        assert time.monotonic() - started < 5
        assert_consistent(emulator, {})
        # The emulator logs no dropped request: any POST logged would be a repeat.
        created = [r for r in emulator.app.request_log.entries()
                   if r.method == "POST" and r.path == "/v1/me/playlists"]
        assert created == []
        saved = save_completely(client, emulator, page)
        assert_consistent(emulator, saved)

    def test_an_add_whose_connection_drops_is_not_repeated_and_leaves_nothing(
        self, client: Client, emulator
    ) -> None:
        page = make_preview(client)
        emulator.app.faults.add_timeout(ITEMS, seconds=0.1, drop=True, count=1, method="POST")
        response = save(client, page)
        assert response.status_code == 503
        assert SPOTIFY_DOWN in text_of(response)
        assert_consistent(emulator, {})
        # The emulator logs no dropped request: any POST logged would be a repeat.
        posts = [r for r in emulator.app.request_log.entries()
                 if r.method == "POST" and r.path.endswith("/items")]
        assert posts == []
        assert_app_up(client)

    def test_a_timed_out_create_is_healed_by_saving_again(
        self, client: Client, emulator
    ) -> None:
        """Whatever a late create left behind, saving again finishes that same playlist."""
        page = make_preview(client)
        emulator.app.faults.add_timeout("/v1/me/playlists", seconds=1.0, count=1, method="POST")
        first = save(client, page)
        assert first.status_code in (302, 503)
        time.sleep(1.5)
        saved = save_completely(client, emulator, page)
        assert_consistent(emulator, saved)

    def test_broken_json_is_retried(self, client: Client, emulator) -> None:
        start_generation(client)
        emulator.app.faults.add_malformed("/v1/search", count=2)
        emulator.app.faults.add_malformed("/v1/artists/*/albums", count=1)
        page = client.get("/preview/")
        assert page.status_code == 200
        saved = save_completely(client, emulator, page)
        assert_consistent(emulator, saved)

    def test_broken_json_everywhere_gives_a_503_page(self, client: Client, emulator) -> None:
        start_generation(client)
        rule = emulator.app.faults.add_malformed("/v1/*")
        page = client.get("/preview/")
        assert page.status_code == 503
        assert SPOTIFY_DOWN in text_of(page)
        emulator.app.faults.remove(rule.id)
        assert_app_up(client)

    def test_broken_json_answering_a_create_makes_one_playlist(
        self, client: Client, emulator
    ) -> None:
        """The create was applied, only its answer is broken: retrying the POST blindly would
        make a second playlist."""
        page = make_preview(client)
        emulator.app.faults.add_malformed("/v1/me/playlists", count=1, method="POST")
        response = save(client, page)
        assert response.status_code in (302, 503)
        if response.status_code == 302:
            saved = {saved_playlist_id(response): previewed_uris(page)}
        else:
            saved = save_completely(client, emulator, page)
        assert_consistent(emulator, saved)

    def test_broken_json_answering_an_add_adds_the_items_once(
        self, client: Client, emulator
    ) -> None:
        page = make_preview(client)
        emulator.app.faults.add_malformed(ITEMS, count=1, method="POST")
        response = save(client, page)
        assert response.status_code in (302, 503)
        if response.status_code == 302:
            saved = {saved_playlist_id(response): previewed_uris(page)}
            assert_consistent(emulator, saved)
        else:
            assert_consistent(emulator, {})

    def test_broken_json_answering_a_later_add_adds_the_items_once(
        self, client: Client, emulator, placed_faults
    ) -> None:
        """The second POST of items (items 101-150) is applied but its answer is broken: the
        save reads the items back, sees them there once, and finishes."""
        page = make_preview(client, track_count="150", artist_count="10")
        assert len(previewed_uris(page)) == 150
        second_add = NthMalformed("POST", ITEMS, ok=1)
        placed_faults.append(second_add)
        response = save(client, page)
        saved = {saved_playlist_id(response): previewed_uris(page)}
        assert_consistent(emulator, saved)
        assert second_add.seen == 2


# --- tokens and consent -----------------------------------------------------------------------


class TestTokensAndConsent:
    def test_access_token_expiring_mid_generation_is_refreshed(
        self, client: Client, emulator, placed_faults
    ) -> None:
        start_generation(client)
        # An hour passes just before the fourth read: the first round (top artists, top
        # tracks, playlists) is done, the catalogue requests are under way.
        placed_faults.append(
            RequestHook("GET", "/v1/*", 4, lambda: emulator.app.clock.advance(3601))
        )
        page = client.get("/preview/")
        assert page.status_code == 200
        assert sum(r.status == 401 for r in emulator.app.request_log.entries()) >= 1
        assert any(r.path == "/api/token" for r in emulator.app.request_log.entries())
        # The refreshed token went back into the session: saving works without another refresh.
        emulator.app.request_log.clear()
        saved = save_completely(client, emulator, page)
        assert not any(r.status == 401 for r in emulator.app.request_log.entries())
        assert_consistent(emulator, saved)

    def test_access_token_revoked_before_save_is_refreshed(
        self, client: Client, emulator
    ) -> None:
        page = make_preview(client)
        emulator.app.tokens.revoke_user(USER_TYPICAL, access=True, refresh=False)
        saved = save_completely(client, emulator, page)
        assert_consistent(emulator, saved)

    def test_revoked_refresh_token_signs_the_user_out_with_a_message(
        self, client: Client, emulator, sign_in
    ) -> None:
        start_generation(client)
        emulator.app.tokens.revoke_user(USER_TYPICAL)
        page = client.get("/preview/")
        assert page.status_code == 302 and page["Location"] == "/sign-in-again/"
        told = client.get("/sign-in-again/")
        assert told.status_code == 200
        assert CONNECTION_EXPIRED in text_of(told)
        # Signed out: the generator asks to connect again; connecting again works.
        assert client.get("/generate/")["Location"].startswith("/?next=")
        sign_in(client)
        assert make_preview(client).status_code == 200

    def test_consent_revoked_between_preview_and_save(
        self, client: Client, emulator, sign_in
    ) -> None:
        page = make_preview(client)
        emulator.app.tokens.revoke_user(USER_TYPICAL)
        response = client.post("/save/", {"digest": digest_of(page)}, follow=True)
        assert response.redirect_chain[-1][0] == "/sign-in-again/"
        assert CONNECTION_EXPIRED in text_of(response)
        assert_consistent(emulator, {})
        assert_app_up(client)
        sign_in(client)
        saved = save_completely(client, emulator, make_preview(client))
        assert_consistent(emulator, saved)

    def test_consent_revoked_in_the_middle_of_a_save_leaves_at_most_an_empty_playlist(
        self, client: Client, emulator, placed_faults
    ) -> None:
        """Tokens die between creating the playlist and filling it: nothing can be written or
        removed any more, so an empty playlist may stay, never a half-filled one."""
        page = make_preview(client, track_count="150")
        placed_faults.append(
            RequestHook(
                "POST", ITEMS, 1, lambda: emulator.app.tokens.revoke_user(USER_TYPICAL)
            )
        )
        response = client.post("/save/", {"digest": digest_of(page)}, follow=True)
        assert response.redirect_chain[-1][0] == "/sign-in-again/"
        assert CONNECTION_EXPIRED in text_of(response)
        # The playlist could not be removed either (no token): it is left empty, never half full.
        leftovers = marked_playlists(emulator)
        assert all(p["items"] == [] for p in leftovers), [len(p["items"]) for p in leftovers]
        assert_app_up(client)


# --- failures while filling -------------------------------------------------------------------


class TestFillingFailures:
    def test_second_add_failing_for_good_leaves_no_playlist(
        self, client: Client, emulator, placed_faults
    ) -> None:
        page = make_preview(client, track_count="150", artist_count="10")
        assert len(previewed_uris(page)) == 150  # two POSTs of items: 100 + 50
        placed_faults.append(NthRequestFault("POST", ITEMS, ok=1, status=500))
        response = save(client, page)
        assert response.status_code == 503
        assert SPOTIFY_DOWN in text_of(response)
        assert_consistent(emulator, {})
        placed_faults.clear()
        saved = save_completely(client, emulator, page)
        assert_consistent(emulator, saved)

    def test_second_add_failing_briefly_completes(
        self, client: Client, emulator, placed_faults
    ) -> None:
        page = make_preview(client, track_count="150", artist_count="10")
        placed_faults.append(NthRequestFault("POST", ITEMS, ok=1, status=502, count=2))
        saved = save_completely(client, emulator, page)
        assert_consistent(emulator, saved)

    def test_a_failing_look_at_the_library_around_the_create_leaves_nothing(
        self, client: Client, emulator, placed_faults
    ) -> None:
        """The save reads the user's newest playlists with the preview and after a lost
        create; a look failing must not strand a new, empty playlist."""
        page = make_preview(client)
        placed_faults.append(NthRequestFault("GET", "/v1/me/playlists", ok=1, status=503))
        response = save(client, page)
        assert response.status_code in (302, 503)
        placed_faults.clear()
        if response.status_code == 302:
            assert_consistent(emulator, {saved_playlist_id(response): previewed_uris(page)})
        else:
            assert SPOTIFY_DOWN in text_of(response)
            assert_consistent(emulator, {})


# --- playlist ids -----------------------------------------------------------------------------


class TestPlaylistIds:
    @pytest.mark.parametrize(
        "playlist_id",
        ["0" * 22, "ZZZZZZZZZZZZZZZZZZZZZZ", "nope", "a" * 23, "a" * 400, "%2E%2E", "%00",
         "%3Cscript%3E", "0" * 21 + "%C3%A9"],
    )
    def test_result_page_for_unknown_or_malformed_ids(
        self, client: Client, playlist_id: str
    ) -> None:
        response = client.get(f"/playlists/{playlist_id}/")
        assert response.status_code == 404
        assert NOT_FOUND in text_of(response)
        assert_app_up(client)

    @pytest.mark.parametrize("junk", ["nope", "0" * 21, "<script>", "a" * 500, "\u00e9" * 22])
    def test_refresh_target_malformed(self, client: Client, emulator, junk: str) -> None:
        page = make_preview(client)
        response = client.post(
            "/preview/replace/confirm/", {"digest": digest_of(page), "playlist": junk},
            follow=True,
        )
        assert response.status_code == 200
        assert response.redirect_chain[-1][0].startswith("/preview/replace/?")
        assert REFRESH_REFUSED in text_of(response)
        assert_consistent(emulator, {})

    def test_refresh_target_unknown(self, client: Client, emulator) -> None:
        """No such playlist (deleted meanwhile): the preview comes back saying so, not a 404."""
        page = make_preview(client)
        response = client.post(
            "/preview/replace/confirm/", {"digest": digest_of(page), "playlist": "0" * 22},
            follow=True,
        )
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == "/preview/"
        assert REFRESH_TARGET_GONE in text_of(response)
        assert NOT_FOUND not in text_of(response)
        assert_consistent(emulator, {})
        assert_app_up(client)

    def test_refresh_target_of_another_user_is_refused(self, client: Client, emulator) -> None:
        """Another user's playlist (visible, as this one is public) is not the user's own
        MoodyStream playlist: the preview comes back with the reason, nothing is touched."""
        [foreign, *_] = emulator.app.state.user_playlists("maya")
        page = make_preview(client)
        response = client.post(
            "/preview/replace/confirm/", {"digest": digest_of(page), "playlist": foreign["id"]},
            follow=True,
        )
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == "/preview/"
        assert REFRESH_REFUSED in text_of(response)
        assert emulator.app.state.user_playlists("maya")[0] == foreign
        assert_consistent(emulator, {})

    def test_refresh_never_overwrites_a_playlist_moodystream_did_not_make(
        self, client: Client, emulator
    ) -> None:
        """Only MoodyStream playlists are offered for replacing; a crafted form naming one of
        the user's own playlists must not replace its name, description and songs."""
        [own, *_] = emulator.app.state.user_playlists(USER_TYPICAL)
        assert not own["description"].endswith("]")
        before = {**own, "items": list(own["items"])}
        page = make_preview(client)
        response = client.post(
            "/preview/replace/confirm/", {"digest": digest_of(page), "playlist": own["id"]},
            follow=True,
        )
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == "/preview/"
        assert REFRESH_REFUSED in text_of(response)
        after = next(
            p for p in emulator.app.state.user_playlists(USER_TYPICAL) if p["id"] == own["id"]
        )
        assert after["items"] == before["items"]
        assert after["name"] == before["name"]
        assert after["description"] == before["description"]
        assert after["public"] == before["public"]
        assert_consistent(emulator, {})
        assert_app_up(client)


class TestSignInAgainKeepsTheDraft:
    """invalid_grant (consent revoked, or the refresh token past Spotify's six months): the
    listener signs in again and finds their options and removals as they were."""

    def test_the_draft_survives_the_sign_in(self, client: Client, emulator, sign_in) -> None:
        page = make_preview(client, name="Kept through sign-in")
        removed = previewed_uris(page)[0].rsplit(":", 1)[-1]
        assert client.post("/preview/remove/", {"track_id": removed}).status_code == 302
        emulator.app.tokens.revoke_user(USER_TYPICAL)
        answer = client.get("/preview/", follow=True)
        assert answer.redirect_chain[0][0] == "/sign-in-again/"
        assert CONNECTION_EXPIRED in text_of(answer)
        assert "Your options and removals are kept" in text_of(answer)
        assert client.get("/generate/")["Location"].startswith("/?next=")  # no tokens kept
        sign_in(client)
        form = client.get("/generate/")
        assert "Kept through sign-in" in form.content.decode(), [
            line for line in form.content.decode().splitlines() if 'name="name"' in line]
        again = client.get("/preview/")
        assert again.status_code == 200
        assert "Kept through sign-in" in text_of(again)
        assert f"spotify:track:{removed}" not in previewed_uris(again)

    def test_without_a_draft_it_is_a_plain_sign_out(self, client: Client, emulator) -> None:
        emulator.app.tokens.revoke_user(USER_TYPICAL)
        page = client.get("/artists/search/", {"q": "Hazel"})
        assert page.status_code in (401, 502, 302)
        assert "sp_draft" not in client.session
