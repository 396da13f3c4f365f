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

from . import ids, names

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


@dataclass(slots=True)
class _Song:
    title: str
    explicit: bool
    duration_ms: int
    isrc: str
    popularity: int
    featured: str | None  # artist id
    album_date: str = ""


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
        rng = random.Random(f"{self.seed}:{artist.name}")
        label = rng.choice(names.LABELS)
        n_albums = rng.choice((2, 3, 3, 4)) + (1 if artist.popularity > 70 else 0)
        year = rng.randint(1979, min(2016, self.today.year - 3 * n_albums))
        explicit_rate = names.EXPLICIT_RATE.get(artist.genre_key, 0.03)
        feature_rate = 0.3 if artist.genre_key in ("hiphop", "latin", "house") else 0.08
        used: set[str] = set()
        studio: list[tuple[Album, list[_Song]]] = []
        all_songs: list[_Song] = []
        for _ in range(n_albums):
            title = self.song_title(rng)
            while title in used:
                title = self.song_title(rng)
            used.add(title)
            date, precision = self._date(year, rng)
            songs: list[_Song] = []
            for _ in range(rng.randint(8, 12)):
                st = self.song_title(rng)
                while st in used:
                    st = self.song_title(rng)
                used.add(st)
                featured = None
                if peers and rng.random() < feature_rate:
                    featured = rng.choice(peers).id
                songs.append(_Song(st, rng.random() < explicit_rate, self._duration(rng, artist),
                                   ids.isrc(self.seed, f"{artist.id}:{st}", int(date[:4])), 0,
                                   featured, date))
            album = self.add_album(title, "album", (artist.id,), date, precision, "studio", label)
            studio.append((album, songs))
            all_songs.extend(songs)
            year = min(year + rng.randint(2, 4), self.today.year - 1)
        # Power-law popularity within the artist: a few hits dominate.
        ranked = all_songs[:]
        rng.shuffle(ranked)
        for r, song in enumerate(ranked):
            song.popularity = round(artist.popularity * (r + 1) ** -0.45 + rng.uniform(-3, 3))
        hits = ranked[:3]
        remaster_year = rng.randint(2011, 2019)
        for album, songs in studio:
            remastered = album.year < 2008
            for s in songs:
                pop = s.popularity // 2 if remastered else s.popularity
                self._original(album, artist, s, pop)
            if remastered:
                self._remaster(artist, album, songs, remaster_year, label, rng)
            if any(s.explicit for s in songs) and rng.random() < 0.6:
                self._clean_edition(artist, album, songs, label)
        for song in hits:
            self._single(artist, song, label, rng, remixers)
        top_album, top_songs = next((a, s) for a, s in studio if hits[0] in s)
        self._deluxe(artist, top_album, top_songs, label, rng)
        best = sorted(all_songs, key=lambda s: -s.popularity)
        if n_albums >= 3:
            self._live(artist, best[: rng.randint(8, 10)], label, rng)
            self._compilation(artist, best[: rng.randint(10, 14)], label, rng)
        if artist.genre_key in names.REMIX_GENRES and remixers and artist.popularity > 45:
            self._remix_ep(artist, hits[0], label, rng, remixers)
        if artist.genre_key in names.ACOUSTIC_GENRES:
            self._acoustic_ep(artist, best[:4], label, rng)
        self.song_lists[artist.id] = best

    def _duration(self, rng: random.Random, artist: Artist) -> int:
        low, high = {"jazz": (230, 520), "metal": (220, 430), "house": (180, 400)}.get(
            artist.genre_key, (150, 290))
        return rng.randint(low, high) * 1000 + rng.randint(0, 999)

    def _credit(self, artist: Artist, song: _Song, name: str) -> tuple[str, tuple[str, ...]]:
        if song.featured:
            feat = self.cat.artists[song.featured]
            return f"{name} (feat. {feat.name})", (artist.id, feat.id)
        return name, (artist.id,)

    def _original(self, album: Album, artist: Artist, s: _Song, pop: int) -> None:
        name, credit = self._credit(artist, s, s.title)
        self.add_track(album, name, credit, s.duration_ms, s.explicit, s.isrc, pop, "original",
                       f"{artist.id}:{s.title}")

    def _remaster(self, artist: Artist, album: Album, songs: list[_Song], ry: int, label: str,
                  rng: random.Random) -> None:
        date, precision = self._date(ry, rng)
        paren = rng.random() < 0.5
        rem = self.add_album(f"{album.name} (Remastered {ry})" if paren
                             else f"{album.name} - {ry} Remaster", "album", (artist.id,), date,
                             precision, "remaster", label)
        rem.edition_of = album.id
        for s in songs:
            suffix = f" (Remastered {ry})" if paren else f" - Remastered {ry}"
            name, credit = self._credit(artist, s, s.title)
            self.add_track(rem, name + suffix, credit, s.duration_ms, s.explicit, s.isrc,
                           s.popularity, "remaster", f"{artist.id}:{s.title}")

    def _clean_edition(self, artist: Artist, album: Album, songs: list[_Song],
                       label: str) -> None:
        clean = self.add_album(album.name, "album", (artist.id,), album.release_date,
                               album.release_date_precision, "clean", label)
        clean.edition_of = album.id
        for s in songs:
            name, credit = self._credit(artist, s, s.title)
            isrc = ids.isrc(self.seed, f"{s.isrc}:clean", album.year) if s.explicit else s.isrc
            self.add_track(clean, name, credit, s.duration_ms, False, isrc, s.popularity // 4,
                           "clean" if s.explicit else "original", f"{artist.id}:{s.title}")

    def _single(self, artist: Artist, s: _Song, label: str, rng: random.Random,
                remixers: list[Artist]) -> None:
        year = int(s.album_date[:4])
        date, precision = self._date(year, rng, month=None)
        if date > s.album_date:
            date, precision = s.album_date, "day" if len(s.album_date) == 10 else precision
        single = self.add_album(s.title, "single", (artist.id,), date, precision, "single", label)
        name, credit = self._credit(artist, s, s.title)
        self.add_track(single, name, credit, s.duration_ms, s.explicit, s.isrc,
                       round(s.popularity * 0.7), "single", f"{artist.id}:{s.title}")
        if artist.genre_key in names.REMIX_GENRES and remixers:
            self._remix_track(single, artist, s, rng.choice(remixers), round(s.popularity * 0.3))
        else:
            self.add_track(single, f"{s.title} - Radio Edit", credit, s.duration_ms - 41_000,
                           s.explicit, ids.isrc(self.seed, f"{s.isrc}:edit", year),
                           round(s.popularity * 0.25), "edit", f"{artist.id}:{s.title}")

    def _remix_track(self, album: Album, artist: Artist, s: _Song, remixer: Artist,
                     pop: int) -> None:
        if remixer.id == artist.id:
            remixer = next(r for r in self.cat.main_artists() if r.genre_key == "house"
                           and r.id != artist.id)
        self.add_track(album, f"{s.title} - {remixer.name} Remix", (artist.id, remixer.id),
                       s.duration_ms + 35_000, s.explicit,
                       ids.isrc(self.seed, f"{s.isrc}:remix:{remixer.id}", album.year), pop,
                       "remix", f"{artist.id}:{s.title}")

    def _deluxe(self, artist: Artist, album: Album, songs: list[_Song], label: str,
                rng: random.Random) -> None:
        date, precision = self._date(min(album.year + 1, self.today.year), rng)
        title = (f"{album.name} (Deluxe Edition)" if rng.random() < 0.5
                 else f"{album.name} - Deluxe Edition")
        deluxe = self.add_album(title, "album", (artist.id,), date, precision, "deluxe", label)
        deluxe.edition_of = album.id
        for s in songs:
            name, credit = self._credit(artist, s, s.title)
            self.add_track(deluxe, name, credit, s.duration_ms, s.explicit, s.isrc,
                           round(s.popularity * 0.35), "deluxe", f"{artist.id}:{s.title}")
        venue = rng.choice(names.VENUES)
        bonus = [(songs[0], " - Demo", "demo", 0), (songs[1], " - Demo", "demo", 0),
                 (songs[2], " - Instrumental", "instrumental", 0),
                 (songs[0], f" - Live at {venue}", "live", 45_000),
                 (songs[1], " - Commentary", "commentary", None)]
        for s, suffix, version, extra in bonus:
            duration = (rng.randint(60, 150) * 1000) if extra is None else s.duration_ms + extra
            self.add_track(deluxe, s.title + suffix, (artist.id,), duration,
                           s.explicit and version != "commentary",
                           ids.isrc(self.seed, f"{s.isrc}:{version}", album.year + 1),
                           round(s.popularity * 0.12), version, f"{artist.id}:{s.title}", disc=2)

    def _live(self, artist: Artist, songs: list[_Song], label: str, rng: random.Random) -> None:
        venue = rng.choice(names.VENUES)
        year = min(int(max(s.album_date for s in songs)[:4]) + 1, self.today.year)
        date, precision = self._date(year, rng)
        live = self.add_album(f"Live at {venue}", "album", (artist.id,), date, precision, "live",
                              label)
        for s in songs:
            self.add_track(live, f"{s.title} - Live at {venue}", (artist.id,),
                           s.duration_ms + rng.randint(15, 70) * 1000, s.explicit,
                           ids.isrc(self.seed, f"{s.isrc}:live", year),
                           round(s.popularity * 0.3), "live", f"{artist.id}:{s.title}")

    def _compilation(self, artist: Artist, songs: list[_Song], label: str,
                     rng: random.Random) -> None:
        title = rng.choice(names.COMPILATION_TITLES).format(artist=artist.name)
        year = min(int(max(s.album_date for s in songs)[:4]) + rng.randint(1, 4), self.today.year)
        date, precision = self._date(year, rng)
        comp = self.add_album(title, "compilation", (artist.id,), date, precision,
                              "compilation", label)
        for s in songs:
            name, credit = self._credit(artist, s, s.title)
            self.add_track(comp, name, credit, s.duration_ms, s.explicit, s.isrc,
                           round(s.popularity * 0.45), "compilation", f"{artist.id}:{s.title}")

    def _remix_ep(self, artist: Artist, s: _Song, label: str, rng: random.Random,
                  remixers: list[Artist]) -> None:
        year = min(int(s.album_date[:4]) + 1, self.today.year)
        date, precision = self._date(year, rng)
        ep = self.add_album(f"{s.title} (Remixes)", "single", (artist.id,), date, precision,
                            "remix", label)
        for remixer in rng.sample(remixers, 3):
            self._remix_track(ep, artist, s, remixer, round(s.popularity * 0.2))

    def _acoustic_ep(self, artist: Artist, songs: list[_Song], label: str,
                     rng: random.Random) -> None:
        year = min(int(max(s.album_date for s in songs)[:4]) + 1, self.today.year)
        date, precision = self._date(year, rng)
        ep = self.add_album("Acoustic Sessions", "single", (artist.id,), date, precision,
                            "acoustic", label)
        for s in songs:
            self.add_track(ep, f"{s.title} - Acoustic", (artist.id,), s.duration_ms - 12_000,
                           s.explicit, ids.isrc(self.seed, f"{s.isrc}:acoustic", year),
                           round(s.popularity * 0.25), "acoustic", f"{artist.id}:{s.title}")

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
                                   rng.randint(0, 12), edition, f"{original.id}:{s.title}")

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
            s = _Song(base_title(title), False, self._duration(rng, artist),
                      ids.isrc(self.seed, f"{artist.id}:new:{i}", d.year),
                      round(artist.popularity * 0.8), None, d.isoformat())
            self._original(album, artist, s, s.popularity)

    # -- wiring -------------------------------------------------------------------------
    def build(self) -> Catalogue:
        self.song_lists: dict[str, list[_Song]] = {}
        total = sum(len(v[1]) for v in names.GENRES.values())
        ranks = list(range(total))
        self.rng.shuffle(ranks)
        by_genre: dict[str, list[Artist]] = {}
        i = 0
        for gkey, (tags, artist_names) in names.GENRES.items():
            for name in artist_names:
                pop = round(92 * (ranks[i] + 1) ** -0.3)
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
