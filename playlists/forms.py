"""The generator's options form: every rule a user can break gets a clear field message."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from playlists.services.options import (
    MAX_DESCRIPTION,
    MAX_NAME,
    MAX_PICKED,
    GenerationOptions,
    InvalidOptions,
    new_seed,
)

ARTIST_SOURCES = [
    ("top", "My top artists"),
    ("followed", "Artists I follow"),
    ("picked", "Artists I pick by name"),
]
TIME_RANGES = [
    ("short_term", "Last 4 weeks"),
    ("medium_term", "Last 6 months"),
    ("long_term", "All time"),
]
VERSION_FILTERS = [
    ("live", "Live recordings"),
    ("remix", "Remixes"),
    ("acoustic", "Acoustic versions"),
    ("instrumental", "Instrumentals"),
    ("karaoke", "Karaoke and tribute versions"),
    ("demo", "Demos"),
    ("commentary", "Commentary tracks"),
]
VISIBILITY = [("private", "Private"), ("public", "Public (on your profile)")]
MAX_PICKED_ARTISTS = MAX_PICKED
NAME_MAX = MAX_NAME
DESCRIPTION_MAX = MAX_DESCRIPTION
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_characters(value: str) -> None:
    if _CONTROL_CHARS.search(value):
        raise ValidationError("Please remove the invisible control characters.")


class GeneratorForm(forms.Form):
    artist_source = forms.ChoiceField(
        label="Whose music?",
        choices=ARTIST_SOURCES,
        initial="top",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the listed artist sources."},
    )
    time_range = forms.ChoiceField(
        label="Top artists from",
        choices=TIME_RANGES,
        initial="medium_term",
        error_messages={"invalid_choice": "Choose one of the listed time ranges."},
    )
    picked_artists = forms.CharField(
        label="Artist names",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "One artist per line"}),
        help_text="One per line (or separated by commas). Used with “Artists I pick by name”.",
        validators=[_no_control_characters],
    )
    artist_count = forms.IntegerField(
        label="How many artists",
        min_value=1,
        max_value=50,
        initial=10,
        error_messages={
            "invalid": "Enter a whole number of artists, from 1 to 50.",
            "min_value": "Choose at least 1 artist.",
            "max_value": "Choose at most 50 artists.",
            "required": "Say how many artists to use (1 to 50).",
        },
    )
    track_count = forms.IntegerField(
        label="Playlist length (tracks)",
        min_value=10,
        max_value=200,
        initial=50,
        error_messages={
            "invalid": "Enter a whole number of tracks, from 10 to 200.",
            "min_value": "A playlist needs at least 10 tracks.",
            "max_value": "A playlist can have at most 200 tracks here.",
            "required": "Say how long the playlist should be (10 to 200 tracks).",
        },
    )
    deep_cut_percent = forms.IntegerField(
        label="Deep cuts",
        min_value=0,
        max_value=100,
        initial=40,
        widget=forms.NumberInput(attrs={"type": "range", "step": 5}),
        help_text="0 % is hits only; 100 % is nothing but songs they rarely play on the radio.",
        error_messages={
            "invalid": "The deep-cut share is a whole percentage from 0 to 100.",
            "min_value": "The deep-cut share cannot be below 0 %%.",
            "max_value": "The deep-cut share cannot be above 100 %%.",
            "required": "Choose a deep-cut share from 0 to 100 %.",
        },
    )
    exclude_versions = forms.MultipleChoiceField(
        label="Leave out",
        choices=VERSION_FILTERS,
        required=False,
        initial=[value for value, _ in VERSION_FILTERS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose only from the listed kinds of version."},
    )
    allow_explicit = forms.BooleanField(label="Allow explicit tracks", required=False, initial=True)
    exclude_saved = forms.BooleanField(
        label="Skip songs already in my Liked Songs", required=False, initial=False
    )
    visibility = forms.ChoiceField(
        label="Who can see it",
        choices=VISIBILITY,
        initial="private",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose public or private."},
    )
    name = forms.CharField(
        label="Playlist name",
        required=False,
        max_length=NAME_MAX,
        help_text="Leave empty for a name made from the artists and today's date.",
        validators=[_no_control_characters],
        error_messages={"max_length": f"Keep the name to {NAME_MAX} characters or fewer."},
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"Optional, up to {DESCRIPTION_MAX} characters.",
        validators=[_no_control_characters],
        error_messages={
            "max_length": f"Keep the description to {DESCRIPTION_MAX} characters or fewer."
        },
    )

    def clean_picked_artists(self) -> list[str]:
        raw = self.cleaned_data.get("picked_artists") or ""
        names: list[str] = []
        for part in re.split(r"[\n,]", raw):
            name = " ".join(part.split())
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name[:100])
        if len(names) > MAX_PICKED_ARTISTS:
            raise ValidationError(f"Pick at most {MAX_PICKED_ARTISTS} artists.")
        return names

    def clean_description(self) -> str:
        # Spotify drops line breaks from descriptions; fold them so the preview shows the truth.
        return " ".join((self.cleaned_data.get("description") or "").split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("artist_source") == "picked" and not cleaned.get("picked_artists"):
            self.add_error("picked_artists", "Type at least one artist name to pick by name.")
        return cleaned

    def to_options(self, *, seed: int | None = None) -> GenerationOptions | None:
        """The validated options, or None with the problems attached to their fields."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        try:
            return GenerationOptions(
                artist_source=data["artist_source"],
                time_range=data["time_range"],
                picked_artists=tuple(data["picked_artists"])
                if data["artist_source"] == "picked"
                else (),
                artist_count=data["artist_count"],
                track_count=data["track_count"],
                deep_cut_percent=data["deep_cut_percent"],
                exclude_versions=frozenset(data["exclude_versions"]),
                allow_explicit=data["allow_explicit"],
                exclude_saved=data["exclude_saved"],
                public=data["visibility"] == "public",
                name=data["name"],
                description=data["description"],
                seed=new_seed() if seed is None else seed,
            )
        except InvalidOptions as exc:
            for field_name, message in exc.errors.items():
                self.add_error(field_name if field_name in self.fields else None, message)
            return None

    @classmethod
    def initial_from(cls, options: GenerationOptions | None) -> dict[str, Any]:
        """Form values that reproduce ``options`` (the user's last choices)."""
        if options is None:
            return {}
        return {
            "artist_source": options.artist_source,
            "time_range": options.time_range,
            "picked_artists": "\n".join(options.picked_artists),
            "artist_count": options.artist_count,
            "track_count": options.track_count,
            "deep_cut_percent": options.deep_cut_percent,
            "exclude_versions": sorted(options.exclude_versions),
            "allow_explicit": options.allow_explicit,
            "exclude_saved": options.exclude_saved,
            "visibility": "public" if options.public else "private",
            "name": options.name,
            "description": options.description,
        }
