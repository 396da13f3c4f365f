"""The whole flow in both Spotify API modes: sign in through the emulator's consent page,
options, preview, save, result — the real views, Spotify the emulator over HTTP.

Development mode sends the 2026 cut-down objects (no popularity, genres, album_group, playlist
``tracks``, row ``track``, profile country/product ...); Extended Quota mode the full ones. The
app must work on both without relying on a removed field.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from playlists.services.options import MAX_DESCRIPTION
from spotify_emulator import USER_TYPICAL, EmulatorServer

from .test_generator import VALID, digest_of, owned_playlists, previewed_uris

EXTENDED_ONLY = re.compile(r"^/v1/(artists/[^/]+/top-tracks|tracks|albums|artists"
                           r"|playlists/[^/]+/tracks|users/[^/]+/playlists)$")


@pytest.fixture(params=["development", "extended"])
def api_mode(request, settings, emulator: EmulatorServer) -> str:
    settings.SPOTIFY_API_MODE = request.param
    emulator.app.set_mode(request.param)
    return request.param


def picked_names(emulator: EmulatorServer) -> str:
    cat = emulator.app.catalogue
    top = emulator.app.state.histories[USER_TYPICAL].top_artists["medium_term"][:3]
    return ", ".join(cat.artists[a].name for a in top)


#: The default description, the longest one a listener may write (all of Spotify's 300
#: characters, which the emulator enforces: saving adds nothing), and a short one.
DESCRIPTIONS = {"top": "", "followed": "d" * MAX_DESCRIPTION, "picked": "Rainy day"}


@pytest.mark.parametrize("artist_source", ["top", "followed", "picked"])
def test_sign_in_options_preview_save_result(
        api_mode: str, artist_source: str, sign_in, emulator: EmulatorServer) -> None:
    emulator.app.request_log.clear()
    client: Client = sign_in()

    options = client.get("/generate/")
    assert options.status_code == 200
    assert 'name="deep_cut_percent"' in options.content.decode()

    form = {**VALID, "artist_source": artist_source, "name": f"Both modes {api_mode}",
            "description": DESCRIPTIONS[artist_source]}
    if artist_source == "picked":
        form["picked_artists"] = picked_names(emulator)
    started = client.post("/generate/", form)
    assert started.status_code == 302 and started["Location"] == "/preview/"
    preview = client.get("/preview/")
    assert preview.status_code == 200, preview.content.decode()[:2000]
    uris = previewed_uris(preview)
    assert len(uris) == 20 == len(set(uris))
    summary = preview.context["preview"]
    assert summary.top_count > 0 and summary.deep_count > 0

    result = client.post("/save/", {"digest": digest_of(preview)}, follow=True)
    assert result.status_code == 200
    playlist_id = result.redirect_chain[-1][0].split("/")[-2]
    text = result.content.decode()
    assert f"Both modes {api_mode}" in text
    assert "with 20 tracks" in text  # read back through GET /playlists/{id}?fields=...
    assert f"https://open.spotify.com/playlist/{playlist_id}" in text

    [saved] = owned_playlists(emulator)
    assert saved["id"] == playlist_id and saved["items"] == uris
    assert saved["description"].startswith(DESCRIPTIONS[artist_source] or "Best-known tracks")
    assert len(saved["description"]) <= 300

    log = emulator.app.request_log.entries()
    refused = [(e.method, e.path, e.status) for e in log if e.status >= 400]
    assert not refused, refused
    removed = [e.path for e in log if EXTENDED_ONLY.match(e.path)]
    if api_mode == "development":
        assert not removed, removed
    else:
        assert removed  # Extended Quota: the app uses top tracks and batch look-ups
