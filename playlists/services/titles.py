"""Reading track and album titles: which version a track is, and which song it is.

Spotify has no "version" field, so both come from the words in the title's annotations — the
parts in brackets and after " - " ("Song - Live at Wembley", "Song (Remastered 2011)") — and
from album names ("Live at …", "… (Deluxe Edition)").  The bare title is never searched for
version words: "Live Forever" is not a live recording.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from playlists.music import Album, Track

from .options import VersionKind

# Annotations: "(...)", "[...]", and everything after " - ".
_ANNOTATION = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]|\s[-–—]\s(.*)$")

_VERSION_WORDS: dict[VersionKind, re.Pattern[str]] = {
    "live": re.compile(r"\blive\b|\bin concert\b|\bunplugged\b|\bbbc session"),
    # Radio and club mixes, a DJ's edit ("Dave Audé Radio", "Tiësto Edit"): a remix, whereas
    # a "Radio Edit" or "Single Edit" is the song's own recording, shortened.
    "remix": re.compile(
        r"\bre-?mix(es|ed)?\b|\brmx\b|\brework\b|"
        r"\b(club|extended|dub|vip|radio|dance|house|disco|12|7) mix\b|"
        r"\w \bradio$|"
        r"\b(?!(radio|single|album|clean|short|explicit|original|version|edit)\b)\w+ edit\b"
    ),
    "acoustic": re.compile(r"\bacoustic\b|\bunplugged\b|\bstripped\b"),
    "instrumental": re.compile(r"\binstrumental\b|\bpiano version\b|\borchestral version\b"),
    "karaoke": re.compile(
        r"\bkaraoke\b|\btribute\b|originally performed|made famous|in the style of|"
        r"\blullaby\b|\bcover version\b|\bas performed by\b"
    ),
    "demo": re.compile(r"\bdemo\b|\brough mix\b|\bearly (take|version)\b|\bwork tape\b"),
    "commentary": re.compile(r"\bcommentary\b|\binterview\b|\btrack by track\b|\bspoken word\b"),
}
# Whole album names that mark every track on them (checked on the full name).
_ALBUM_WORDS: dict[VersionKind, re.Pattern[str]] = {
    "live": re.compile(r"^live\b|\blive (at|in|from|on)\b|\bin concert\b|\bunplugged\b"),
    "remix": re.compile(r"\bremix(es|ed)\b|\bthe remixes\b"),
    "acoustic": re.compile(r"\bacoustic (sessions?|versions?|ep)\b"),
    "karaoke": re.compile(
        r"\bkaraoke\b|\btribute to\b|\blullaby renditions?\b|\bon piano\b|\bcovers? of\b"
    ),
}
# Pieces between songs rather than songs (kind "skit"; measured on the real crawl, see README
# "How the playlist is made"), matched as words of the folded title, annotations included
# ("Intro", "Skepta Interlude", "Solo (Reprise)", "Interlude: Talk Radio").  Spoken pieces
# are never songs; the others only when short (a three-minute "Intro: Singularity" is a song).
_SPOKEN_PIECE = re.compile(
    r"\b(skits?|interview|spoken word|monologue|voicemail|voice memo|phone call)\b"
    r"|\b(скит|интервью)\b|スキット|インタビュー|스킷|인터뷰"
)
_BETWEEN_SONGS = re.compile(
    r"\b(intro|introduction|introduccion|introducao|outro|interlude|interludio|intermission|"
    r"intermezzo|entr acte|prelude|preludio|prologue|epilogue|overture|reprise|segue|"
    r"zwischenspiel|интро|аутро|интерлюдия)\b|イントロ|アウトロ|インタールード|インタルード|"
    r"インターリュード|인트로|아웃트로|인터루드|인털루드"
)
# "Overture / The First Noel", "Bonita Applebum - includes 'Can I Kick It' Intro": a medley
# or a song with its intro is a song.
_MEDLEY = re.compile(r"\s*/\s*|\s*;\s*|\bincludes?\b|\bincluding\b", re.IGNORECASE)
#: A piece named like an intro is a song from this length on (ms).
SHORT_PIECE_MS = 150_000
#: Any track shorter than this is not a song to offer on its own (ms).
VERY_SHORT_MS = 60_000
# Credits that are never the real artist.
_COVER_ARTISTS = re.compile(r"\bkaraoke\b|\btribute\b|\bcover(s| band)\b|\blullaby\b")

# Annotations that name a release, not a different recording.
_EDITION = re.compile(
    r"\bremaster(ed)?\b|\bdeluxe\b|\bexpanded\b|\banniversary\b|\bedition\b|\bbonus\b|"
    r"\bradio edit\b|\bsingle version\b|\balbum version\b|\bmono\b|\bstereo\b|\bfeat\.?\b|"
    r"\bft\.?\b|\bfeaturing\b|\bwith\b|\bexplicit\b|\bclean\b|\bversion\b\s*$|^\d{4}$|\bmix\b$"
)
_EDITION_ALBUM = re.compile(
    r"\bremaster(ed)?\b|\bdeluxe\b|\bexpanded\b|\banniversary\b|\bspecial edition\b|"
    r"\bcollector'?s edition\b"
)
_REMASTER_ALBUM = re.compile(r"\bremaster(ed)?\b")
_REISSUE_NOTE = re.compile(
    r"\bremaster(ed)?\b|\bdeluxe\b|\bexpanded\b|\banniversary\b|\bedit\b|\bsingle version\b|"
    r"\bmono\b|\bstereo\b|\bclean\b|\bbonus\b"
)
# Scripts whose accents are decoration in titles ("Beyoncé" = "Beyonce"); elsewhere a combining
# mark is part of the letter (Cyrillic й, Devanagari vowel signs, Japanese dakuten) and stays.
_ACCENTED_SCRIPTS = ("LATIN", "GREEK")
_VARIATION_SELECTORS = frozenset("\ufe0e\ufe0f")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The form titles are compared in: Unicode-normalised (NFKC) and case folded, accents of
    Latin and Greek letters removed, punctuation as spaces, single spaces; letters, digits
    and symbols (emoji) of every script kept.  Nothing but punctuation folds to itself."""
    kept: list[str] = []
    accented_base = False
    for char in unicodedata.normalize("NFKD", text):
        category = unicodedata.category(char)
        if category.startswith("M"):
            if not accented_base and char not in _VARIATION_SELECTORS:
                kept.append(char)
            continue
        accented_base = _in_accented_script(char)
        keep = category[0] in "LN" or category == "So" or char == "&"
        kept.append(char if keep else " ")
    folded = " ".join(unicodedata.normalize("NFKC", "".join(kept)).casefold().split())
    return folded or " ".join(text.casefold().split())


