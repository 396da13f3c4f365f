"""The generator pages, from options to a saved playlist, driven through the real views.

Spotify is the emulator, over HTTP; the only shortcut is Django's test client instead of a
browser (the browser walk lives in tests/e2e).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from playlists.services.options import MAX_ARTIST_NAME, MAX_DESCRIPTION, MAX_NAME, MESSAGES
from spotify_emulator import USER_NEW, USER_TYPICAL

VALID = {
    "artist_source": "top",
    "time_range": "medium_term",
    "picked_artists": "",
    "artist_count": "5",
    "track_count": "20",
    "deep_cut_percent": "40",
    "exclude_versions": ["live", "remix", "acoustic", "instrumental", "karaoke", "demo"],
    "allow_explicit": "on",
    "visibility": "private",
    "name": "",
    "description": "",
}

URI = re.compile(r'data-uri="(spotify:track:[0-9A-Za-z]{22})"')


def previewed_uris(page) -> list[str]:
    return URI.findall(page.content.decode())


def digest_of(page) -> str:
    match = re.search(r'name="digest" value="([0-9a-f]+)"', page.content.decode())
    assert match, "no save form on the page"
    return match.group(1)


def make_preview(client: Client, **changes: object) -> object:
    response = client.post("/generate/", {**VALID, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/preview/"
    page = client.get("/preview/")
    assert page.status_code == 200, page.content.decode()[:2000]
    return page


def owned_playlists(emulator, user_id: str = USER_TYPICAL) -> list[dict]:
    """The playlists MoodyStream made for the user, by the app's one rule for "ours"."""
    from playlists.music import PlaylistSummary
    from playlists.services.saving import is_moodystream_playlist, recently_saved_ids
    from shared_state.stores import shared_state

    return [
        p
        for p in emulator.app.state.user_playlists(user_id)
        if is_moodystream_playlist(
            PlaylistSummary(id=p["id"], name=p["name"], uri="", description=p["description"]),
            recently_saved=recently_saved_ids(shared_state(), user_id),
        )
    ]


