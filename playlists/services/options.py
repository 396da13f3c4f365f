"""What the user asked for: one validated, immutable ``GenerationOptions``.

The web layer keeps the options (not the 200-track preview) in a size-limited cookie session
and regenerates the preview from them, so ``to_dict``/``from_dict`` are compact, JSON-safe and
strict: anything that does not validate raises ``InvalidOptions``.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, get_args

ArtistSource = Literal["top", "followed", "picked"]
TimeRange = Literal["short_term", "medium_term", "long_term"]
VersionKind = Literal[
    "live", "remix", "acoustic", "instrumental", "karaoke", "demo", "commentary"
]
VERSION_KINDS: tuple[VersionKind, ...] = get_args(VersionKind)

MAX_PICKED = 50
MAX_NAME = 100
MAX_DESCRIPTION = 250  # Spotify allows 300; the idempotency marker needs the rest
MAX_SEED = 2**31 - 1
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


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
    artist_count: int = 10
    track_count: int = 50
    deep_cut_percent: int = 40
    exclude_versions: frozenset[VersionKind] = field(
        default_factory=lambda: frozenset(VERSION_KINDS)
    )
    allow_explicit: bool = True
    exclude_saved: bool = False
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
        object.__setattr__(self, "name", _clean_text(self.name))
        object.__setattr__(self, "description", _clean_text(self.description))
        errors = _validate(self)
        errors.update({k: "Must be a list of names." for k, ok in well_formed.items() if not ok})
        if errors:
            raise InvalidOptions(errors)

    def with_seed(self, seed: int | None = None) -> GenerationOptions:
        return replace(self, seed=new_seed() if seed is None else seed)

    # -- compact serialisation -------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Short keys, defaults left out: what fits in the cookie next to everything else."""
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
            out[_SHORT[f.name]] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GenerationOptions:
        if not isinstance(data, Mapping):
            raise InvalidOptions({"options": "not an object"})
        long_names = {v: k for k, v in _SHORT.items()}
        unknown = [k for k in data if k not in long_names and k not in _SHORT]
        if unknown:
            raise InvalidOptions({"options": f"unknown keys {sorted(unknown)}"})
        kwargs = {long_names.get(k, k): v for k, v in data.items()}
        return cls(**kwargs)


_SHORT = {
    "artist_source": "src",
    "time_range": "tr",
    "picked_artists": "pick",
    "artist_count": "ac",
    "track_count": "tc",
    "deep_cut_percent": "dc",
    "exclude_versions": "xv",
    "allow_explicit": "ex",
    "exclude_saved": "xs",
    "public": "pub",
    "name": "nm",
    "description": "ds",
    "seed": "sd",
}


def _clean_text(value: object) -> str:
    if not isinstance(value, str):
        return value  # type: ignore[return-value]  # reported by _validate
    return " ".join(_CONTROL_CHARS.sub(" ", value).split())


def _int_in(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _validate(o: GenerationOptions) -> dict[str, str]:
    errors: dict[str, str] = {}
    if o.artist_source not in get_args(ArtistSource):
        errors["artist_source"] = "Choose top artists, followed artists or pick artists."
    if o.time_range not in get_args(TimeRange):
        errors["time_range"] = "Choose the last 4 weeks, 6 months or all time."
    if o.artist_source == "picked":
        if not o.picked_artists:
            errors["picked_artists"] = "Name at least one artist."
        elif len(o.picked_artists) > MAX_PICKED:
            errors["picked_artists"] = f"Pick at most {MAX_PICKED} artists."
        elif any(not p or len(p) > 100 for p in o.picked_artists):
            errors["picked_artists"] = "Each artist must be 1 to 100 characters."
        elif len({p.casefold() for p in o.picked_artists}) != len(o.picked_artists):
            errors["picked_artists"] = "Each artist only once, please."
    if not _int_in(o.artist_count, 1, 50):
        errors["artist_count"] = "Choose between 1 and 50 artists."
    if not _int_in(o.track_count, 10, 200):
        errors["track_count"] = "Choose between 10 and 200 tracks."
    if not _int_in(o.deep_cut_percent, 0, 100):
        errors["deep_cut_percent"] = "The deep-cut share must be between 0 and 100 %."
    if not o.exclude_versions <= set(VERSION_KINDS):
        errors["exclude_versions"] = f"Known versions: {', '.join(VERSION_KINDS)}."
    for flag in ("allow_explicit", "exclude_saved", "public"):
        if not isinstance(getattr(o, flag), bool):
            errors[flag] = "Must be true or false."
    if not isinstance(o.name, str) or len(o.name) > MAX_NAME:
        errors["name"] = f"The name can be at most {MAX_NAME} characters."
    if not isinstance(o.description, str) or len(o.description) > MAX_DESCRIPTION:
        errors["description"] = f"The description can be at most {MAX_DESCRIPTION} characters."
    if not _int_in(o.seed, 0, MAX_SEED):
        errors["seed"] = "The seed must be a whole number."
    return errors


_DEFAULTS = GenerationOptions()


# -- default name and description ----------------------------------------------------------
def default_playlist_name(artist_names: Sequence[str], today: dt.date) -> str:
    """"MoodyStream · Artist A, Artist B & 8 more · 25 Nov 2026" (fits Spotify's limit)."""
    date = f"{today.day} {today:%b %Y}"
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
    who = ", ".join(artist_names[:5]) + (" and more" if len(artist_names) > 5 else "")
    text = (
        f"Best-known tracks and deep cuts ({deep_cut_percent}% deep) from {who}. "
        "Made with MoodyStream."
    )
    return text if len(text) <= MAX_DESCRIPTION else "Made with MoodyStream."
