"""The deterministic, seeded music catalogue: artists, releases, recordings.

Generated in code (no data files) so it is cheap to build, reproducible from a seed and
rich in the messy cases a playlist builder must cope with: the same recording (same ISRC)
on singles, albums, deluxe editions, remasters and compilations; remixes, acoustic, live,
demo, instrumental and commentary versions; explicit and clean versions with different
ISRCs; features; karaoke and tribute covers by other "artists"; a power-law popularity.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
import threading
import unicodedata
from dataclasses import dataclass, field

from spotify_emulator import ids
from spotify_emulator.catalogue import names
from spotify_emulator.catalogue.discography import ArtistDiscography, Song

ALBUM_MARKETS = ("CA", "DE", "ES", "FR", "GB", "JP", "MX", "NL", "SE", "US")
ALBUM_IMAGE_PREFIXES = ((640, "ab67616d0000b273"), (300, "ab67616d00001e02"),
                        (64, "ab67616d00004851"))
ARTIST_IMAGE_PREFIXES = ((640, "ab6761610000e5eb"), (300, "ab67616100005174"),
                         (64, "ab6761610000f178"))
GROUP_ORDER = {"album": 0, "single": 1, "appears_on": 2, "compilation": 3}


@dataclass(slots=True)
class Artist:
    id: str
    name: str
    genres: tuple[str, ...]
    genre_key: str
    popularity: int
    followers: int
    image_key: str
    kind: str = "artist"  # "artist" | "tribute" | "various"


@dataclass(slots=True)
class Album:
    id: str
    name: str
    album_type: str  # "album" | "single" | "compilation"
    artist_ids: tuple[str, ...]
    release_date: str
    release_date_precision: str
    year: int
    edition: str  # studio, single, clean, deluxe, remaster, live, compilation, remix, ...
    upc: str
    label: str
    image_key: str
    track_ids: list[str] = field(default_factory=list)
    popularity: int = 0
    sort_date: str = ""
    #: The standard edition this one re-issues (deluxe, remaster, clean), if any.
    edition_of: str | None = None


@dataclass(slots=True)
class Track:
    id: str
    name: str
    artist_ids: tuple[str, ...]
    album_id: str
    disc_number: int
    track_number: int
    duration_ms: int
    explicit: bool
    isrc: str
    popularity: int
    version: str  # original, single, remaster, deluxe, live, remix, acoustic, demo, ...
    song_key: str  # identifies the composition across versions


_NON_WORD_RE = re.compile(r"[^\w&]+|_+")


@functools.lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form used for matching search queries.

    Letters of every script are kept ("Пётр" -> "петр", "東京" stays), so artists from any
    catalogue can be searched by name.
    """
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_WORD_RE.sub(" ", text.casefold()).split())


_SUFFIX_RE = re.compile(r"\s+-\s+.*$|\s*[\(\[].*$")


def base_title(name: str) -> str:
    """The song title without version suffixes ("- Remastered 2011", "(feat. X)", ...)."""
    return _SUFFIX_RE.sub("", name).strip() or name


