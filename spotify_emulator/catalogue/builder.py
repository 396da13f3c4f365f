"""The catalogue builder's primitives: add an artist, an album or a track with ids, UPCs and
image keys derived from the seed, and the small random choices (dates, durations, titles,
credits) every release shares. :mod:`.discography` and :mod:`.generation` build with them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from spotify_emulator import ids
from spotify_emulator.catalogue import names
from spotify_emulator.catalogue.model import Album, Artist, Catalogue, Track


@dataclass(slots=True)
class Song:
    """A composition and its album recording (``isrc``), before and after popularity."""

    title: str
    explicit: bool
    duration_ms: int
    isrc: str
    popularity: int
    featured: str | None  # artist id
    album_date: str = ""
    position: int = 1
    appeal: float = 0.0
    single: bool = False
    piece: bool = False  # a skit, intro, interlude, outro or reprise (not a song)


class CatalogueBuilder:
    """Adds artists, releases and recordings to a new Catalogue with ids derived from the
    seed; one instance per build, discarded afterwards."""

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

    def date(self, year: int, rng: random.Random, month: int | None = None) -> tuple[str, str]:
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

    def duration(self, rng: random.Random, artist: Artist) -> int:
        low, high = {"jazz": (230, 520), "metal": (220, 430), "house": (180, 400)}.get(
            artist.genre_key, (150, 290))
        return rng.randint(low, high) * 1000 + rng.randint(0, 999)

    def credit(self, artist: Artist, song: Song, name: str) -> tuple[str, tuple[str, ...]]:
        if song.featured:
            feat = self.cat.artists[song.featured]
            return f"{name} (feat. {feat.name})", (artist.id, feat.id)
        return name, (artist.id,)

    def add_original(self, album: Album, artist: Artist, s: Song, pop: int) -> None:
        name, credit = self.credit(artist, s, s.title)
        self.add_track(album, name, credit, s.duration_ms, s.explicit, s.isrc, pop, "original",
                       f"{artist.id}:{s.title}")
