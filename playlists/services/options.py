"""What the user asked for: one validated, immutable ``GenerationOptions``.

This module owns every rule about the options, for the web form and the terminal alike: the
limits (``ARTIST_COUNT`` ...), the control-character rule and the message shown for each field
(``MESSAGES``). ``playlists/forms.py`` builds its fields from them.

The web layer keeps the options (not the 200-track preview) in a size-limited cookie session
and regenerates the preview from them, so ``to_dict``/``from_dict`` are compact (defaults left
out), JSON-safe and strict: anything that does not validate raises ``InvalidOptions``.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, get_args

from playlists.music import TimeRange

ArtistSource = Literal["top", "followed", "picked"]
#: Each choice as the form words it; the terminal's ``--source`` and ``--time-range`` take the keys.
ARTIST_SOURCES: dict[ArtistSource, str] = {
    "top": "My top artists",
    "followed": "Artists I follow",
    "picked": "Artists I pick by name",
}
TIME_RANGES: dict[TimeRange, str] = {
    "short_term": "Last 4 weeks",
    "medium_term": "Last 6 months",
    "long_term": "All time",
}
VersionKind = Literal[
    "live", "remix", "acoustic", "instrumental", "karaoke", "demo", "commentary", "skit"
]
VERSION_KINDS: tuple[VersionKind, ...] = get_args(VersionKind)
#: What each kind is called where the user chooses what to leave out (all are left out by
#: default).
VERSION_LABELS: dict[VersionKind, str] = {
    "live": "Live recordings",
    "remix": "Remixes",
    "acoustic": "Acoustic versions",
    "instrumental": "Instrumentals",
    "karaoke": "Karaoke and tribute versions",
    "demo": "Demos",
    "commentary": "Commentary tracks",
    "skit": "Skits, intros, interludes, spoken word and very short tracks",
}

ARTIST_COUNT = (1, 50)
TRACK_COUNT = (10, 200)
DEEP_CUT_PERCENT = (0, 100)
MAX_PICKED = 50
MAX_ARTIST_NAME = 100
MAX_NAME = 100
#: Spotify's limit for a playlist description.
SPOTIFY_MAX_DESCRIPTION = 300
#: The listener's description: all of Spotify's 300 characters (saving adds nothing to it).
MAX_DESCRIPTION = SPOTIFY_MAX_DESCRIPTION
MAX_SEED = 2**31 - 1

#: Bidirectional-text controls (embeddings, overrides, isolates and marks): they make a title
#: read differently from what it holds ("\u202egnp.exe" shows as "exe.png").
BIDI_CONTROLS = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_BIDI_CONTROL = re.compile(f"[{BIDI_CONTROLS}]")
#: Invisible control characters (C0 and C1, DEL, bidi controls) are refused; tab, line feed and
#: carriage return are whitespace and folded into single spaces like any other.
CONTROL_CHARACTERS = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")

#: The message for each field (and for control characters), shown by the form and the terminal.
MESSAGES = {
    "artist_source": "Choose top artists, followed artists or pick artists by name.",
    "time_range": "Choose the last 4 weeks, 6 months or all time.",
    "picked_artists": "Type at least one artist name to pick by name.",
    "picked_artists_too_many": f"Pick at most {MAX_PICKED} artists.",
    "picked_artists_too_long": f"Each artist name must be 1 to {MAX_ARTIST_NAME} characters.",
    "picked_artists_repeated": "Each artist only once, please.",
    "artist_count": (
        f"Choose how many artists: a whole number from {ARTIST_COUNT[0]} to {ARTIST_COUNT[1]}."
    ),
    "track_count": (
        f"Choose the playlist length: a whole number of tracks from {TRACK_COUNT[0]} "
        f"to {TRACK_COUNT[1]}."
    ),
    "deep_cut_percent": (
        f"Choose the deep-cut share: a whole percentage from {DEEP_CUT_PERCENT[0]} "
        f"to {DEEP_CUT_PERCENT[1]}."
    ),
    "exclude_versions": "Choose only from the listed kinds of version.",
    "flag": "Must be true or false.",
    "visibility": "Choose public or private.",
    "name": f"Keep the name to {MAX_NAME} characters or fewer.",
    "description": f"Keep the description to {MAX_DESCRIPTION} characters or fewer.",
    "seed": "The seed must be a whole number.",
    "control_characters": "Please remove the invisible control characters.",
}


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text))


def without_bidi_controls(text: str) -> str:
    """``text`` with bidi controls removed: for names that come from Spotify, not the user."""
    return _BIDI_CONTROL.sub("", text)


class InvalidOptions(ValueError):
    """One message per offending field, ready to show next to the form field."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def new_seed() -> int:
    return secrets.randbelow(MAX_SEED) + 1