class Catalogue:
    """Read-only catalogue with the look-ups the Web API needs."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.seed = seed
        self.today = today
        self.artists: dict[str, Artist] = {}
        self.albums: dict[str, Album] = {}
        self.tracks: dict[str, Track] = {}
        self.discography: dict[str, list[tuple[str, str]]] = {}
        self.tracks_by_artist: dict[str, list[Track]] = {}
        self.hipster_threshold = 0
        self._index_lock = threading.Lock()
        self._track_index: dict[str, tuple[str, str, str, str]] | None = None
        self._album_index: dict[str, tuple[str, str]] | None = None

    # -- search indexes (built on first search, keeping startup fast) -------------------
    @property
    def track_index(self) -> dict[str, tuple[str, str, str, str]]:
        """track id -> (normalized base title, normalized name, artist names, album name)."""
        if self._track_index is None:
            with self._index_lock:
                if self._track_index is None:
                    index = {}
                    for t in self.tracks.values():
                        artists = " ".join(normalize(self.artists[a].name) for a in t.artist_ids)
                        index[t.id] = (normalize(base_title(t.name)), normalize(t.name), artists,
                                       normalize(self.albums[t.album_id].name))
                    self._track_index = index
        return self._track_index

    @property
    def album_index(self) -> dict[str, tuple[str, str]]:
        """album id -> (normalized name, normalized artist names)."""
        if self._album_index is None:
            with self._index_lock:
                if self._album_index is None:
                    self._album_index = {
                        al.id: (normalize(al.name),
                                " ".join(normalize(self.artists[a].name) for a in al.artist_ids))
                        for al in self.albums.values()}
        return self._album_index

    # -- look-ups -----------------------------------------------------------------------
    def main_artists(self) -> list[Artist]:
        """Real (non-tribute, non-"Various Artists") artists, in generation order."""
        return [a for a in self.artists.values() if a.kind == "artist"]

    def artist_by_name(self, name: str) -> Artist | None:
        wanted = normalize(name)
        return next((a for a in self.artists.values() if normalize(a.name) == wanted), None)

    def artist_tracks(self, artist_id: str) -> list[Track]:
        """Every track crediting the artist (main or featured), in catalogue order."""
        return self.tracks_by_artist.get(artist_id, [])

    def top_tracks(self, artist_id: str, n: int = 10) -> list[Track]:
        """Most popular recordings of an artist, one per ISRC (like Spotify's top tracks)."""
        best: dict[str, Track] = {}
        for t in self.artist_tracks(artist_id):
            if t.artist_ids[0] != artist_id:
                continue
            cur = best.get(t.isrc)
            if cur is None or t.popularity > cur.popularity:
                best[t.isrc] = t
        return sorted(best.values(), key=lambda t: (-t.popularity, t.id))[:n]

    def canonical_hits(self, artist_id: str, n: int) -> list[Track]:
        """An artist's most popular original studio recordings (for users' top tracks)."""
        originals = [t for t in self.artist_tracks(artist_id)
                     if t.version == "original" and t.artist_ids[0] == artist_id]
        return sorted(originals, key=lambda t: (-t.popularity, t.id))[:n]

    def finish_indexes(self) -> None:
        """Derive album popularity, discographies and per-artist track lists from the
        artists, albums and tracks (after generating or loading a catalogue)."""
        cat = self
        for album in cat.albums.values():
            pops = [cat.tracks[t].popularity for t in album.track_ids] or [0]
            score = max(pops) * 0.9 + sum(pops) / len(pops) * 0.1
            album.popularity = max(0, min(100, round(score)))
            primary = set(album.artist_ids)
            featured = {a for t in album.track_ids for a in cat.tracks[t].artist_ids} - primary
            for aid in album.artist_ids:
                if aid in cat.discography:
                    cat.discography[aid].append((album.id, album.album_type))
            for aid in featured:
                cat.discography[aid].append((album.id, "appears_on"))
        if cat.albums:
            ordered = sorted(a.popularity for a in cat.albums.values())
            cat.hipster_threshold = ordered[max(0, len(ordered) // 10 - 1)]
        for t in cat.tracks.values():
            for aid in t.artist_ids:
                cat.tracks_by_artist.setdefault(aid, []).append(t)
        for entries in cat.discography.values():
            entries.sort(key=lambda e: (GROUP_ORDER[e[1]], _neg_date(cat.albums[e[0]].sort_date),
                                        e[0]))


class _Builder:
    """Builds a Catalogue; one instance per build, discarded afterwards."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.seed = seed
        self.today = today
        self.cat = Catalogue(seed, today)
        self.rng = random.Random(seed)
        self.disc_counts: dict[tuple[str, int], int] = {}

    # -- primitives ---------------------------------------------------------------------
    def add_artist(self, name: str, genre_key: str, genres: tuple[str, ...], popularity: int,
                   kind: str = "artist") -> Artist:
        aid = ids.base62_id(self.seed, "artist", name)
        followers = int(10 ** (2 + popularity / 19) * self.rng.uniform(0.6, 1.4))
        artist = Artist(aid, name, genres, genre_key, popularity, followers,
                        ids.hex_id(self.seed, "artist-img", name), kind)
        self.cat.artists[aid] = artist
        self.cat.discography[aid] = []
        return artist

    def _date(self, year: int, rng: random.Random, month: int | None = None) -> tuple[str, str]:
        month = month or rng.randint(1, 12)
        day = rng.randint(1, 28)
        d = min(dt.date(year, month, day), self.today - dt.timedelta(days=15))
        if d.year < 1990 and rng.random() < 0.5:
            return str(d.year), "year"
        if d.year < 2000 and rng.random() < 0.3:
            return f"{d.year}-{d.month:02d}", "month"
        return d.isoformat(), "day"

    def add_album(self, name: str, album_type: str, artist_ids: tuple[str, ...], date: str,
                  precision: str, edition: str, label: str) -> Album:
        key = f"{'/'.join(artist_ids)}|{edition}|{name}|{date}"
        precision = {4: "year", 7: "month"}.get(len(date), "day")  # the date says it
        aid = ids.base62_id(self.seed, "album", key)
        year = int(date[:4])
        album = Album(aid, name, album_type, artist_ids, date, precision, year, edition,
                      ids.upc(self.seed, key), label, ids.hex_id(self.seed, "album-img", key),
                      sort_date=date)
        self.cat.albums[aid] = album
        return album

    def add_track(self, album: Album, name: str, artist_ids: tuple[str, ...], duration_ms: int,
                  explicit: bool, isrc: str, popularity: int, version: str, song_key: str,
                  disc: int = 1) -> Track:
        number = self.disc_counts.get((album.id, disc), 0) + 1
        self.disc_counts[(album.id, disc)] = number
        tid = ids.base62_id(self.seed, "track", f"{album.id}:{disc}:{number}")
        track = Track(tid, name, artist_ids, album.id, disc, number, duration_ms, explicit, isrc,
                      max(0, min(100, popularity)), version, song_key)
        self.cat.tracks[tid] = track
        album.track_ids.append(tid)
        return track

    # -- titles -------------------------------------------------------------------------
    @staticmethod
    def song_title(rng: random.Random) -> str:
        pattern = rng.randrange(7)
        a, n, v = rng.choice(names.ADJECTIVES), rng.choice(names.NOUNS), rng.choice(names.VERBS)
        if pattern == 0:
            return rng.choice(names.SINGLE_WORDS)
        if pattern == 1:
            return f"{a} {n}"
        if pattern == 2:
            return f"{v} {rng.choice(('Through', 'Into', 'Past', 'Under'))} the {n}"
        if pattern == 3:
            return f"{n} of {rng.choice(names.NOUNS)}"
        if pattern == 4:
            return f"{a} {rng.choice(names.PLACES)}"
        if pattern == 5:
            return f"{v} {n}"
        return f"{rng.choice(('Say', 'Tell Me', 'Take Me', 'Call Me'))} {rng.choice(('Home', 'Back', 'Tonight', 'Again', 'Softly'))}"  # noqa: E501

    # -- per artist ---------------------------------------------------------------------
    def build_artist(self, artist: Artist, peers: list[Artist], remixers: list[Artist]) -> None:
        self.song_lists[artist.id] = ArtistDiscography(self, artist, peers, remixers).build()

    def _duration(self, rng: random.Random, artist: Artist) -> int:
        low, high = {"jazz": (230, 520), "metal": (220, 430), "house": (180, 400)}.get(
            artist.genre_key, (150, 290))
        return rng.randint(low, high) * 1000 + rng.randint(0, 999)

    def _credit(self, artist: Artist, song: Song, name: str) -> tuple[str, tuple[str, ...]]:
        if song.featured:
            feat = self.cat.artists[song.featured]
            return f"{name} (feat. {feat.name})", (artist.id, feat.id)
        return name, (artist.id,)

    def _original(self, album: Album, artist: Artist, s: Song, pop: int) -> None:
        name, credit = self._credit(artist, s, s.title)
        self.add_track(album, name, credit, s.duration_ms, s.explicit, s.isrc, pop, "original",
                       f"{artist.id}:{s.title}")

    # -- cross-artist releases ------------------------------------------------------------
    def tributes(self, acts: list[Artist], popular: list[Artist]) -> None:
        for i, act in enumerate(acts):
            _, album_pattern, track_pattern = names.TRIBUTE_ACTS[i]
            rng = random.Random(f"{self.seed}:tribute:{act.name}")
            for original in popular[i::2]:
                songs = self.song_lists[original.id][:5]
                year = min(int(max(s.album_date for s in songs)[:4]) + rng.randint(1, 3),
                           self.today.year)
                date, precision = self._date(year, rng)
                edition = "karaoke" if "Karaoke" in track_pattern else "tribute"
                album = self.add_album(album_pattern.format(artist=original.name), "album",
                                       (act.id,), date, precision, edition, "Cover Song Factory")
                for s in songs:
                    self.add_track(album, track_pattern.format(song=s.title, artist=original.name),
                                   (act.id,), s.duration_ms + rng.randint(-9, 9) * 1000, False,
                                   ids.isrc(self.seed, f"{s.isrc}:{act.id}", year),
                                   round(s.popularity * rng.uniform(0.2, 0.5)), edition,
                                   f"{original.id}:{s.title}")

    def various_artists(self, va: Artist, by_genre: dict[str, list[Artist]]) -> None:
        for gkey, artists in by_genre.items():
            rng = random.Random(f"{self.seed}:va:{gkey}")
            year = self.today.year - rng.randint(1, 5)
            date, precision = self._date(year, rng)
            genre_label = names.GENRES[gkey][0][0].title()
            album = self.add_album(f"{genre_label} Essentials {year}", "compilation", (va.id,),
                                   date, precision, "various", "Tidewater Label Group")
            for artist in artists:
                s = self.song_lists[artist.id][0]
                name, credit = self._credit(artist, s, s.title)
                self.add_track(album, name, credit, s.duration_ms, s.explicit, s.isrc,
                               round(s.popularity * 0.3), "compilation", f"{artist.id}:{s.title}")

    def new_releases(self, artists: list[Artist]) -> None:
        """A few singles released in the past two weeks, for ``tag:new``."""
        for i, artist in enumerate(artists):
            rng = random.Random(f"{self.seed}:new:{artist.name}")
            d = self.today - dt.timedelta(days=1 + 2 * i)
            title = self.song_title(rng) + " (New Single)" if i % 3 == 0 else self.song_title(rng)
            album = self.add_album(base_title(title), "single", (artist.id,), d.isoformat(), "day",
                                   "new", rng.choice(names.LABELS))
            s = Song(base_title(title), False, self._duration(rng, artist),
                      ids.isrc(self.seed, f"{artist.id}:new:{i}", d.year),
                      round(artist.popularity * 0.8), None, d.isoformat())
            self._original(album, artist, s, s.popularity)

    # -- wiring -------------------------------------------------------------------------
    def build(self) -> Catalogue:
        self.song_lists: dict[str, list[Song]] = {}
        total = sum(len(v[1]) for v in names.GENRES.values())
        ranks = list(range(total))
        self.rng.shuffle(ranks)
        by_genre: dict[str, list[Artist]] = {}
        i = 0
        for gkey, (tags, artist_names) in names.GENRES.items():
            for name in artist_names:
                # Like the acts a crawl of listeners' favourites finds: mostly well known.
                pop = round(97 * (ranks[i] + 1) ** -0.09)
                by_genre.setdefault(gkey, []).append(self.add_artist(name, gkey, tags, pop))
                i += 1
        acts = [self.add_artist(n, "tribute", ("karaoke",), 12 + k, kind="tribute")
                for k, (n, _, _) in enumerate(names.TRIBUTE_ACTS)]
        va = self.add_artist(names.VARIOUS_ARTISTS, "various", (), 0, kind="various")
        remixers = by_genre["house"]
        for artists in by_genre.values():
            for artist in artists:
                peers = [a for a in artists if a.id != artist.id]
                self.build_artist(artist, peers, remixers)
        main = [a for group in by_genre.values() for a in group]
        popular = sorted(main, key=lambda a: (-a.popularity, a.id))[:30]
        self.tributes(acts, popular)
        self.various_artists(va, by_genre)
        self.new_releases(random.Random(self.seed).sample(main, 6))
        self.finish()
        return self.cat

    def finish(self) -> None:
        self.cat.finish_indexes()


def _neg_date(date: str) -> str:
    """Sort key that orders ISO-ish dates newest first."""
    return "".join(chr(0x7A - ord(c)) if c.isdigit() else c for c in date.ljust(10, "0"))


@functools.lru_cache(maxsize=4)
def build_catalogue(seed: int = 42, today: dt.date | None = None) -> Catalogue:
    """Build (or reuse) the catalogue for a seed; the result must be treated as read-only."""
    return _Builder(seed, today or dt.date.today()).build()
