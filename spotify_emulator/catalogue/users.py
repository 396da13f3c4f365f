"""Demo users and the listening history derived for them from the catalogue.

Each user exists to exercise one situation the app must handle (a typical listener, one
with almost no history, a brand-new account, one not on the app's allow-list, ...).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from spotify_emulator.catalogue.model import Catalogue, Track

USER_TYPICAL = "alex"
USER_FEW_TOP_ARTISTS = "sam"
USER_NEW = "jordan"
USER_ECLECTIC = "maya"
USER_HEAVY = "riley"
USER_NOT_ALLOWLISTED = "casey"

TIME_RANGES = ("short_term", "medium_term", "long_term")


@dataclass(frozen=True)
class DemoUser:
    """A demo account; ``top_counts`` is (short, medium, long) term top-artist counts."""

    id: str
    display_name: str
    label: str
    purpose: str
    country: str
    product: str
    genres: tuple[str, ...]
    top_counts: tuple[int, int, int]
    n_follows: int
    n_saved: int
    playlist_names: tuple[str, ...]
    followers: int
    has_image: bool = True
    explicit_filter: bool = False

    @property
    def email(self) -> str:
        return f"{self.id}@example.com"


_RILEY_PLAYLISTS = (*(f"Mixtape #{i:02d}" for i in range(1, 58)),
                    "Everything Loud", "Commute", "Rainy Day Vinyl")

DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(USER_TYPICAL, "Alex Rivera", "Alex (indie & rock fan)",
             "typical listener: ~30 top artists per time range, >50 follows, >50 saved tracks",
             "GB", "premium", ("indie", "dreampop", "folk", "synthwave"), (24, 30, 34), 64, 120,
             ("Road Trip Mix", "Late Night Focus", "Gym Bangers", "Sunday Morning"), 37),
    DemoUser(USER_FEW_TOP_ARTISTS, "Sam Okafor", "Sam (listens to only two artists)",
             "almost no history: 2 top artists, a handful of follows and saved tracks",
             "US", "free", ("hiphop",), (2, 2, 2), 3, 8, ("Sam's Favourites",), 2),
    DemoUser(USER_NEW, "Jordan Lee", "Jordan (brand-new account, no history)",
             "new account: no top artists, follows, saved tracks or playlists",
             "DE", "free", (), (0, 0, 0), 0, 0, (), 0, has_image=False),
    DemoUser(USER_ECLECTIC, "Maya Lindqvist", "Maya (jazz, soul & electronic)",
             "eclectic listener across genres; owns a public playlist others follow",
             "SE", "premium", ("jazz", "rnb", "house", "latin"), (18, 25, 28), 22, 45,
             ("Maya's Jazz Corner", "Dinner Party", "Dance Floor Fillers"), 210),
    DemoUser(USER_HEAVY, "Riley Chen", "Riley (power user, 60 playlists)",
             "heavy user: 60 playlists, many follows and saved tracks (paging)",
             "CA", "premium", ("metal", "synthwave", "hiphop", "indie", "house"), (40, 48, 50),
             140, 260, _RILEY_PLAYLISTS, 1250, explicit_filter=False),
    DemoUser(USER_NOT_ALLOWLISTED, "Casey Morgan", "Casey (NOT on the app's allow-list)",
             "not allow-listed for the default client: every /v1 call is 403 in development mode",
             "US", "premium", ("latin", "rnb"), (15, 20, 22), 12, 30, ("Casey's Mix",), 5),
)

USERS_BY_ID = {u.id: u for u in DEMO_USERS}

#: The default client's allow-list (Spotify allows five users in Development Mode).
DEFAULT_ALLOW_LIST: tuple[str, ...] = (USER_TYPICAL, USER_FEW_TOP_ARTISTS, USER_NEW,
                                       USER_ECLECTIC, USER_HEAVY)


@dataclass
class PlaylistSeed:
    name: str
    description: str
    public: bool
    track_ids: list[str]
    owner_id: str


@dataclass
class UserHistory:
    """Derived, initial per-user data (copied into mutable state on reset)."""

    top_artists: dict[str, list[str]] = field(default_factory=dict)
    top_tracks: dict[str, list[str]] = field(default_factory=dict)
    followed_artists: list[str] = field(default_factory=list)
    saved_tracks: list[tuple[str, str]] = field(default_factory=list)  # (track id, added_at)
    playlists: list[PlaylistSeed] = field(default_factory=list)
    #: Other users' playlists this user follows: (owner id, index in the owner's playlists).
    followed_playlists: list[tuple[str, int]] = field(default_factory=list)


def iso(ts: dt.datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def _ranked(rng: random.Random, artists: list, preferred: tuple[str, ...], noise: float) -> list:
    def key(a) -> float:
        bonus = 1.0 if a.genre_key in preferred else 0.0
        return -(a.popularity / 100 + bonus + rng.random() * noise)

    return sorted(artists, key=key)


def _top_tracks(cat: Catalogue, artist_ids: list[str], rng: random.Random) -> list[str]:
    """Round-robin over the top artists' hits, like a listener's most played songs."""
    per_artist = [cat.canonical_hits(a, rng.randint(1, 4)) for a in artist_ids]
    out: list[str] = []
    for depth in range(4):
        for hits in per_artist:
            if depth < len(hits):
                out.append(hits[depth].id)
    return out[:50]


def build_history(cat: Catalogue, user: DemoUser) -> UserHistory:
    """Deterministically derive a user's top items, follows, saved tracks and playlists."""
    rng = random.Random(f"{cat.seed}:user:{user.id}")
    hist = UserHistory()
    main = cat.main_artists()
    if not user.genres:
        return hist
    base = _ranked(rng, main, user.genres, 0.8)
    for time_range, n, noise in zip(TIME_RANGES, user.top_counts, (2.0, 0.8, 1.4), strict=True):
        if n <= 2:
            picks = [a.id for a in base[:n]]
        else:
            reranked = _ranked(random.Random(f"{cat.seed}:{user.id}:{time_range}"), main,
                               user.genres, noise)
            picks = [a.id for a in reranked[:n]]
        hist.top_artists[time_range] = picks
        hist.top_tracks[time_range] = _top_tracks(cat, picks, rng)
    hist.followed_artists = [a.id for a in base[: user.n_follows]]
    now = dt.datetime.combine(cat.today, dt.time(9, 30), tzinfo=dt.UTC)
    unique = {t.id: t for a in base[:40] for t in cat.artist_tracks(a.id)
              if t.version in ("original", "remaster", "single", "live", "acoustic")}
    candidates = sorted(unique.values(), key=lambda t: t.id)
    saved = rng.sample(candidates, min(user.n_saved, len(candidates)))
    hist.saved_tracks = [(t.id, iso(now - dt.timedelta(hours=41 * i))) for i, t in
                         enumerate(saved)]
    pool: list[Track] = sorted(candidates, key=lambda t: -t.popularity)[:300]
    for i, name in enumerate(user.playlist_names):
        size = rng.randint(3, 10) if len(user.playlist_names) > 10 else rng.randint(12, 40)
        tracks = [t.id for t in rng.sample(pool, min(size, len(pool)))]
        hist.playlists.append(PlaylistSeed(name, f"{name} - made by {user.display_name}",
                                           public=(i % 3 != 1), track_ids=tracks,
                                           owner_id=user.id))
    if user.id == USER_TYPICAL:
        # Alex follows Maya's public playlist: a playlist in /me/playlists Alex cannot edit.
        hist.followed_playlists.append((USER_ECLECTIC, 0))
    return hist


@dataclass(frozen=True)
class UserBase:
    """The users of a catalogue, their initial histories and the default allow-list."""

    users: tuple[DemoUser, ...]
    histories: dict[str, UserHistory]
    allow_list: tuple[str, ...]


def demo_user_base(cat: Catalogue) -> UserBase:
    """The six demo users with histories derived from a synthetic catalogue."""
    return UserBase(DEMO_USERS, {u.id: build_history(cat, u) for u in DEMO_USERS},
                    DEFAULT_ALLOW_LIST)
