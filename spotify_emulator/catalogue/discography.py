"""One artist's generated discography: a generative model calibrated on a real crawl.

Popularity is not assigned by rank. Each song gets a latent appeal made of

- an *album* effect (albums succeed or fail as a whole: about half the variance),
- an *era* effect (the newest albums are played most; old ones keep some listeners),
- a *song* effect, minus a little per track position (later tracks are played less),
- now and then a *breakout* (an album track that becomes a big song on its own);

appeal maps to popularity around a level set by the artist's popularity (their top song
is about 9 points below it, the median song at 60 % of the top one, as in the crawl).

Releases are decided the way labels decide them, before anyone knows the outcome: the
singles of an album are picked from a noisy forecast of the song effect that favours
front tracks (some flop; some non-singles become the biggest songs), live set lists and
compilations are weighted draws from the songs people know (not exactly the top ones),
deluxe editions of a recent successful album add new songs and demos. Copies of one
recording on several releases share the ISRC; one edition carries most of the plays.
Versions get a share of the song's popularity drawn per version kind, so their typical
percentile within the artist follows the real order (demo > live > remix > compilation
copy > instrumental > commentary). The ``stats`` command measures all of this.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from spotify_emulator import ids
from spotify_emulator.catalogue import names
from spotify_emulator.catalogue.builder import CatalogueBuilder, Song
from spotify_emulator.catalogue.model import Album, Artist

#: Standard deviations of the latent appeal's parts (in units of the artist's spread).
ALBUM_SD = 0.45
SONG_SD = 0.62
ERA_WEIGHT = 1.5
ERA_POWER = 7.0
DEBUT_BONUS = 0.3  # a debut keeps its first fans
POSITION_SLOPE = 0.04
BREAKOUT_RATE = 0.05
#: How often a deluxe edition becomes the edition people play.
DELUXE_CARRIES = 0.6
#: Copies of the album recording on other releases: share of the song's popularity.
COPY_SHARE = {
    "single": (0.30, 0.50), "deluxe": (0.30, 0.50), "remaster_original": (0.30, 0.55),
    "clean": (0.35, 0.55), "standard": (0.30, 0.50),
}
#: Other recordings (versions): a share of the song's popularity pulled toward the artist's
#: median, because a live take or a remix of a hit is played far less than the hit itself
#: while a demo of a deep cut still finds the fans (and a compilation's copies are played
#: by those who play the compilation).
VERSION_SHARE = {
    "demo": (0.97, 1.09), "live": (0.93, 1.05), "remix": (0.91, 1.01),
    "compilation": (0.88, 0.98), "instrumental": (0.84, 0.94), "commentary": (0.50, 0.66),
    "acoustic": (0.80, 0.95), "edit": (0.55, 0.70),
}
VERSION_PULL = 0.05  # weight of the song's own popularity (the rest: the artist's median)
#: Skits, intros, interludes, outros and reprises on studio albums, as in the real crawl
#: (1.8 % of its tracks; 53 of 134 artists have any, 4.4 % of their tracks; their popularity
#: percentile within the artist: median 24, mean 31, spoken skits median 3): how likely an
#: artist is to use them, by genre, and then each album.
PIECE_ARTIST_RATE = {"hiphop": 0.85, "rnb": 0.7, "latin": 0.4}
PIECE_ARTIST_DEFAULT = 0.25
PIECE_ALBUM_RATE = 0.6
PIECE_APPEAL = {"between": (-1.2, 0.9), "spoken": (-3.0, 0.5)}  # (mean, sd) added to the album's


@dataclass
class _Studio:
    album: Album
    songs: list[Song] = field(default_factory=list)
    effect: float = 0.0


class ArtistDiscography:
    """Generates the releases of one artist through the catalogue builder's primitives."""

    def __init__(self, builder: CatalogueBuilder, artist: Artist, peers: list[Artist],
                 remixers: list[Artist]) -> None:
        self.b = builder
        self.artist = artist
        self.peers = peers
        self.remixers = remixers
        self.rng = random.Random(f"{builder.seed}:{artist.name}")
        self.label = self.rng.choice(names.LABELS)
        self.median = 0.0

    def share(self, kind: str, popularity: int, center: float | None = None) -> int:
        """Popularity of a copy or a version of a song with ``popularity``; versions are
        pulled toward ``center`` (default: the artist's median song)."""
        if kind in COPY_SHARE:
            low, high = COPY_SHARE[kind]
            return round(popularity * self.rng.uniform(low, high))
        low, high = VERSION_SHARE[kind]
        center = self.median if center is None else center
        pulled = VERSION_PULL * popularity + (1 - VERSION_PULL) * center
        return max(0, min(100, round(pulled * self.rng.uniform(low, high))))

    # -- the model ------------------------------------------------------------------------
    def build(self) -> list[Song]:
        """Create every release; return the artist's songs, most popular first."""
        rng, artist = self.rng, self.artist
        studio = self.studio_albums()
        self.assign_popularity(studio)
        self.add_pieces(studio)
        remaster_year = rng.randint(2011, 2019)
        for st in studio:
            for s in st.songs:
                self.b.add_original(st.album, artist, s, s.popularity)
            if st.album.year < 1995:
                self.remaster(st, remaster_year)
            if any(s.explicit for s in st.songs) and rng.random() < 0.35:
                self.clean_edition(st)
        for st in studio:
            for s in st.songs:
                if s.single:
                    self.single_release(s)
        all_songs = [s for st in studio for s in st.songs if not s.piece]
        recent = studio[-2:]
        if rng.random() < 0.8:
            self.deluxe(max(recent, key=lambda st: st.effect))
        if len(studio) >= 3:
            if rng.random() < 0.5:
                self.live(studio[: rng.randint(1, len(studio) - 1)])
            if rng.random() < 0.8:
                self.compilation(all_songs)
        if rng.random() < (0.15 if artist.genre_key in ("hiphop", "house", "rnb") else 0.05):
            self.instrumental_edition(rng.choice(studio))
        if rng.random() < 0.06:
            self.commentary_edition(studio[-1])
        singles = [s for s in all_songs if s.single]
        if artist.genre_key in names.REMIX_GENRES and self.remixers and artist.popularity > 45:
            self.remix_ep(max(singles, key=lambda s: s.album_date))
        if artist.genre_key in names.ACOUSTIC_GENRES:
            self.acoustic_ep(self.weighted_pick(all_songs, 4))
        return sorted(all_songs, key=lambda s: (-s.popularity, s.isrc))

    def studio_albums(self) -> list[_Studio]:
        b, rng, artist = self.b, self.rng, self.artist
        n_albums = rng.choice((2, 3, 3, 4)) + (1 if artist.popularity > 70 else 0)
        year = rng.randint(1979, min(2016, b.today.year - 3 * n_albums))
        explicit_rate = names.EXPLICIT_RATE.get(artist.genre_key, 0.03)
        feature_rate = 0.3 if artist.genre_key in ("hiphop", "latin", "house") else 0.08
        used: set[str] = set()
        studio: list[_Studio] = []
        for _ in range(n_albums):
            title = self.fresh_title(used)
            date, precision = b.date(year, rng)
            songs: list[Song] = []
            for position in range(1, rng.randint(8, 12) + 1):
                st = self.fresh_title(used)
                featured = rng.choice(self.peers).id if self.peers and \
                    rng.random() < feature_rate else None
                songs.append(Song(st, rng.random() < explicit_rate, b.duration(rng, artist),
                                  ids.isrc(b.seed, f"{artist.id}:{st}", int(date[:4])), 0,
                                  featured, date, position))
            album = b.add_album(title, "album", (artist.id,), date, precision, "studio",
                                self.label)
            studio.append(_Studio(album, songs))
            year = min(year + rng.randint(2, 4), b.today.year - 1)
        return studio

    def add_pieces(self, studio: list[_Studio]) -> None:
        """Skits, intros, interludes, outros, reprises: short, rarely played on their own.

        They draw from a random stream of their own."""
        artist, b = self.artist, self.b
        rng = random.Random(f"{b.seed}:pieces:{artist.name}")
        if rng.random() >= PIECE_ARTIST_RATE.get(artist.genre_key, PIECE_ARTIST_DEFAULT):
            return
        spread = 0.174 * max(6.0, self.median / 0.6)
        taken = {s.title for st in studio for s in st.songs}
        for st in studio:
            if rng.random() >= PIECE_ALBUM_RATE:
                continue
            songs = st.songs
            for _ in range(rng.choice((1, 1, 2))):
                spoken = artist.genre_key == "hiphop" and rng.random() < 0.4
                where = rng.choice(("intro", "interlude", "outro", "reprise"))
                if spoken:
                    title, at = rng.choice((f"{rng.choice(names.NOUNS)} (Skit)", "Skit",
                                            f"{rng.choice(names.ADJECTIVES)} Skit")), \
                        rng.randint(1, len(songs))
                elif where == "intro":
                    title, at = rng.choice(("Intro", f"Intro: {rng.choice(names.NOUNS)}")), 0
                elif where == "outro":
                    title, at = rng.choice(("Outro", f"{rng.choice(names.NOUNS)} (Outro)")), \
                        len(songs)
                elif where == "reprise":
                    title, at = f"{rng.choice(songs).title} (Reprise)", len(songs)
                else:
                    title, at = rng.choice((f"{rng.choice(names.ADJECTIVES)} Interlude",
                                            "Interlude", f"{rng.choice(names.NOUNS)} - Interlude"
                                            )), rng.randint(2, max(2, len(songs) - 1))
                if title in taken:
                    continue
                taken.add(title)
                mean, sd = PIECE_APPEAL["spoken" if spoken else "between"]
                appeal = st.effect + rng.gauss(mean, sd)
                pop = max(0, min(100, round(self.median + spread * appeal)))
                songs.insert(at, Song(
                    title, False, rng.randint(25, 140) * 1000,
                    ids.isrc(b.seed, f"{artist.id}:{title}:{st.album.id}", st.album.year), pop,
                    None, songs[0].album_date, at + 1, appeal, piece=True,
                ))

    def fresh_title(self, used: set[str]) -> str:
        title = self.b.song_title(self.rng)
        while title in used:
            title = self.b.song_title(self.rng)
        used.add(title)
        return title

    def assign_popularity(self, studio: list[_Studio]) -> None:
        """Latent appeal -> popularity; the label picks singles from a noisy forecast."""
        rng, n = self.rng, len(studio)
        top = max(6.0, self.artist.popularity - 9 + rng.gauss(0, 3))
        median, spread = 0.6 * top, 0.174 * top
        self.median = median
        for i, st in enumerate(studio):
            age = i / (n - 1) if n > 1 else 1.0  # 0 = the oldest album, 1 = the newest
            st.effect = (rng.gauss(0, ALBUM_SD) + ERA_WEIGHT * age**ERA_POWER
                         + (DEBUT_BONUS if i == 0 and n > 2 else 0.0))
            forecast: list[tuple[float, Song]] = []
            for s in st.songs:
                song_effect = rng.gauss(0, SONG_SD)
                s.appeal = st.effect + song_effect - POSITION_SLOPE * (s.position - 1)
                if rng.random() < BREAKOUT_RATE:
                    s.appeal += rng.uniform(0.8, 1.8)
                guess = 0.5 * song_effect + rng.gauss(0, 0.5) - 0.08 * (s.position - 1)
                forecast.append((guess, s))
            forecast.sort(key=lambda f: -f[0])
            for _, s in forecast[: 2 if i == n - 1 or rng.random() < 0.5 else 1]:
                s.single = True
                s.appeal += rng.uniform(0.0, 0.35)  # promotion helps, but not always enough
        for st in studio:
            for s in st.songs:
                s.popularity = max(0, min(100, round(median + spread * s.appeal)))

    def weighted_pick(self, songs: list[Song], k: int, single_bonus: float = 1.0) -> list[Song]:
        """k songs drawn without replacement, weighted by how well known they are."""
        pool = list(songs)
        out: list[Song] = []
        while pool and len(out) < k:
            weights = [(s.popularity + 3) ** 2 * (single_bonus if s.single else 1.0)
                       for s in pool]
            pick = self.rng.choices(range(len(pool)), weights)[0]
            out.append(pool.pop(pick))
        return out

    # -- releases -------------------------------------------------------------------------
    def remaster(self, st: _Studio, year: int) -> None:
        """A remastered re-issue: the original edition keeps most listeners."""
        b, artist, album = self.b, self.artist, st.album
        date, precision = b.date(year, self.rng)
        paren = self.rng.random() < 0.5
        rem = b.add_album(f"{album.name} (Remastered {year})" if paren
                          else f"{album.name} - {year} Remaster", "album", (artist.id,), date,
                          precision, "remaster", self.label)
        rem.edition_of = album.id
        for s in st.songs:
            suffix = f" (Remastered {year})" if paren else f" - Remastered {year}"
            name, credit = b.credit(artist, s, s.title)
            b.add_track(rem, name + suffix, credit, s.duration_ms, s.explicit, s.isrc,
                        self.share("remaster_original", s.popularity), "remaster",
                        f"{artist.id}:{s.title}")

    def clean_edition(self, st: _Studio) -> None:
        b, artist, album = self.b, self.artist, st.album
        clean = b.add_album(album.name, "album", (artist.id,), album.release_date,
                            album.release_date_precision, "clean", self.label)
        clean.edition_of = album.id
        for s in st.songs:
            name, credit = b.credit(artist, s, s.title)
            isrc = ids.isrc(b.seed, f"{s.isrc}:clean", album.year) if s.explicit else s.isrc
            b.add_track(clean, name, credit, s.duration_ms, False, isrc,
                        self.share("clean", s.popularity),
                        "clean" if s.explicit else "original", f"{artist.id}:{s.title}")

    def single_release(self, s: Song) -> None:
        b, rng, artist = self.b, self.rng, self.artist
        year = int(s.album_date[:4])
        date, precision = b.date(year, rng)
        if date > s.album_date:
            date, precision = s.album_date, precision
        single = b.add_album(s.title, "single", (artist.id,), date, precision, "single",
                             self.label)
        name, credit = b.credit(artist, s, s.title)
        b.add_track(single, name, credit, s.duration_ms, s.explicit, s.isrc,
                    self.share("single", s.popularity), "single", f"{artist.id}:{s.title}")
        if artist.genre_key in names.REMIX_GENRES and self.remixers:
            self.remix_track(single, s, rng.choice(self.remixers))
        else:
            b.add_track(single, f"{s.title} - Radio Edit", credit, s.duration_ms - 41_000,
                        s.explicit, ids.isrc(b.seed, f"{s.isrc}:edit", year),
                        self.share("edit", s.popularity), "edit", f"{artist.id}:{s.title}")

    def remix_track(self, album: Album, s: Song, remixer: Artist) -> None:
        b, artist = self.b, self.artist
        if remixer.id == artist.id:
            remixer = next(r for r in b.cat.main_artists() if r.genre_key == "house"
                           and r.id != artist.id)
        b.add_track(album, f"{s.title} - {remixer.name} Remix", (artist.id, remixer.id),
                    s.duration_ms + 35_000, s.explicit,
                    ids.isrc(b.seed, f"{s.isrc}:remix:{remixer.id}", album.year),
                    self.share("remix", s.popularity), "remix", f"{artist.id}:{s.title}")

    def deluxe(self, st: _Studio) -> None:
        """A deluxe edition of a recent album: the album, new songs and demos (disc 2)."""
        b, rng, artist, album = self.b, self.rng, self.artist, st.album
        date, precision = b.date(min(album.year + 1, b.today.year), rng)
        title = (f"{album.name} (Deluxe Edition)" if rng.random() < 0.5
                 else f"{album.name} - Deluxe Edition")
        deluxe = b.add_album(title, "album", (artist.id,), date, precision, "deluxe",
                             self.label)
        deluxe.edition_of = album.id
        # Often the deluxe edition becomes *the* album (the one search and playlists link).
        carries = rng.random() < DELUXE_CARRIES
        standard = {t: b.cat.tracks[t] for t in album.track_ids}
        for s, tid in zip(st.songs, album.track_ids, strict=True):
            name, credit = b.credit(artist, s, s.title)
            pop = s.popularity if carries else self.share("deluxe", s.popularity)
            b.add_track(deluxe, name, credit, s.duration_ms, s.explicit, s.isrc, pop, "deluxe",
                        f"{artist.id}:{s.title}")
            if carries:
                standard[tid].popularity = self.share("standard", s.popularity)
        songs = [s for s in st.songs if not s.piece]
        median = sorted(s.popularity for s in songs)[len(songs) // 2]
        used = {s.title for s in st.songs}
        for _ in range(rng.randint(2, 4)):  # new songs: a little less played than the album
            t = self.fresh_title(used)
            pop = max(0, min(100, round(median * rng.uniform(0.6, 0.95))))
            b.add_track(deluxe, t, (artist.id,), b.duration(rng, artist), False,
                        ids.isrc(b.seed, f"{artist.id}:{t}", deluxe.year), pop, "original",
                        f"{artist.id}:{t}", disc=2)
        venue = rng.choice(names.VENUES)
        extras = [(s, " - Demo", "demo") for s in rng.sample(songs, 2)]
        if rng.random() < 0.4:
            extras.append((rng.choice(songs), " - Instrumental", "instrumental"))
        if rng.random() < 0.3:
            extras.append((rng.choice(songs), f" - Live at {venue}", "live"))
        for s, suffix, version in extras:
            b.add_track(deluxe, s.title + suffix, (artist.id,),
                        s.duration_ms + (45_000 if version == "live" else 0),
                        s.explicit, ids.isrc(b.seed, f"{s.isrc}:{version}", deluxe.year),
                        self.share(version, s.popularity), version,
                        f"{artist.id}:{s.title}", disc=2)

    def live(self, toured: list[_Studio]) -> None:
        """A concert recorded on the tour after the last of ``toured``."""
        b, rng, artist = self.b, self.rng, self.artist
        setlist = self.weighted_pick([s for st in toured for s in st.songs if not s.piece],
                                     rng.randint(8, 12))
        venue = rng.choice(names.VENUES)
        year = min(int(max(s.album_date for s in setlist)[:4]) + 1, b.today.year)
        date, precision = b.date(year, rng)
        live = b.add_album(f"Live at {venue}", "album", (artist.id,), date, precision, "live",
                           self.label)
        for s in setlist:
            b.add_track(live, f"{s.title} - Live at {venue}", (artist.id,),
                        s.duration_ms + rng.randint(15, 70) * 1000, s.explicit,
                        ids.isrc(b.seed, f"{s.isrc}:live", year),
                        self.share("live", s.popularity), "live", f"{artist.id}:{s.title}")

    def compilation(self, songs: list[Song]) -> None:
        b, rng, artist = self.b, self.rng, self.artist
        chosen = self.weighted_pick(songs, rng.randint(10, 14), single_bonus=3.0)
        chosen.sort(key=lambda s: (s.album_date, s.position))
        title = rng.choice(names.COMPILATION_TITLES).format(artist=artist.name)
        year = min(int(max(s.album_date for s in chosen)[:4]) + rng.randint(1, 4), b.today.year)
        date, precision = b.date(year, rng)
        comp = b.add_album(title, "compilation", (artist.id,), date, precision, "compilation",
                           self.label)
        for s in chosen:
            name, credit = b.credit(artist, s, s.title)
            # The same recording: never more played than where it first came out.
            pop = min(self.share("compilation", s.popularity), round(s.popularity * 0.95))
            b.add_track(comp, name, credit, s.duration_ms, s.explicit, s.isrc, pop,
                        "compilation", f"{artist.id}:{s.title}")

    def instrumental_edition(self, st: _Studio) -> None:
        b, rng, artist, album = self.b, self.rng, self.artist, st.album
        year = min(album.year + rng.randint(0, 2), b.today.year)
        date, precision = b.date(year, rng)
        inst = b.add_album(f"{album.name} (Instrumentals)", "album", (artist.id,), date,
                           precision, "instrumental", self.label)
        inst.edition_of = album.id
        for s in st.songs:
            b.add_track(inst, f"{s.title} - Instrumental", (artist.id,), s.duration_ms, False,
                        ids.isrc(b.seed, f"{s.isrc}:instrumental", year),
                        self.share("instrumental", s.popularity), "instrumental",
                        f"{artist.id}:{s.title}")

    def commentary_edition(self, st: _Studio) -> None:
        b, rng, artist, album = self.b, self.rng, self.artist, st.album
        commentary = b.add_album(f"{album.name} (Commentary)", "album", (artist.id,),
                                 album.release_date, album.release_date_precision,
                                 "commentary", self.label)
        commentary.edition_of = album.id
        for s in st.songs:
            b.add_track(commentary, f"{s.title} - Commentary", (artist.id,),
                        rng.randint(60, 150) * 1000, False,
                        ids.isrc(b.seed, f"{s.isrc}:commentary", album.year),
                        self.share("commentary", s.popularity), "commentary",
                        f"{artist.id}:{s.title}")

    def remix_ep(self, s: Song) -> None:
        b, rng, artist = self.b, self.rng, self.artist
        year = min(int(s.album_date[:4]) + 1, b.today.year)
        date, precision = b.date(year, rng)
        ep = b.add_album(f"{s.title} (Remixes)", "single", (artist.id,), date, precision,
                         "remix", self.label)
        for remixer in rng.sample(self.remixers, 3):
            self.remix_track(ep, s, remixer)

    def acoustic_ep(self, songs: list[Song]) -> None:
        b, rng, artist = self.b, self.rng, self.artist
        year = min(int(max(s.album_date for s in songs)[:4]) + 1, b.today.year)
        date, precision = b.date(year, rng)
        ep = b.add_album("Acoustic Sessions", "single", (artist.id,), date, precision,
                         "acoustic", self.label)
        for s in songs:
            b.add_track(ep, f"{s.title} - Acoustic", (artist.id,), s.duration_ms - 12_000,
                        s.explicit, ids.isrc(b.seed, f"{s.isrc}:acoustic", year),
                        self.share("acoustic", s.popularity), "acoustic",
                        f"{artist.id}:{s.title}")