class TestOptionsForm:
    def test_shows_sensible_defaults(self, connected_client: Client) -> None:
        page = connected_client.get("/generate/")
        text = page.content.decode()
        assert page.status_code == 200
        assert 'name="deep_cut_percent"' in text and 'type="range"' in text
        assert 'value="10"' in text  # artists
        assert 'value="50"' in text  # tracks

    def test_skits_intros_and_interludes_are_left_out_by_default(
        self, connected_client: Client
    ) -> None:
        text = connected_client.get("/generate/").content.decode()
        choice = re.search(r'<input[^>]*name="exclude_versions"[^>]*value="skit"[^>]*>', text)
        assert choice and "checked" in choice.group(0)
        assert "Skits, intros, interludes" in text

    def test_fresh_deep_cuts_are_on_by_default_and_can_be_switched_off(
        self, connected_client: Client
    ) -> None:
        text = connected_client.get("/generate/").content.decode()
        box = re.search(r'<input[^>]*name="exclude_earlier"[^>]*>', text)
        assert box and "checked" in box.group(0)
        connected_client.post("/generate/", VALID)  # an unticked box is not sent
        form = connected_client.get("/generate/").context["form"]
        assert form.initial["exclude_earlier"] is False

    def test_remembers_the_last_options(self, connected_client: Client) -> None:
        connected_client.post("/generate/", {**VALID, "track_count": "33", "name": "Sunday"})
        page = connected_client.get("/generate/")
        form = page.context["form"]
        assert form.initial["track_count"] == 33
        assert form.initial["name"] == "Sunday"

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("artist_count", "0", MESSAGES["artist_count"]),
            ("artist_count", "51", MESSAGES["artist_count"]),
            ("artist_count", "ten", MESSAGES["artist_count"]),
            ("artist_count", "", MESSAGES["artist_count"]),
            ("track_count", "9", MESSAGES["track_count"]),
            ("track_count", "201", MESSAGES["track_count"]),
            ("track_count", "1e3", MESSAGES["track_count"]),
            ("deep_cut_percent", "-5", MESSAGES["deep_cut_percent"]),
            ("deep_cut_percent", "101", MESSAGES["deep_cut_percent"]),
            ("deep_cut_percent", "lots", MESSAGES["deep_cut_percent"]),
            ("artist_source", "friends", MESSAGES["artist_source"]),
            ("time_range", "forever", MESSAGES["time_range"]),
            ("visibility", "secret", MESSAGES["visibility"]),
            ("exclude_versions", ["live", "bootleg"], MESSAGES["exclude_versions"]),
            ("name", "x" * (MAX_NAME + 1), MESSAGES["name"]),
            ("description", "y" * (MAX_DESCRIPTION + 1), MESSAGES["description"]),
            ("name", "bad\x07name", MESSAGES["control_characters"]),
            ("description", "bad\x1cdescription", MESSAGES["control_characters"]),
            ("picked_artists", "Ok\nBad\x85name", MESSAGES["control_characters"]),
        ],
    )
    def test_rejects_bad_input_with_a_clear_field_message(
        self, connected_client: Client, field: str, value: object, message: str
    ) -> None:
        response = connected_client.post("/generate/", {**VALID, field: value})
        assert response.status_code == 400
        errors = " ".join(response.context["form"].errors.get(field, []))
        assert message in errors
        assert message in response.content.decode().replace("&#x27;", "'")

    @pytest.mark.parametrize(
        ("names", "message"),
        [
            ("\n".join(f"Artist {n}" for n in range(51)), MESSAGES["picked_artists_too_many"]),
            ("A" * (MAX_ARTIST_NAME + 1), MESSAGES["picked_artists_too_long"]),
        ],
    )
    def test_picked_artists_are_checked_by_the_options_rules(
        self, connected_client: Client, names: str, message: str
    ) -> None:
        response = connected_client.post(
            "/generate/", {**VALID, "artist_source": "picked", "picked_artists": names}
        )
        assert response.status_code == 400
        assert message in response.context["form"].errors["picked_artists"]

    def test_the_form_announces_the_options_limits(self, connected_client: Client) -> None:
        text = connected_client.get("/generate/").content.decode()
        assert f'maxlength="{MAX_DESCRIPTION}"' in text
        assert f'maxlength="{MAX_NAME}"' in text
        assert 'min="1"' in text and 'max="50"' in text
        assert 'min="10"' in text and 'max="200"' in text
        assert f"up to {MAX_DESCRIPTION} characters" in text

    def test_pick_by_name_needs_a_name(self, connected_client: Client) -> None:
        response = connected_client.post("/generate/", {**VALID, "artist_source": "picked"})
        assert response.status_code == 400
        assert "at least one artist name" in response.content.decode()

    def test_an_empty_name_means_an_automatic_one(
        self, connected_client: Client
    ) -> None:
        page = make_preview(connected_client, name="   ")
        assert "MoodyStream · " in page.context["preview"].name

    def test_needs_a_spotify_connection(self, spotify_settings) -> None:
        response = Client().post("/generate/", VALID)
        assert response.status_code == 302
        assert response["Location"] == "/"  # the home page: its ways in

    def test_needs_csrf(self, connected_client: Client) -> None:
        strict = Client(enforce_csrf_checks=True)
        strict.cookies = connected_client.cookies
        response = strict.post("/generate/", VALID)
        assert response.status_code == 403
        assert "Your form expired" in response.content.decode()


