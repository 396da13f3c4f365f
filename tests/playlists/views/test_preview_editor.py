"""Editing the preview with plain form posts (the path without JavaScript, which the page's
script also takes): remove with a replacement in place, undo, restore, move, reorder, and
removals that stay removed until brought back."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from playlists.views.editor import LIST_CHANGED, NOT_CHANGED, NOT_REMOVED
from tests.playlists.views.test_generator import VALID, digest_of, make_preview, owned_playlists


def shown_ids(page) -> list[str]:
    return re.findall(r'<li class="track[^"]*" id="track-([0-9A-Za-z]{22})"', page.content.decode())


def new_ids(page) -> list[str]:
    return re.findall(r'<li class="track is-new" id="track-([0-9A-Za-z]{22})"',
                      page.content.decode())


def edit(client: Client, action: str, page, **fields: str):
    """Press an edit button on ``page``: its form posts the order shown with the button's value."""
    response = client.post(f"/preview/{action}/", {"order": ",".join(shown_ids(page)), **fields})
    assert response.status_code == 302, response.content.decode()[:1000]
    landing = response["Location"]
    assert landing.startswith("/preview/")
    return landing, client.get("/preview/")


class TestRemove:
    def test_the_replacement_takes_the_removed_songs_place_marked_new(
        self, connected_client: Client
    ) -> None:
        page = make_preview(connected_client)
        before = shown_ids(page)
        victim = before[3]

        landing, after = edit(connected_client, "remove", page, track_id=victim)

        now = shown_ids(after)
        assert victim not in now and len(now) == len(before)
        assert now[:3] == before[:3] and now[4:] == before[4:]
        assert new_ids(after) == [now[3]]
        assert landing == f"/preview/#track-{now[3]}"  # the page comes back at that row
        text = after.content.decode()
        name = after.context["undo"][1]
        assert f"Removed “{name}”." in text and "takes its place." in text
        assert f'aria-label="Undo: bring back {name}"' in text

    def test_undo_puts_the_song_back_where_it_was(self, connected_client: Client) -> None:
        page = make_preview(connected_client)
        before = shown_ids(page)
        _, after = edit(connected_client, "remove", page, track_id=before[5])

        landing, undone = edit(connected_client, "restore", after, track_id=before[5])

        assert shown_ids(undone) == before
        assert landing == f"/preview/#track-{before[5]}"
        assert new_ids(undone) == []
        assert "is back." in undone.content.decode()

    def test_without_the_posted_order_the_replacement_still_takes_the_place(
        self, connected_client: Client
    ) -> None:
        before = shown_ids(make_preview(connected_client))
        connected_client.post("/preview/remove/", {"track_id": before[0]})
        now = shown_ids(connected_client.get("/preview/"))
        assert now[1:] == before[1:] and now[0] != before[0]

    def test_after_saving_a_removal_changes_only_that_song(self, connected_client: Client) -> None:
        """The playlist the draft was saved as is not an earlier one for it (fresh deep cuts
        would otherwise all change)."""
        page = make_preview(connected_client, exclude_earlier="on")
        connected_client.post("/save/", {"digest": digest_of(page)})
        before = shown_ids(page)

        _, after = edit(connected_client, "remove", page, track_id=before[4])

        now = shown_ids(after)
        assert now[:4] == before[:4] and now[5:] == before[5:] and now[4] != before[4]

    def test_the_saved_playlist_is_the_edited_preview(
        self, connected_client: Client, emulator
    ) -> None:
        page = make_preview(connected_client)
        _, page = edit(connected_client, "remove", page, track_id=shown_ids(page)[2])
        _, page = edit(connected_client, "move", page, down=shown_ids(page)[0])
        uris = re.findall(r'data-uri="(spotify:track:[0-9A-Za-z]{22})"', page.content.decode())
        connected_client.post("/save/", {"digest": digest_of(page)})
        [saved] = owned_playlists(emulator)
        assert saved["items"] == uris


class TestRemovalsStick:
    def test_across_shuffle_again(self, connected_client: Client) -> None:
        page = make_preview(connected_client)
        victim = shown_ids(page)[1]
        edit(connected_client, "remove", page, track_id=victim)
        connected_client.post("/preview/shuffle/")
        page = connected_client.get("/preview/")
        assert victim not in shown_ids(page)
        assert "Removed songs (1)" in page.content.decode()

    def test_across_back_to_options_with_the_same_artists(
        self, connected_client: Client
    ) -> None:
        page = make_preview(connected_client)
        victim = shown_ids(page)[1]
        edit(connected_client, "remove", page, track_id=victim)
        again = make_preview(connected_client, deep_cut_percent="60", name="Other name")
        assert victim not in shown_ids(again)

    def test_other_artists_start_afresh(self, connected_client: Client) -> None:
        page = make_preview(connected_client)
        edit(connected_client, "remove", page, track_id=shown_ids(page)[1])
        again = make_preview(connected_client, artist_count="6")
        assert "Removed songs" not in again.content.decode()

    def test_show_removed_songs_and_restore_one(self, connected_client: Client) -> None:
        page = make_preview(connected_client)
        victim = shown_ids(page)[4]
        edit(connected_client, "remove", page, track_id=victim)
        listed = connected_client.get("/preview/?removed=show")
        text = listed.content.decode()
        [song] = listed.context["removed_songs"]
        assert song.id == victim
        assert f'aria-label="Restore {song.name} by {song.artists[0].name}"' in text
        _, back = edit(connected_client, "restore", listed, track_id=victim)
        assert victim in shown_ids(back)
        assert "Removed songs" not in back.content.decode()

    def test_a_song_restored_after_a_shuffle_is_back_or_said_to_have_no_place(
        self, connected_client: Client
    ) -> None:
        """A shuffle draws anew, so the restored song may not be drawn: never a false "back"."""
        page = make_preview(connected_client)
        victim = shown_ids(page)[4]
        edit(connected_client, "remove", page, track_id=victim)
        connected_client.post("/preview/shuffle/")
        listed = connected_client.get("/preview/?removed=show")
        _, back = edit(connected_client, "restore", listed, track_id=victim)
        text = back.content.decode()
        assert "Removed songs" not in text
        if victim in shown_ids(back):
            assert "is back." in text
        else:
            assert "this shuffle has no place for it" in text


