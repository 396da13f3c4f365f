"""The session cookie never passes what browsers keep (4,096 bytes), whatever the input.

Input that cannot fit is refused on the form, the text still in the fields, before anything is
lost; input that fits leaves room for every later removal, save and message.
"""

from __future__ import annotations

import random
import re
from html import unescape

from django.test import Client

from moodystream.sessions import MAX_COOKIE_CHARS
from playlists.forms import TOO_BIG_TO_KEEP
from playlists.generator_session import MAX_REMOVED, NO_ROOM_TO_REMOVE, RESERVED_REMOVALS
from playlists.services.options import MAX_DESCRIPTION, MAX_NAME, MAX_PICKED

COOKIE = "moodystream_session"
URI = re.compile(r'data-uri="spotify:track:([0-9A-Za-z]{22})"')
FORM = {
    "artist_source": "picked",
    "time_range": "medium_term",
    "artist_count": "10",
    "track_count": "200",
    "deep_cut_percent": "40",
    "exclude_versions": ["live"],
    "visibility": "private",
    "name": "",
    "description": "",
}


def cjk(rng: random.Random, length: int) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(length))


def set_cookie_bytes(response) -> int:
    morsel = response.cookies[COOKIE]
    return len(morsel.OutputString().encode())


def text_of(response) -> str:
    return " ".join(unescape(response.content.decode()).split())


def test_cjk_input_that_cannot_fit_is_refused_on_the_form_with_the_text_kept(
    connected_client: Client,
) -> None:
    rng = random.Random(7)
    names = "\n".join(cjk(rng, 10) for _ in range(MAX_PICKED))
    data = {**FORM, "picked_artists": names, "name": cjk(rng, MAX_NAME),
            "description": cjk(rng, MAX_DESCRIPTION)}
    before = connected_client.cookies[COOKIE].value
    response = connected_client.post("/generate/", data)
    assert response.status_code == 400
    assert response.context["form"].errors == {"picked_artists": [TOO_BIG_TO_KEEP]}
    assert TOO_BIG_TO_KEEP in text_of(response)
    assert names.split("\n")[0] in response.content.decode()  # nothing the user typed is lost
    assert connected_client.cookies[COOKIE].value == before  # the session is as it was
    assert connected_client.get("/generate/").status_code == 200  # still signed in


def test_names_typed_but_not_used_are_not_kept(connected_client: Client) -> None:
    rng = random.Random(8)
    names = "\n".join(cjk(rng, 12) for _ in range(MAX_PICKED))
    data = {**FORM, "artist_source": "top", "picked_artists": names,
            "name": cjk(rng, MAX_NAME), "description": cjk(rng, MAX_DESCRIPTION)}
    response = connected_client.post("/generate/", data)
    # Names typed for "pick by name" are not kept for "top artists": this input fits.
    assert response.status_code == 302
    assert len(response.cookies[COOKIE].value) <= MAX_COOKIE_CHARS


def test_the_largest_accepted_input_still_fits_after_every_removal(
    connected_client: Client, emulator, generous_budgets
) -> None:
    """Grow the input until the form refuses it (or the form's own limits); the last accepted
    one, with tracks removed until the app says it cannot remember more, still makes a cookie
    the browser keeps."""
    rng = random.Random(9)
    artists = [a.name for a in list(emulator.app.catalogue.artists.values())[:MAX_PICKED]]
    accepted = None
    for count in range(2, MAX_PICKED + 1, 4):
        data = {**FORM, "picked_artists": "\n".join(artists[:count]),
                "name": cjk(rng, MAX_NAME), "description": cjk(rng, MAX_DESCRIPTION)}
        response = connected_client.post("/generate/", data)
        if response.status_code != 302:
            assert response.context["form"].errors == {"picked_artists": [TOO_BIG_TO_KEEP]}
            break
        accepted = response
    assert accepted is not None, "even the smallest input was refused"
    assert set_cookie_bytes(accepted) < 4096
    page = connected_client.get("/preview/")
    assert page.status_code == 200
    track_ids = URI.findall(page.content.decode())
    removed = 0
    for track_id in track_ids[:MAX_REMOVED]:
        last = connected_client.post("/preview/remove/", {"track_id": track_id}, follow=True)
        assert last.status_code == 200
        assert len(connected_client.cookies[COOKIE].value) <= MAX_COOKIE_CHARS
        if NO_ROOM_TO_REMOVE in text_of(last):
            break
        removed += 1
    assert removed >= RESERVED_REMOVALS
    assert connected_client.get("/generate/").status_code == 200  # still signed in


def test_ordinary_input_is_never_refused(connected_client: Client) -> None:
    names = "\n".join(f"Artist number {n}" for n in range(MAX_PICKED))
    data = {**FORM, "picked_artists": names, "name": "N" * MAX_NAME,
            "description": "D" * MAX_DESCRIPTION}
    assert connected_client.post("/generate/", data).status_code == 302