@lru_cache(maxsize=4096)
def _in_accented_script(char: str) -> bool:
    return unicodedata.name(char, "").startswith(_ACCENTED_SCRIPTS)


def title_annotations(title: str) -> list[str]:
    return [
        (a or b or c).strip().lower()
        for a, b, c in _ANNOTATION.findall(title)
        if (a or b or c).strip()
    ]


def bare_title(title: str) -> str:
    """The title without any annotation: "Song (feat. X) - Live" → "Song"."""
    return _ANNOTATION.sub(" ", title).strip() or title


@lru_cache(maxsize=65536)
def title_versions(title: str) -> frozenset[VersionKind]:
    found = set()
    for note in title_annotations(title):
        for kind, pattern in _VERSION_WORDS.items():
            if pattern.search(note):
                found.add(kind)
    return frozenset(found)


@lru_cache(maxsize=8192)
def album_versions(name: str) -> frozenset[VersionKind]:
    lowered = name.lower()
    found = {kind for kind, pattern in _ALBUM_WORDS.items() if pattern.search(lowered)}
    return frozenset(found) | title_versions(name)


@lru_cache(maxsize=65536)
def skit_words(title: str) -> str | None:
    """"spoken" for a skit, interview or spoken piece; "between" for an intro, outro,
    interlude, reprise and the like; ``None`` for a song (a medley naming another piece
    is one)."""
    parts = [fold(p) for p in _MEDLEY.split(title) if fold(p).strip()]
    kinds = []
    for part in parts or [fold(title)]:
        if _SPOKEN_PIECE.search(part):
            kinds.append("spoken")
        elif _BETWEEN_SONGS.search(part):
            kinds.append("between")
        else:
            return None
    return "spoken" if "spoken" in kinds else "between"


def is_skit(track: Track) -> bool:
    """A skit, intro, outro, interlude, reprise, spoken piece or very short track: not a song
    a listener plays on its own (``duration_ms`` 0 means unknown)."""
    words = skit_words(track.name)
    duration = track.duration_ms
    if words == "spoken":
        return True
    if words == "between":
        return not duration or duration < SHORT_PIECE_MS
    return 0 < duration < VERY_SHORT_MS


def track_versions(track: Track) -> frozenset[VersionKind]:
    """Which kinds of alternative version this track is (empty for the original)."""
    found = set(title_versions(track.name))
    if is_skit(track):
        found.add("skit")
    if track.album is not None:
        found |= album_versions(track.album.name)
    if any(_COVER_ARTISTS.search(a.name.lower()) for a in track.artists[:1]):
        found.add("karaoke")
    return frozenset(found)