class TestReorder:
    def test_move_up_and_down_one_place(self, connected_client: Client) -> None:
        page = make_preview(connected_client)
        before = shown_ids(page)
        landing, up = edit(connected_client, "move", page, up=before[3])
        assert shown_ids(up) == [*before[:2], before[3], before[2], *before[4:]]
        assert landing == f"/preview/#track-{before[3]}"
        assert "to number 3." in up.content.decode()
        _, down = edit(connected_client, "move", up, down=before[3])
        assert shown_ids(down) == before

    def test_the_ends_have_no_button_past_them(self, connected_client: Client) -> None:
        page = make_preview(connected_client)
        ids = shown_ids(page)
        text = page.content.decode()
        assert f'name="up" value="{ids[0]}"' not in text
        assert f'name="down" value="{ids[-1]}"' not in text
        assert text.count('name="up"') == text.count('name="down"') == len(ids) - 1

    def test_a_dragged_order_is_kept_and_reloads_the_same(
        self, connected_client: Client
    ) -> None:
        page = make_preview(connected_client)
        before = shown_ids(page)
        wanted = [before[-1], *before[:-1]]
        response = connected_client.post(
            "/preview/reorder/", {"order": ",".join(wanted), "track_id": before[-1]}
        )
        assert response["Location"] == f"/preview/#track-{before[-1]}"
        assert shown_ids(connected_client.get("/preview/")) == wanted
        assert shown_ids(connected_client.get("/preview/")) == wanted

    @pytest.mark.parametrize("change", ["drop one", "add junk", "empty"])
    def test_an_order_of_other_tracks_is_refused(
        self, connected_client: Client, change: str
    ) -> None:
        before = shown_ids(make_preview(connected_client))
        order = {"drop one": before[1:], "add junk": [*before, "x" * 22], "empty": []}[change]
        response = connected_client.post(
            "/preview/reorder/", {"order": ",".join(order)}, follow=True
        )
        assert LIST_CHANGED in response.content.decode()
        assert shown_ids(response) == before


class TestBadEdits:
    @pytest.mark.parametrize(
        ("action", "fields"),
        [
            ("move", {"up": "x" * 22}),
            ("move", {"sideways": "whatever"}),
            ("restore", {"track_id": "A" * 22}),  # never removed
            ("restore", {"track_id": "<script>"}),
            ("remove", {"track_id": "../../etc"}),
        ],
    )
    def test_change_nothing_and_say_so(
        self, connected_client: Client, action: str, fields: dict[str, str]
    ) -> None:
        before = shown_ids(make_preview(connected_client))
        response = connected_client.post(f"/preview/{action}/", fields, follow=True)
        assert response.status_code == 200
        assert (NOT_REMOVED if action == "remove" else NOT_CHANGED) in response.content.decode()
        assert shown_ids(response) == before

    @pytest.mark.parametrize("action", ["remove", "restore", "move", "reorder"])
    def test_every_edit_needs_csrf(self, connected_client: Client, action: str) -> None:
        ids = shown_ids(make_preview(connected_client))
        strict = Client(enforce_csrf_checks=True)
        strict.cookies = connected_client.cookies
        response = strict.post(f"/preview/{action}/", {"track_id": ids[0], "up": ids[1]})
        assert response.status_code == 403

    @pytest.mark.parametrize("action", ["remove", "restore", "move", "reorder"])
    def test_every_edit_is_post_only(self, connected_client: Client, action: str) -> None:
        make_preview(connected_client)
        assert connected_client.get(f"/preview/{action}/").status_code == 405

    def test_without_a_draft_the_options_come_first(self, connected_client: Client) -> None:
        response = connected_client.post("/preview/move/", {"up": "A" * 22})
        assert response["Location"] == "/generate/"


def test_the_options_post_keeps_nothing_it_should_not(connected_client: Client) -> None:
    """Removals are kept for the same artists only: a pick-by-name list is other artists."""
    page = make_preview(connected_client)
    edit(connected_client, "remove", page, track_id=shown_ids(page)[0])
    picked = make_preview(connected_client, **{**VALID, "artist_source": "picked",
                                               "picked_artists": "Neon Tapir"})
    assert "Removed songs" not in picked.content.decode()


def test_each_track_links_to_its_player_and_the_csp_frames_exactly_that_origin(
    connected_client: Client,
) -> None:
    page = make_preview(connected_client)
    text = page.content.decode()
    [first] = shown_ids(page)[:1]
    embed = re.search(rf'data-embed="([^"]+/embed/track/{first})"', text)
    assert embed and f'/track/{first}" target="_blank"' in text
    frame_src = re.search(r"frame-src ([^;]+)", page["Content-Security-Policy"])[1].split()
    assert len(frame_src) == 1 and embed[1].startswith(frame_src[0])