class TestPreview:
    def test_lists_the_tracks_with_badges_and_totals(self, connected_client: Client) -> None:
        page = make_preview(connected_client)
        preview = page.context["preview"]
        text = page.content.decode()
        assert preview.track_count == 20
        assert len(previewed_uris(page)) == 20
        assert text.count("badge-top") == preview.top_count
        assert text.count("badge-deep") == preview.deep_count
        assert "20</strong> tracks" in text
        assert " min</strong>" in text
        assert 'id="save-button"' in text

    def test_is_stable_across_reloads(self, connected_client: Client) -> None:
        first = make_preview(connected_client)
        again = connected_client.get("/preview/")
        assert previewed_uris(first) == previewed_uris(again)

    def test_shuffle_gives_a_new_mix(self, connected_client: Client) -> None:
        first = previewed_uris(make_preview(connected_client))
        response = connected_client.post("/preview/shuffle/")
        assert response.status_code == 302
        second = previewed_uris(connected_client.get("/preview/"))
        assert len(second) == len(first)
        assert second != first

    def test_removing_a_track_takes_it_out(self, connected_client: Client) -> None:
        page = make_preview(connected_client)
        victim = page.context["preview"].entries[3].track
        response = connected_client.post("/preview/remove/", {"track_id": victim.id})
        assert response.status_code == 302
        assert response["Location"].startswith("/preview/#track-")  # back where the user was
        after = connected_client.get("/preview/")
        assert victim.uri not in previewed_uris(after)

    @pytest.mark.parametrize("junk", ["", "x", "../../etc", "a" * 23, "<script>"])
    def test_removing_junk_changes_nothing(self, connected_client: Client, junk: str) -> None:
        before = previewed_uris(make_preview(connected_client))
        response = connected_client.post("/preview/remove/", {"track_id": junk}, follow=True)
        assert response.status_code == 200
        assert previewed_uris(response) == before

    def test_without_options_goes_back_to_the_form(self, connected_client: Client) -> None:
        response = connected_client.get("/preview/")
        assert response.status_code == 302 and response["Location"] == "/generate/"

    def test_a_cookie_from_before_the_keys_had_names_starts_fresh(
        self, connected_client: Client, settings
    ) -> None:
        """An old release wrote {"gen": {"o": {"tc": ...}, "rm": [...]}}: no crash, a new start."""
        session = connected_client.session
        session["gen"] = {"o": {"src": "top", "tc": 33, "sd": 7}, "rm": ["x" * 22]}
        session.save()
        connected_client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key

        preview = connected_client.get("/preview/")
        form = connected_client.get("/generate/")

        assert preview.status_code == 302 and preview["Location"] == "/generate/"
        assert form.status_code == 200
        assert form.context["form"].initial == {}  # the defaults, not the old cookie's 33
        assert connected_client.post("/generate/", VALID).status_code == 302  # still signed in
        assert connected_client.get("/preview/").status_code == 200

    def test_a_user_with_no_top_artists_is_told_what_to_do(self, sign_in) -> None:
        client = sign_in(user_id=USER_NEW)
        client.post("/generate/", VALID)
        page = client.get("/preview/")
        assert page.status_code == 422
        assert page.context["generation_error"]
        assert 'id="generation-error"' in page.content.decode()


class TestSave:
    def test_saves_exactly_the_previewed_tracks_in_order(
        self, connected_client: Client, emulator
    ) -> None:
        page = make_preview(connected_client, visibility="public", name="Road trip")
        uris = previewed_uris(page)
        response = connected_client.post("/save/", {"digest": digest_of(page)})
        assert response.status_code == 302
        playlist_id = response["Location"].split("/")[-2]
        [saved] = owned_playlists(emulator)
        assert saved["id"] == playlist_id
        assert saved["items"] == uris
        assert saved["name"] == "Road trip"
        assert saved["public"] is True

    def test_result_page_links_to_spotify_and_embeds_the_player(
        self, connected_client: Client
    ) -> None:
        page = make_preview(connected_client)
        result = connected_client.post("/save/", {"digest": digest_of(page)}, follow=True)
        text = result.content.decode()
        playlist_id = result.redirect_chain[-1][0].split("/")[-2]
        assert f"https://open.spotify.com/playlist/{playlist_id}" in text
        assert f"spotify:playlist:{playlist_id}" in text
        assert f"https://open.spotify.com/embed/playlist/{playlist_id}" in text
        assert 'id="make-another"' in text

    def test_saving_twice_makes_one_playlist(
        self, connected_client: Client, emulator
    ) -> None:
        page = make_preview(connected_client)
        first = connected_client.post("/save/", {"digest": digest_of(page)})
        second = connected_client.post("/save/", {"digest": digest_of(page)})
        assert first["Location"] == second["Location"]
        assert len(owned_playlists(emulator)) == 1

    def test_a_browser_retry_with_an_old_cookie_makes_one_playlist(
        self, connected_client: Client, emulator
    ) -> None:
        page = make_preview(connected_client)
        old_cookies = connected_client.cookies
        first = connected_client.post("/save/", {"digest": digest_of(page)})
        retry = Client()
        retry.cookies = old_cookies  # the session that does not yet know about the save
        second = retry.post("/save/", {"digest": digest_of(page)})
        assert first["Location"] == second["Location"]
        assert len(owned_playlists(emulator)) == 1

    def test_a_saved_draft_stays_as_saved(self, connected_client: Client, emulator) -> None:
        """Its own playlist is not an earlier one for it: its deep cuts are not left out as
        heard, so coming back to it (or saving it again) finds the preview unchanged."""
        page = make_preview(connected_client, exclude_earlier="on")
        first = connected_client.post("/save/", {"digest": digest_of(page)})
        again = connected_client.get("/preview/")
        assert previewed_uris(again) == previewed_uris(page)
        assert digest_of(again) == digest_of(page)
        second = connected_client.post("/save/", {"digest": digest_of(again)}, follow=True)
        assert second.redirect_chain[0][0] == first["Location"]
        assert "changed since you opened it" not in second.content.decode()
        assert len(owned_playlists(emulator)) == 1

    def test_a_shuffle_after_saving_avoids_the_saved_deep_cuts(
        self, connected_client: Client, emulator
    ) -> None:
        page = make_preview(connected_client, exclude_earlier="on")
        connected_client.post("/save/", {"digest": digest_of(page)})
        connected_client.post("/preview/shuffle/")
        shuffled = connected_client.get("/preview/")
        assert "left out of the deep cuts, so these are new ones" in shuffled.content.decode()

    def test_a_stale_preview_is_not_saved(self, connected_client: Client, emulator) -> None:
        make_preview(connected_client)
        response = connected_client.post("/save/", {"digest": "0" * 32}, follow=True)
        assert response.redirect_chain[-1][0] == "/preview/"
        assert "changed since you opened it" in response.content.decode()
        assert owned_playlists(emulator) == []

    def test_refreshing_an_earlier_playlist_replaces_its_tracks(
        self, connected_client: Client, emulator
    ) -> None:
        page = make_preview(connected_client)
        connected_client.post("/save/", {"digest": digest_of(page)})
        [earlier] = owned_playlists(emulator)
        connected_client.post("/preview/shuffle/")
        page = connected_client.get("/preview/")
        choices = connected_client.get(f"/preview/replace/?digest={digest_of(page)}")
        assert f'value="{earlier["id"]}"' in choices.content.decode()
        response = connected_client.post(
            "/preview/replace/confirm/", {"digest": digest_of(page), "playlist": earlier["id"]}
        )
        assert response["Location"].startswith(f"/playlists/{earlier['id']}/?replaced=")
        [refreshed] = owned_playlists(emulator)
        assert refreshed["items"] == previewed_uris(page)

    def test_save_is_post_only(self, connected_client: Client) -> None:
        assert connected_client.get("/save/").status_code == 405


