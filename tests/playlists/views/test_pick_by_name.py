"""Pick by name on the options page: the no-JS textarea and the combobox it becomes, the names
as one field with the options' limits, and the artist count, which picked names replace."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from playlists import budgets
from playlists.forms import GeneratorForm, split_names
from playlists.generator_session import same_artists
from playlists.services.options import MAX_ARTIST_NAME, MAX_PICKED, MESSAGES, GenerationOptions
from tests.playlists.views.test_generator import VALID, make_preview


def picked(**changes: object) -> dict[str, object]:
    return {**VALID, "artist_source": "picked", **changes}


class TestTheCountIsTheNames:
    @pytest.mark.parametrize("count", ["0", "51", "ten", ""])
    def test_the_count_field_is_not_checked_when_names_are_picked(
        self, connected_client: Client, count: str
    ) -> None:
        page = make_preview(
            connected_client,
            **picked(picked_artists="Neon Tapir\nHazel Wren", artist_count=count),
        )
        artists = {e.track.artists[0].name for e in page.context["preview"].entries}
        assert artists == {"Neon Tapir", "Hazel Wren"}
        # What is kept (and shown when the listener comes back) is the number of names.
        assert connected_client.get("/generate/").context["form"].initial["artist_count"] == 2

    def test_the_count_is_still_checked_for_other_sources(self, connected_client: Client) -> None:
        response = connected_client.post("/generate/", {**VALID, "artist_count": "0"})
        assert response.status_code == 400
        assert MESSAGES["artist_count"] in response.context["form"].errors["artist_count"]

    def test_too_many_names_is_said_on_the_names_only(self, connected_client: Client) -> None:
        names = "\n".join(f"Artist {n}" for n in range(MAX_PICKED + 1))
        response = connected_client.post(
            "/generate/", picked(picked_artists=names, artist_count="oops")
        )
        assert response.status_code == 400
        assert dict(response.context["form"].errors) == {
            "picked_artists": [MESSAGES["picked_artists_too_many"]]
        }

    def test_the_budget_and_the_kept_removals_count_the_names(self) -> None:
        one = GenerationOptions(artist_source="picked", picked_artists=("A",), artist_count=50)
        same = GenerationOptions(artist_source="picked", picked_artists=("A",), artist_count=3)
        assert budgets.preview_cost(one) == budgets.preview_cost(
            GenerationOptions(artist_count=1)
        )
        assert same_artists(one, same)


class TestNames:
    @pytest.mark.parametrize(
        ("text", "names"),
        [
            ("Neon Tapir\nHazel Wren", ["Neon Tapir", "Hazel Wren"]),
            ("Neon Tapir\r\nHazel Wren\r\n", ["Neon Tapir", "Hazel Wren"]),
            ("Neon Tapir, Hazel Wren", ["Neon Tapir", "Hazel Wren"]),
            ("Tyler, The Creator\n", ["Tyler, The Creator"]),
            ("Tyler, The Creator\nHazel Wren", ["Tyler, The Creator", "Hazel Wren"]),
        ],
    )
    def test_a_name_a_line_or_all_on_one_line_with_commas(
        self, text: str, names: list[str]
    ) -> None:
        form = GeneratorForm(picked(picked_artists=text))
        assert form.is_valid(), form.errors
        assert form.cleaned_data["picked_artists"] == names
        assert [n.strip() for n in split_names(text) if n.strip()] == names

    def test_a_single_name_with_a_comma_comes_back_as_one(self) -> None:
        options = GenerationOptions(
            artist_source="picked", picked_artists=("Tyler, The Creator",)
        )
        initial = GeneratorForm.initial_from(options)["picked_artists"]
        form = GeneratorForm(picked(picked_artists=initial))
        assert form.is_valid(), form.errors
        assert form.cleaned_data["picked_artists"] == ["Tyler, The Creator"]
        both = GenerationOptions(artist_source="picked", picked_artists=("A", "B"))
        assert GeneratorForm.initial_from(both)["picked_artists"] == "A\nB"


class TestTheOptionsPage:
    def test_without_javascript_a_textarea_and_the_count_explained(
        self, connected_client: Client
    ) -> None:
        text = connected_client.get("/generate/").content.decode()
        assert re.search(r'<label for="id_picked_artists">Artist names</label>', text)
        assert "Picked by name, it is how many you name." in text
        assert 'aria-describedby="id_artist_count_helptext"' in text
        assert 'data-shown-for="top followed" id="artist-count-field"' in text
        # The combobox is the script's to show.
        assert re.search(r'<div class="combobox-field" id="artist-combobox" hidden>', text)

    def test_the_combobox_follows_the_apg_pattern_and_carries_the_limits(
        self, connected_client: Client
    ) -> None:
        text = connected_client.get("/generate/").content.decode()
        box = re.search(r'<input type="text" id="artist-search"[^>]*>', text)
        assert box
        for attribute in ('role="combobox"', 'aria-autocomplete="list"',
                          'aria-expanded="false"', 'aria-controls="artist-suggestions"',
                          'autocomplete="off"'):
            assert attribute in box.group(0)
        assert 'id="artist-suggestions" role="listbox" aria-label="Artists found"' in text
        assert 'role="status" aria-live="polite"' in text
        names = re.search(r"<textarea[^>]*>", text)
        assert names
        assert f'data-max-picked="{MAX_PICKED}"' in names.group(0)
        assert f'data-max-name="{MAX_ARTIST_NAME}"' in names.group(0)
        assert f'data-too-many="{MESSAGES["picked_artists_too_many"]}"' in names.group(0)
        assert "js/artist-picker.js" in text

    def test_an_error_on_the_names_is_described_on_both_fields(
        self, connected_client: Client
    ) -> None:
        response = connected_client.post("/generate/", picked())
        text = response.content.decode()
        assert text.count('id="id_picked_artists_error"') == 1
        box = re.search(r'<input type="text" id="artist-search"[^>]*>', text)
        assert box and "id_picked_artists_error" in box.group(0)
        assert 'aria-invalid="true"' in box.group(0)
        names = re.search(r"<textarea[^>]*>", text)
        assert names and "id_picked_artists_error" in names.group(0)


def test_suggestions_carry_each_artists_smallest_picture_from_an_allowed_origin(
    connected_client: Client, emulator
) -> None:
    neon = next(a for a in emulator.app.catalogue.artists.values() if a.name == "Neon Tapir")
    response = connected_client.get("/artists/search/", {"q": "Neon Tapir"})
    found = next(a for a in response.json()["artists"] if a["name"] == "Neon Tapir")
    # Spotify's 640, 300 and 64 px images: the 64 px one.
    assert found["image"] == f"https://i.scdn.co/image/ab6761610000f178{neon.image_key}"
    policy = connected_client.get("/generate/")["Content-Security-Policy"]
    img_src = next(d for d in policy.split(";") if d.strip().startswith("img-src"))
    assert "https://i.scdn.co" in img_src.split()