@lru_cache(maxsize=65536)
def song_key(title: str) -> str:
    """The song's identity across releases: "Song - 2011 Remaster" = "Song (Deluxe)" = "song".

    Version annotations stay ("Song - Live" ≠ "Song") because they are other recordings.
    """
    kept = [
        fold(note)
        for note in title_annotations(title)
        if not _EDITION.search(note) or any(p.search(note) for p in _VERSION_WORDS.values())
    ]
    kept = [k for k in kept if k]
    return " | ".join([fold(bare_title(title)), *sorted(kept)])


def is_reissue_title(title: str) -> bool:
    """"Song - 2011 Remaster", "Song - Radio Edit": the same song, not its first release."""
    return any(_REISSUE_NOTE.search(note) for note in title_annotations(title))


def is_edition_album(album: Album) -> bool:
    """A remaster, deluxe or anniversary reissue rather than the original release."""
    return bool(_EDITION_ALBUM.search(album.name.lower()))


@dataclass(frozen=True)
class PlayedReleases:
    """Which listing of an album carries its songs' plays, as the best-known tracks show
    (``played_releases()``): the album of the best-placed hit among its listings (original,
    deluxe, remaster, a clean edition of the same name)."""

    #: Base key (``album_base_key``) -> the listing the best-placed hit of that album is on.
    albums: Mapping[str, Album] = field(default_factory=dict)
    #: Base keys whose best-placed hit is titled as a reissue ("Song - Remastered 2011"):
    #: on that listing such titles are the played ones.
    reissue_titled: frozenset[str] = frozenset()

    def carries(self, album: Album) -> bool | None:
        """Whether ``album`` is the listing its songs are played on (True), another listing
        of that album (False: a quiet copy), or unknown (None: no hit from that album, or a
        different album that only shares a base title, "Weezer (Green Album)")."""
        played = self.albums.get(album_base_key(album))
        if played is None or album.group != "album":
            return None
        if played.id == album.id:
            return True
        editions = is_edition_album(album) or is_edition_album(played)
        return False if editions or fold(album.name) == fold(played.name) else None


NO_HITS = PlayedReleases()


def is_release_copy(track: Track, played: PlayedReleases = NO_HITS) -> bool:
    """A copy whose plays mostly sit on another release of the song: a best-of's, a single's
    named after it, or on another listing of an album the hits show people play elsewhere
    (``played``, from ``played_releases()``: the original when the deluxe is played, a clean
    edition of the same name) — and, where the hits do not show which listing is played, on a
    reissue (deluxe, remaster) or titled as a reissue ("- Remastered")."""
    album = track.album
    if album is None:
        return is_reissue_title(track.name)
    if album.group == "compilation":
        return True
    carried = played.carries(album)
    if carried is False:
        return True
    if is_reissue_title(track.name) and not (
        carried and album_base_key(album) in played.reissue_titled
    ):
        return True
    if carried:
        return False
    if is_edition_album(album):
        return True
    return album.group == "single" and fold(bare_title(album.name)) == fold(bare_title(track.name))


def played_releases(hits: Iterable[Track], deeper: Iterable[Track] = ()) -> PlayedReleases:
    """The listing each album is played on: that of its best-placed hit (``hits`` in search
    order); for an album without hits, that of its best-placed track in ``deeper`` (the later
    search results read, in order) — unless that is a remaster, whose quiet reissues are
    common (the remaster rules below then decide)."""
    later = [t for t in deeper if not (
        is_reissue_title(t.name) or (t.album and _REMASTER_ALBUM.search(t.album.name.lower()))
    )]
    albums: dict[str, Album] = {}
    reissue_titled: set[str] = set()
    for t in [*hits, *later]:
        if t.album is not None and t.album.group == "album":
            key = album_base_key(t.album)
            if key not in albums and is_reissue_title(t.name):
                reissue_titled.add(key)
            albums.setdefault(key, t.album)
    return PlayedReleases(albums, frozenset(reissue_titled))


def album_base_key(album: Album) -> str:
    """The original album a reissue belongs to ("X (Deluxe Edition)" → "x")."""
    return fold(bare_title(album.name))


def release_rank(album: Album | None) -> int:
    """Prefer the original album or single over compilations and other artists' releases."""
    if album is None:
        return 4
    return {"album": 0, "single": 1, "compilation": 2, "appears_on": 3}.get(album.group, 2)
