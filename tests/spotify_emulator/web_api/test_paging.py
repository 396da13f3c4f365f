"""Following ``next`` to the end of every list yields exactly ``total`` distinct items."""

from __future__ import annotations

import pytest

from spotify_emulator import (
    USER_FEW_TOP_ARTISTS,
    USER_HEAVY,
    USER_NEW,
    USER_TYPICAL,
    EmulatorServer,
)

from ..conftest import Api, LoginFactory


def walk(api: Api, url: str, key: str | None = None) -> tuple[list[dict], list[dict]]:
    """All items and all pages, following ``next`` until it is null."""
    items, pages = [], []
    while url:
        answer = api.get(url)
        assert answer.status_code == 200, answer.text
        page = answer.json()[key] if key else answer.json()
        assert page["href"].startswith(api.server.base_url + "/v1/")
        pages.append(page)
        items += page["items"]
        url = page["next"]
        assert len(pages) < 200, "paging does not end"
    return items, pages


def item_key(item: dict) -> str:
    inner = item.get("track") or item
    return inner["id"]


def check_offset_paging(api: Api, url: str, key: str | None = None,
                        unique: bool = True) -> list[dict]:
    items, pages = walk(api, url, key)
    total = pages[0]["total"]
    assert len(items) == total
    assert all(p["total"] == total for p in pages)
    if unique:
        assert len({item_key(i) for i in items}) == total
    for n, page in enumerate(pages):
        assert page["offset"] == n * page["limit"]
        assert (page["previous"] is None) == (n == 0)
    assert pages[-1]["next"] is None
    if len(pages) > 1:  # previous leads back to the same items
        back = api.get(pages[1]["previous"]).json()
        back = back[key] if key else back
        assert [item_key(i) for i in back["items"]] == [item_key(i) for i in pages[0]["items"]]
    return items


@pytest.mark.parametrize("user", [USER_TYPICAL, USER_HEAVY, USER_FEW_TOP_ARTISTS, USER_NEW])
@pytest.mark.parametrize("kind", ["artists", "tracks"])
@pytest.mark.parametrize("time_range", ["short_term", "medium_term", "long_term"])
def test_top_items(login: LoginFactory, user: str, kind: str, time_range: str):
    check_offset_paging(login(user), f"/v1/me/top/{kind}?time_range={time_range}&limit=7")


@pytest.mark.parametrize("user", [USER_TYPICAL, USER_HEAVY, USER_NEW])
def test_saved_tracks(login: LoginFactory, user: str):
    items = check_offset_paging(login(user), "/v1/me/tracks?limit=50")
    added = [i["added_at"] for i in items]
    assert added == sorted(added, reverse=True)  # most recently saved first


@pytest.mark.parametrize("user", [USER_TYPICAL, USER_HEAVY, USER_NEW])
def test_my_playlists(login: LoginFactory, user: str):
    check_offset_paging(login(user), "/v1/me/playlists?limit=50")


@pytest.mark.parametrize("user", [USER_TYPICAL, USER_HEAVY, USER_FEW_TOP_ARTISTS, USER_NEW])
def test_followed_artists_cursor_paging(login: LoginFactory, user: str):
    api = login(user)
    items, pages = walk(api, "/v1/me/following?type=artist&limit=20", key="artists")
    total = pages[0]["total"]
    assert len(items) == total == len({i["id"] for i in items})
    for page in pages[:-1]:
        assert page["cursors"]["after"] == page["items"][-1]["id"]
        assert f"after={page['cursors']['after']}" in page["next"]
    assert pages[-1]["next"] is None and pages[-1]["cursors"]["after"] is None


def test_typical_user_has_enough_to_page(login: LoginFactory):
    api = login(USER_TYPICAL)
    assert api.get("/v1/me/following?type=artist").json()["artists"]["total"] > 50
    assert api.get("/v1/me/tracks").json()["total"] > 50
    tops = {r: api.get(f"/v1/me/top/artists?limit=50&time_range={r}").json()
            for r in ("short_term", "medium_term", "long_term")}
    assert all(20 <= t["total"] <= 40 for t in tops.values())
    orders = {r: [a["id"] for a in t["items"]] for r, t in tops.items()}
    assert orders["short_term"] != orders["medium_term"] != orders["long_term"]
    assert login(USER_HEAVY).get("/v1/me/playlists").json()["total"] > 50


def test_few_and_new_users(login: LoginFactory):
    assert login(USER_FEW_TOP_ARTISTS).get("/v1/me/top/artists").json()["total"] == 2
    new = login(USER_NEW)
    for path in ("/v1/me/top/artists", "/v1/me/top/tracks", "/v1/me/tracks",
                 "/v1/me/playlists"):
        page = new.get(path).json()
        assert page["total"] == 0 and page["items"] == [] and page["next"] is None
    assert new.get("/v1/me/following?type=artist").json()["artists"]["items"] == []


def test_artist_albums_album_tracks_and_playlist_items(api: Api, emulator: EmulatorServer):
    emulator.app.set_mode("extended")  # album_group is only sent in extended mode
    cat = emulator.app.catalogue
    busiest = max(cat.main_artists(), key=lambda a: len(cat.discography[a.id]))
    albums = check_offset_paging(api, f"/v1/artists/{busiest.id}/albums?limit=10")
    assert len(albums) == len(cat.discography[busiest.id]) > 10
    groups = [a["album_group"] for a in albums]
    order = ["album", "single", "appears_on", "compilation"]
    assert groups == sorted(groups, key=order.index)
    deluxe = next(a for a in cat.albums.values() if len(a.track_ids) > 15)
    check_offset_paging(api, f"/v1/albums/{deluxe.id}/tracks?limit=4")
    playlist = emulator.app.state.user_playlists(USER_TYPICAL)[0]
    items = check_offset_paging(api, f"/v1/playlists/{playlist['id']}/items?limit=5",
                                unique=False)
    assert [i["item"]["uri"] for i in items] == playlist["items"]


def test_search_pages_keep_the_query(api: Api):
    items, pages = walk(api, "/v1/search?q=summer&type=track&limit=10", key="tracks")
    assert len(items) == pages[0]["total"] > 10
    assert all("q=summer" in p["href"] and "type=track" in p["href"] for p in pages)


def test_embedded_album_tracks_link_to_the_next_page(api: Api, emulator: EmulatorServer):
    cat = emulator.app.catalogue
    album = next(a for a in cat.albums.values() if len(a.track_ids) > 1)
    embedded = api.get(f"/v1/albums/{album.id}").json()["tracks"]
    assert embedded["total"] == len(album.track_ids)
    assert embedded["href"].startswith(f"{emulator.base_url}/v1/albums/{album.id}/tracks")
