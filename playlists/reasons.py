"""Why a track is in the preview, in sentences a listener understands.

The ranking (services/ranking.py) keeps its evidence as short phrases ("search #2", "search #80
of 81", "from an album with no hits", "track 11 of 12"); this is the page's reading of them.
Each kind of evidence is recognised by its pattern, not its exact text, and a phrase no pattern
knows is shown as it is, so a new kind of evidence still shows up (in the ranking's words).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from playlists.services.preview import PreviewEntry

Reading = Callable[[re.Match[str]], str]


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 22nd (in words for the first ten)."""
    words = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth"]
    if 1 <= n <= len(words):
        return words[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


#: Evidence patterns, most telling first, and how each reads.
_READINGS: tuple[tuple[re.Pattern[str], Reading], ...] = (
    (re.compile(r"search #(\d+) of (\d+)"),
     lambda m: f"Deep in their catalogue: Spotify lists it {ordinal(int(m[1]))} of {m[2]} "
               "in a search for them"),
    (re.compile(r"search #(\d+)"),
     lambda m: f"One of their best-known songs: {ordinal(int(m[1]))} in Spotify's search "
               "for them"),
    (re.compile(r"your top tracks"), lambda m: "In your own top tracks"),
    (re.compile(r"top tracks"), lambda m: "In Spotify's top tracks for them"),
    (re.compile(r"popularity (\d+)"),
     lambda m: f"Spotify rates how much it is played at {m[1]} out of 100"),
    (re.compile(r"single"), lambda m: "Released as a single"),
    (re.compile(r"compilation"), lambda m: "On a best-of or compilation"),
    (re.compile(r"(\d+) releases"),
     lambda m: f"Released {m[1]} times (album, single, best-of)"),
    (re.compile(r"album with no hits"), lambda m: "From an album none of their hits come from"),
    (re.compile(r"B-side", re.I), lambda m: "A B-side of a single"),
    (re.compile(r"track (\d+) of (\d+)"),
     lambda m: f"Track {m[1]} of {m[2]} on its album, where the less-played songs often are"),
    (re.compile(r"bonus track"), lambda m: "A bonus track of a deluxe edition"),
    (re.compile(r"oldest album \((\d{4})\)"), lambda m: f"From their oldest album ({m[1]})"),
    (re.compile(r"no sign of a hit"), lambda m: "Nothing suggests it was ever a hit"),
)
_SEARCH_DEPTH = re.compile(r"search #(\d+) of (\d+)")
_POPULARITY = re.compile(r"popularity (\d+)")


def sentence_for(phrase: str) -> str:
    """One piece of evidence as a listener reads it (unknown kinds as they are)."""
    for pattern, reading in _READINGS:
        found = pattern.search(phrase)
        if found:
            return reading(found)
    return phrase[:1].upper() + phrase[1:]


def depth_estimate(evidence: Sequence[str]) -> str | None:
    """For a deep cut, roughly how little it is played, when the evidence measures it."""
    for phrase in evidence:
        found = _SEARCH_DEPTH.search(phrase)
        if found and int(found[2]) > 1:
            share = int(found[1]) / int(found[2])
            return _depth_words(share)
        found = _POPULARITY.search(phrase)
        if found:
            return _depth_words(1 - int(found[1]) / 100)
    return None


def _depth_words(share_deeper_than: float) -> str:
    if share_deeper_than >= 0.8:
        return "probably among their least-played fifth"
    if share_deeper_than >= 0.6:
        return "probably among their least-played two fifths"
    if share_deeper_than >= 0.5:
        return "probably in their less-played half"
    return "played less than their best-known songs, by our estimate"


@dataclass(frozen=True)
class Reasons:
    sentences: tuple[str, ...]
    depth: str | None


def reasons_for(entry: PreviewEntry) -> Reasons:
    sentences = tuple(dict.fromkeys(sentence_for(p) for p in entry.evidence))
    if not sentences:
        sentences = (
            ("A song of theirs" if entry.role == "top" else "One of their lesser-known songs"),
        )
    depth = depth_estimate(entry.evidence) if entry.role == "deep" else None
    return Reasons(sentences, depth)
