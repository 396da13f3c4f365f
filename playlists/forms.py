"""The generator's options form: every rule a user can break gets a clear field message.

The rules and their messages are ``GenerationOptions``' (playlists/services/options.py): the
fields below take their limits and messages from there, and whatever the fields let through is
checked again by ``GenerationOptions`` itself, its messages attached to the same fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from playlists.services.options import (
    ARTIST_COUNT,
    ARTIST_SOURCES,
    DEEP_CUT_PERCENT,
    MAX_ARTIST_NAME,
    MAX_DESCRIPTION,
    MAX_NAME,
    MAX_PICKED,
    MESSAGES,
    TIME_RANGES,
    TRACK_COUNT,
    VERSION_LABELS,
    GenerationOptions,
    InvalidOptions,
    has_control_characters,
    new_seed,
)

VERSION_FILTERS = list(VERSION_LABELS.items())
VISIBILITY = [("private", "Private"), ("public", "Public (on your profile)")]
TOO_BIG_TO_KEEP = (
    "That is more text than MoodyStream can keep between pages (your choices travel in a "
    "small cookie; letters such as 日本語 take three times the room). Please use fewer or "
    "shorter artist names, or a shorter playlist name or description."
)


def split_names(text: str) -> list[str]:
    """The names typed for "pick by name": one a line or, all on one line, separated by commas
    (so that "Tyler, The Creator" on a line of its own stays one name)."""
    return text.splitlines() if "\n" in text or "\r" in text else text.split(",")


def _no_control_characters(value: str) -> None:
    if has_control_characters(value):
        raise ValidationError(MESSAGES["control_characters"])


def _messages(field: str, *kinds: str) -> dict[str, str]:
    """The options' one message for ``field``, for each way a form field can refuse a value."""
    kinds = kinds or ("invalid", "min_value", "max_value", "required")
    return dict.fromkeys(kinds, MESSAGES[field])