class TestResultPage:
    @pytest.mark.parametrize("playlist_id", ["0" * 22, "nope", "a" * 40, "%00"])
    def test_unknown_or_malformed_ids_get_a_friendly_404(
        self, connected_client: Client, playlist_id: str
    ) -> None:
        response = connected_client.get(f"/playlists/{playlist_id}/")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


class TestSpotifyTrouble:
    def test_spotify_down_gives_a_503_page(self, connected_client: Client, emulator) -> None:
        connected_client.post("/generate/", VALID)
        emulator.app.faults.add_error("/v1/*", status=503)
        page = connected_client.get("/preview/")
        assert page.status_code == 503
        assert "Spotify is not answering" in page.content.decode()

    def test_hours_long_rate_limit_says_when_to_come_back(
        self, connected_client: Client, emulator
    ) -> None:
        connected_client.post("/generate/", VALID)
        emulator.app.faults.add_error("/v1/*", status=429, retry_after=3 * 3600)
        page = connected_client.get("/preview/")
        assert page.status_code == 429
        assert page["Retry-After"] == str(3 * 3600)
        assert "3 hours" in page.content.decode()

    def test_malformed_answers_do_not_crash(self, connected_client: Client, emulator) -> None:
        connected_client.post("/generate/", VALID)
        emulator.app.faults.add_malformed("/v1/me/top/*")
        page = connected_client.get("/preview/")
        assert page.status_code == 503


class TestApiModes:
    def test_development_mode_never_calls_removed_endpoints(
        self, connected_client: Client, emulator
    ) -> None:
        emulator.app.request_log.clear()
        page = make_preview(connected_client)
        connected_client.post("/save/", {"digest": digest_of(page)})
        paths = [e.path for e in emulator.app.request_log.entries()]
        assert paths
        assert not [p for p in paths if p.endswith("/top-tracks") or (p.endswith("/tracks")
                    and p.startswith("/v1/playlists/"))]
        assert not [e for e in emulator.app.request_log.entries() if e.status == 403]

    def test_extended_quota_apps_use_popularity_and_top_tracks(
        self, connected_client: Client, emulator, settings
    ) -> None:
        settings.SPOTIFY_API_MODE = "extended"
        emulator.app.set_mode("extended")
        emulator.app.request_log.clear()
        page = make_preview(connected_client)
        assert page.context["preview"].track_count == 20
        assert any(e.path.endswith("/top-tracks") for e in emulator.app.request_log.entries())
