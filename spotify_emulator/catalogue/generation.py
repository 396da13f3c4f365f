"""The synthetic catalogue: every genre's artists with their discographies, then tribute acts,
"Various Artists" compilations and this fortnight's new singles, all from one seed.
"""

from __future__ import annotations

import datetime as dt
import functools
import random

from spotify_emulator import ids
from spotify_emulator.catalogue import names
from spotify_emulator.catalogue.builder import CatalogueBuilder, Song
from spotify_emulator.catalogue.discography import ArtistDiscography
from spotify_emulator.catalogue.model import Artist, Catalogue, base_title


class CatalogueGenerator(CatalogueBuilder):
    """Generates the whole catalogue of one seed (``build``)."""

    def build_artist(self, artist: Artist, peers: list[Artist], remixers: list[Artist]) -> None:
        self.song_lists[artist.id] = ArtistDiscography(self, artist, peers, remixers).build()

    # -- cross-artist releases ------------------------------------------------------------
    def tributes(self, acts: list[Artist], popular: list[Artist]) -> None:
        for i, act in enumerate(acts):
            _, album_pattern, track_pattern = names.TRIBUTE_ACTS[i]
            rng = random.Random(f"{self.seed}:tribute:{act.name}")
            for original in popular[i::2]:
                songs = self.song_lists[original.id][:5]
                year = min(int(max(s.album_date for s in songs)[:4]) + rng.randint(1, 3),
                           self.today.year)
                date, precision = self.date(year, rng)
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
            date, precision = self.date(year, rng)
            genre_label = names.GENRES[gkey][0][0].title()
            album = self.add_album(f"{genre_label} Essentials {year}", "compilation", (va.id,),
                                   date, precision, "various", "Tidewater Label Group")
            for artist in artists:
                s = self.song_lists[artist.id][0]
                name, credit = self.credit(artist, s, s.title)
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
            s = Song(base_title(title), False, self.duration(rng, artist),
                      ids.isrc(self.seed, f"{artist.id}:new:{i}", d.year),
                      round(artist.popularity * 0.8), None, d.isoformat())
            self.add_original(album, artist, s, s.popularity)

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


@functools.lru_cache(maxsize=4)
def build_catalogue(seed: int = 42, today: dt.date | None = None) -> Catalogue:
    """Build (or reuse) the catalogue for a seed; the result must be treated as read-only."""
    return CatalogueGenerator(seed, today or dt.date.today()).build()