class GeneratorForm(forms.Form):
    max_picked = MAX_PICKED  # for the template's words

    artist_source = forms.ChoiceField(
        label="Whose music?",
        choices=list(ARTIST_SOURCES.items()),
        initial=GenerationOptions.artist_source,
        widget=forms.RadioSelect,
        error_messages=_messages("artist_source", "invalid_choice", "required"),
    )
    time_range = forms.ChoiceField(
        label="Top artists from",
        choices=list(TIME_RANGES.items()),
        initial=GenerationOptions.time_range,
        error_messages=_messages("time_range", "invalid_choice", "required"),
    )
    picked_artists = forms.CharField(
        label="Artist names",
        required=False,
        strip=False,  # a line break after a single name says it is one (split_names)
        max_length=MAX_PICKED * (MAX_ARTIST_NAME + 2),
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": "One artist per line",
                # The limits and their messages, for the picker (static/js/artist-picker.js).
                "data-max-picked": MAX_PICKED,
                "data-too-many": MESSAGES["picked_artists_too_many"],
                "data-max-name": MAX_ARTIST_NAME,
                "data-too-long": MESSAGES["picked_artists_too_long"],
            }
        ),
        help_text=(
            f"One per line (or all on one line, separated by commas), up to {MAX_PICKED}. Used "
            "with “Artists I pick by name”: the playlist has every artist you name."
        ),
        validators=[_no_control_characters],
        error_messages={"max_length": MESSAGES["picked_artists_too_many"]},
    )
    artist_count = forms.IntegerField(
        label="How many artists",
        min_value=ARTIST_COUNT[0],
        max_value=ARTIST_COUNT[1],
        initial=GenerationOptions.artist_count,
        help_text="For your top or followed artists. Picked by name, it is how many you name.",
        error_messages=_messages("artist_count"),
    )
    track_count = forms.IntegerField(
        label="Playlist length (tracks)",
        min_value=TRACK_COUNT[0],
        max_value=TRACK_COUNT[1],
        initial=GenerationOptions.track_count,
        error_messages=_messages("track_count"),
    )
    deep_cut_percent = forms.IntegerField(
        label="Deep cuts",
        min_value=DEEP_CUT_PERCENT[0],
        max_value=DEEP_CUT_PERCENT[1],
        initial=GenerationOptions.deep_cut_percent,
        widget=forms.NumberInput(attrs={"type": "range", "step": 5}),
        help_text="0 % is hits only; 100 % is nothing but songs they rarely play on the radio.",
        error_messages=_messages("deep_cut_percent"),
    )
    exclude_versions = forms.MultipleChoiceField(
        label="Leave out",
        choices=VERSION_FILTERS,
        required=False,
        initial=[value for value, _ in VERSION_FILTERS],
        widget=forms.CheckboxSelectMultiple,
        error_messages=_messages("exclude_versions", "invalid_choice", "invalid_list"),
    )
    allow_explicit = forms.BooleanField(label="Allow explicit tracks", required=False, initial=True)
    exclude_saved = forms.BooleanField(
        label="Skip songs already in my Liked Songs", required=False, initial=False
    )
    exclude_earlier = forms.BooleanField(
        label="New deep cuts: none from my earlier MoodyStream playlists",
        required=False,
        initial=GenerationOptions.exclude_earlier,
    )
    visibility = forms.ChoiceField(
        label="Who can see it",
        choices=VISIBILITY,
        initial="private",
        widget=forms.RadioSelect,
        error_messages=_messages("visibility", "invalid_choice", "required"),
    )
    name = forms.CharField(
        label="Playlist name",
        required=False,
        max_length=MAX_NAME,
        help_text="Leave empty for a name made from the artists and today's date.",
        validators=[_no_control_characters],
        error_messages=_messages("name", "max_length"),
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"Optional, up to {MAX_DESCRIPTION} characters.",
        validators=[_no_control_characters],
        error_messages=_messages("description", "max_length"),
    )

    def clean_picked_artists(self) -> list[str]:
        raw = self.cleaned_data.get("picked_artists") or ""
        names: list[str] = []
        for part in split_names(raw):
            name = " ".join(part.split())
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
        # Too many names, or one too long: GenerationOptions says so (see to_options).
        return names

    def clean_description(self) -> str:
        # Spotify drops line breaks from descriptions; fold them so the preview shows the truth.
        return " ".join((self.cleaned_data.get("description") or "").split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("artist_source") == "picked":
            # The count is the number of names (GenerationOptions): the field, hidden or
            # explained as unused, cannot be wrong.
            self.errors.pop("artist_count", None)
            named = len(cleaned.get("picked_artists") or ())
            cleaned["artist_count"] = min(max(named, ARTIST_COUNT[0]), ARTIST_COUNT[1])
            if not cleaned.get("picked_artists") and "picked_artists" not in self.errors:
                # (an error already said about the names is the one message)
                self.add_error("picked_artists", MESSAGES["picked_artists"])
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
                exclude_earlier=data["exclude_earlier"],
                public=data["visibility"] == "public",
                name=data["name"],
                description=data["description"],
                seed=new_seed() if seed is None else seed,
            )
        except InvalidOptions as exc:
            for field_name, message in exc.errors.items():
                self.add_error(field_name if field_name in self.fields else None, message)
            return None

    def refuse_as_too_big(self) -> None:
        """Valid, but more than the session cookie can hold: say so where the text is."""
        data = self.cleaned_data
        field = next(
            (name for name in ("picked_artists", "description", "name") if data.get(name)),
            None,
        )
        if field == "picked_artists" and data.get("artist_source") != "picked":
            field = "description" if data.get("description") else "name"
        self.add_error(field, TOO_BIG_TO_KEEP)

    @classmethod
    def initial_from(cls, options: GenerationOptions | None) -> dict[str, Any]:
        """Form values that reproduce ``options`` (the user's last choices)."""
        if options is None:
            return {}
        return {
            "artist_source": options.artist_source,
            "time_range": options.time_range,
            # A line each; a line more if a name holds a comma, so that it is read as one.
            "picked_artists": "\n".join(options.picked_artists)
            + ("\n" if any("," in n for n in options.picked_artists) else ""),
            "artist_count": options.artist_count,
            "track_count": options.track_count,
            "deep_cut_percent": options.deep_cut_percent,
            "exclude_versions": sorted(options.exclude_versions),
            "allow_explicit": options.allow_explicit,
            "exclude_saved": options.exclude_saved,
            "exclude_earlier": options.exclude_earlier,
            "visibility": "public" if options.public else "private",
            "name": options.name,
            "description": options.description,
        }