@dataclass(frozen=True)
class GenerationOptions:
    artist_source: ArtistSource = "top"
    time_range: TimeRange = "medium_term"
    picked_artists: tuple[str, ...] = ()  # names or Spotify ids/URIs, for "picked"
    artist_count: int = 10  # for "top" and "followed"; for "picked", the number of names
    track_count: int = 50
    deep_cut_percent: int = 40
    exclude_versions: frozenset[VersionKind] = field(
        default_factory=lambda: frozenset(VERSION_KINDS)
    )
    allow_explicit: bool = True
    exclude_saved: bool = False
    exclude_earlier: bool = True  # deep cuts not already in earlier MoodyStream playlists
    public: bool = False
    name: str = ""  # empty: generated from the artists and the date
    description: str = ""  # empty: generated
    seed: int = 1

    def __post_init__(self) -> None:
        # Normalise containers first so equality and hashing do not depend on input types.
        picked, versions = self.picked_artists, self.exclude_versions
        well_formed = {
            "picked_artists": isinstance(picked, tuple | list)
            and all(isinstance(p, str) for p in picked),
            "exclude_versions": isinstance(versions, frozenset | set | tuple | list)
            and all(isinstance(v, str) for v in versions),
        }
        object.__setattr__(
            self,
            "picked_artists",
            tuple(p.strip() for p in picked) if well_formed["picked_artists"] else (),
        )
        object.__setattr__(
            self,
            "exclude_versions",
            frozenset(versions) if well_formed["exclude_versions"] else frozenset(),
        )
        # Picked by name, the artists are the names: how many is how many names, whatever
        # artist_count said (the form hides that field then), for the budget, for which removals
        # carry over and for the terminal alike.
        names = len(self.picked_artists)
        if self.artist_source == "picked" and ARTIST_COUNT[0] <= names <= ARTIST_COUNT[1]:
            object.__setattr__(self, "artist_count", names)
        # Control characters are refused, not silently dropped; check before folding whitespace
        # (str.split treats some of them as spaces).
        texts = {"name": [self.name], "description": [self.description], "picked_artists": picked}
        control = {
            key: MESSAGES["control_characters"]
            for key, values in texts.items()
            if well_formed.get(key, True)
            and any(isinstance(v, str) and has_control_characters(v) for v in values)
        }
        object.__setattr__(self, "name", _clean_text(self.name))
        object.__setattr__(self, "description", _clean_text(self.description))
        errors = _validate(self)
        errors.update({k: "Must be a list of names." for k, ok in well_formed.items() if not ok})
        errors.update(control)
        if errors:
            raise InvalidOptions(errors)

    def with_seed(self, seed: int | None = None) -> GenerationOptions:
        return replace(self, seed=new_seed() if seed is None else seed)

    # -- compact serialisation -------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The fields that differ from the defaults (and the seed): what the cookie keeps."""
        out: dict[str, Any] = {}
        defaults = _DEFAULTS
        for f in fields(self):
            value = getattr(self, f.name)
            if value == getattr(defaults, f.name) and f.name != "seed":
                continue
            if f.name == "exclude_versions":
                value = sorted(value)
            elif f.name == "picked_artists":
                value = list(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GenerationOptions:
        if not isinstance(data, Mapping):
            raise InvalidOptions({"options": "not an object"})
        unknown = [k for k in data if k not in _FIELD_NAMES]
        if unknown:
            raise InvalidOptions({"options": f"unknown keys {sorted(map(str, unknown))}"})
        return cls(**{str(k): v for k, v in data.items()})


def _clean_text(value: object) -> object:
    """Whitespace folded into single spaces; a non-string is left for _validate to report."""
    return " ".join(value.split()) if isinstance(value, str) else value


def _int_in(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _validate(o: GenerationOptions) -> dict[str, str]:
    errors: dict[str, str] = {}
    if o.artist_source not in ARTIST_SOURCES:
        errors["artist_source"] = MESSAGES["artist_source"]
    if o.time_range not in TIME_RANGES:
        errors["time_range"] = MESSAGES["time_range"]
    if o.artist_source == "picked":
        if not o.picked_artists:
            errors["picked_artists"] = MESSAGES["picked_artists"]
        elif len(o.picked_artists) > MAX_PICKED:
            errors["picked_artists"] = MESSAGES["picked_artists_too_many"]
        elif any(not p or len(p) > MAX_ARTIST_NAME for p in o.picked_artists):
            errors["picked_artists"] = MESSAGES["picked_artists_too_long"]
        elif len({p.casefold() for p in o.picked_artists}) != len(o.picked_artists):
            errors["picked_artists"] = MESSAGES["picked_artists_repeated"]
    for name, (low, high) in (
        ("artist_count", ARTIST_COUNT),
        ("track_count", TRACK_COUNT),
        ("deep_cut_percent", DEEP_CUT_PERCENT),
    ):
        if not _int_in(getattr(o, name), low, high):
            errors[name] = MESSAGES[name]
    if not o.exclude_versions <= set(VERSION_KINDS):
        errors["exclude_versions"] = MESSAGES["exclude_versions"]
    for flag in ("allow_explicit", "exclude_saved", "exclude_earlier", "public"):
        if not isinstance(getattr(o, flag), bool):
            errors[flag] = MESSAGES["flag"]
    if not isinstance(o.name, str) or len(o.name) > MAX_NAME:
        errors["name"] = MESSAGES["name"]
    if not isinstance(o.description, str) or len(o.description) > MAX_DESCRIPTION:
        errors["description"] = MESSAGES["description"]
    if not _int_in(o.seed, 0, MAX_SEED):
        errors["seed"] = MESSAGES["seed"]
    return errors


_DEFAULTS = GenerationOptions()
_FIELD_NAMES = frozenset(f.name for f in fields(GenerationOptions))


# -- default name and description ----------------------------------------------------------
def default_playlist_name(artist_names: Sequence[str], today: dt.date) -> str:
    """"MoodyStream · Artist A, Artist B & 8 more · 25 Nov 2026" (fits Spotify's limit)."""
    date = f"{today.day} {today:%b %Y}"
    artist_names = [without_bidi_controls(n) for n in artist_names]
    shown = list(artist_names[:2])
    rest = len(artist_names) - len(shown)
    if not shown:
        who = "Your artists"
    elif rest > 1 or (rest == 1 and len(artist_names) > 3):
        who = f"{', '.join(shown)} & {rest} more"
    elif rest == 1:
        who = f"{shown[0]}, {shown[1]} & {artist_names[2]}"
    else:
        who = " & ".join(shown)
    name = f"MoodyStream · {who} · {date}"
    if len(name) > MAX_NAME:
        name = f"MoodyStream · {len(artist_names)} artists · {date}"
    return name


def default_description(artist_names: Sequence[str], deep_cut_percent: int) -> str:
    shown = ", ".join(without_bidi_controls(n) for n in artist_names[:5])
    who = shown + (" and more" if len(artist_names) > 5 else "")
    text = (
        f"Best-known tracks and deep cuts ({deep_cut_percent}% deep) from {who}. "
        "Made with MoodyStream."
    )
    return text if len(text) <= MAX_DESCRIPTION else "Made with MoodyStream."
