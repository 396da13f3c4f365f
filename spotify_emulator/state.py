"""Mutable emulator state: playlists and users' libraries (the catalogue is read-only).

``reset()`` rebuilds everything from the seed, so each test can start from a known world.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field

from spotify_emulator import ids
from spotify_emulator.catalogue.model import Catalogue
from spotify_emulator.catalogue.users import DemoUser, UserBase, demo_user_base
from spotify_emulator.clock import Clock


def iso_now(clock: Clock) -> str:
    return dt.datetime.fromtimestamp(clock.now(), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class PlaylistEntry:
    uri: str
    added_at: str
    added_by: str


@dataclass
class Playlist:
    id: str
    owner_id: str
    name: str
    description: str
    public: bool
    collaborative: bool = False
    entries: list[PlaylistEntry] = field(default_factory=list)
    version: int = 1
    images: list[dict] = field(default_factory=list)
    followers: int = 0

    @property
    def snapshot_id(self) -> str:
        """Opaque like Spotify's; changes with every write."""
        digest = hashlib.blake2b(f"{self.id}:{self.version}".encode(), digest_size=20).digest()
        return base64.b64encode(self.version.to_bytes(4, "big") + digest[:20]).decode()

    def touch(self) -> None:
        self.version += 1

    def track_uris(self) -> list[str]:
        return [e.uri for e in self.entries]


@dataclass
class Library:
    """One user's saved and followed things (most recent first where order matters)."""

    saved_tracks: list[tuple[str, str]] = field(default_factory=list)
    followed_artists: list[str] = field(default_factory=list)
    playlists: list[str] = field(default_factory=list)  # owned and followed, newest first
    other: dict[str, str] = field(default_factory=dict)  # uri -> added_at (albums, users, ...)


class EmulatorState:
    """Playlists and libraries of the users; guarded by ``lock`` for threaded serving.

    ``user_base`` comes with a catalogue file; None = the demo users derived from the
    (synthetic) catalogue.
    """

    def __init__(self, catalogue: Catalogue, clock: Clock,
                 user_base: UserBase | None = None) -> None:
        self.catalogue = catalogue
        self.clock = clock
        self.lock = threading.RLock()
        self.user_base = user_base or demo_user_base(catalogue)
        self.users: dict[str, DemoUser] = {u.id: u for u in self.user_base.users}
        self.histories = self.user_base.histories
        #: Who a client with ``allowed_users=None`` lets in (Development Mode allow-list).
        self.default_allow_list = self.user_base.allow_list
        self.playlists: dict[str, Playlist] = {}
        self.libraries: dict[str, Library] = {}
        self._counter = 0
        self.reset()

    def reset(self) -> None:
        """Back to the seeded initial world (users' histories and playlists)."""
        with self.lock:
            self.playlists = {}
            self.libraries = {}
            self._counter = 0
            for user in self.user_base.users:
                hist = self.histories[user.id]
                lib = Library(saved_tracks=list(hist.saved_tracks),
                              followed_artists=list(hist.followed_artists))
                self.libraries[user.id] = lib
                for n, seed in enumerate(hist.playlists):
                    pid = ids.base62_id(self.catalogue.seed, "playlist", f"{user.id}:{n}")
                    day = dt.datetime.combine(self.catalogue.today, dt.time(12), tzinfo=dt.UTC)
                    added = (day - dt.timedelta(days=30 + n)).strftime("%Y-%m-%dT%H:%M:%SZ")
                    pl = Playlist(pid, user.id, seed.name, seed.description, seed.public,
                                  entries=[PlaylistEntry(f"spotify:track:{t}", added, user.id)
                                           for t in seed.track_ids],
                                  followers=3 * n % 17)
                    self.playlists[pid] = pl
                    lib.playlists.append(pid)
            for user in self.user_base.users:
                for owner, index in self.histories[user.id].followed_playlists:
                    self.libraries[user.id].playlists.append(self.libraries[owner].playlists[index])

    # -- playlists ----------------------------------------------------------------------
    def create_playlist(self, owner_id: str, name: str, description: str, public: bool,
                        collaborative: bool) -> Playlist:
        with self.lock:
            self._counter += 1
            pid = ids.base62_id(self.catalogue.seed, "new-playlist",
                                f"{owner_id}:{self._counter}:{self.clock.now()}")
            pl = Playlist(pid, owner_id, name, description, public, collaborative)
            self.playlists[pid] = pl
            self.libraries[owner_id].playlists.insert(0, pid)
            return pl

    def user_playlists(self, user_id: str) -> list[dict]:
        """The playlists ``user_id`` owns, with their item URIs (for tests and the control API)."""
        with self.lock:
            lib = self.libraries.get(user_id)
            if lib is None:
                raise KeyError(user_id)
            return [
                {"id": p.id, "name": p.name, "description": p.description, "public": p.public,
                 "collaborative": p.collaborative, "snapshot_id": p.snapshot_id,
                 "images": list(p.images), "items": p.track_uris()}
                for p in (self.playlists[pid] for pid in lib.playlists)
                if p.owner_id == user_id
            ]
