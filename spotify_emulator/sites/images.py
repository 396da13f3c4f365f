"""Cover art the emulator can serve itself: deterministic SVG covers for albums, artists,
users and playlists, and the image URLs that point at them.

Spotify's CDN (``i.scdn.co``, ``mosaic.scdn.co``) cannot be reached offline, so a demo whose
pages show Spotify's URLs shows empty squares. With ``EmulatorConfig.image_host="emulator"``
the Web API hands out URLs of the same shape under the emulator itself
(``{root}/image/<prefix><key>`` and ``{root}/mosaic/<size>/<id><id><id><id>``) and
``serve()`` draws them; with ``"spotify"`` (the default) the URLs stay Spotify's, for tests
that check Spotify's shapes. The picture is derived only from the object (its key and name),
so the same release always looks the same and two releases almost never alike.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from html import escape

from werkzeug.wrappers import Request, Response

from spotify_emulator.catalogue.model import (
    ALBUM_IMAGE_PREFIXES,
    ARTIST_IMAGE_PREFIXES,
    Album,
    Artist,
    Catalogue,
)
from spotify_emulator.catalogue.users import DemoUser
from spotify_emulator.config import ImageHost
from spotify_emulator.state import EmulatorState, Playlist

SPOTIFY_IMAGE_BASE = "https://i.scdn.co/image/"
SPOTIFY_MOSAIC_BASE = "https://mosaic.scdn.co/"
USER_IMAGE_PREFIXES = ((300, "ab6775700000ee85"), (64, "ab67757000003b82"))
#: An uploaded playlist cover (PUT /playlists/{id}/images), as image-cdn-ak.spotifycdn.com.
UPLOADED_PREFIX = "ab67706c0000da84"
MOSAIC_SIZES = (640, 300, 60)
_PREFIX_LEN = 16
_IMAGE_ID = re.compile(r"[0-9a-f]{17,96}")
_MOSAIC_PATH = re.compile(r"(\d{2,4})/((?:[0-9a-f]{40}){4})")


@dataclass(frozen=True)
class ImageUrls:
    """Where image URLs point: Spotify's CDN or this emulator (``root`` = its base URL)."""

    image_base: str
    mosaic_base: str
    uploaded_base: str

    @classmethod
    def for_host(cls, host: ImageHost, root: str) -> ImageUrls:
        if host == "emulator":
            return cls(f"{root}/image/", f"{root}/mosaic/", f"{root}/image/")
        return cls(SPOTIFY_IMAGE_BASE, SPOTIFY_MOSAIC_BASE,
                   "https://image-cdn-ak.spotifycdn.com/image/")

    def _sized(self, prefixes: tuple[tuple[int, str], ...], key: str) -> list[dict]:
        return [{"url": f"{self.image_base}{prefix}{key}", "height": size, "width": size}
                for size, prefix in prefixes]

    def album(self, album: Album) -> list[dict]:
        return self._sized(ALBUM_IMAGE_PREFIXES, album.image_key)

    def artist(self, artist: Artist) -> list[dict]:
        return self._sized(ARTIST_IMAGE_PREFIXES, artist.image_key)

    def user(self, user: DemoUser) -> list[dict]:
        return self._sized(USER_IMAGE_PREFIXES, user_key(user.id))

    def uploaded(self, key: str) -> list[dict]:
        return [{"url": f"{self.uploaded_base}{UPLOADED_PREFIX}{key}",
                 "height": None, "width": None}]

    def playlist(self, catalogue: Catalogue, playlist: Playlist) -> list[dict]:
        """What Spotify shows for a playlist without an uploaded cover: nothing when it is
        empty, the first album's cover with fewer than four albums, else a 2×2 mosaic."""
        if playlist.images:
            return list(playlist.images)
        albums: list[Album] = []
        for entry in playlist.entries:
            track = catalogue.tracks.get(entry.uri.rsplit(":", 1)[-1])
            album = catalogue.albums.get(track.album_id) if track else None
            if album is not None and album not in albums:
                albums.append(album)
            if len(albums) == 4:
                break
        if not albums:
            return []
        if len(albums) < 4:
            return self.album(albums[0])
        ids = "".join(ALBUM_IMAGE_PREFIXES[1][1] + a.image_key for a in albums)
        return [{"url": f"{self.mosaic_base}{size}/{ids}", "height": size, "width": size}
                for size in MOSAIC_SIZES]


def user_key(user_id: str) -> str:
    return f"{user_id.encode().hex():0<24}"


# -- drawing ---------------------------------------------------------------------------------
_PALETTES = (  # (background from, background to, shape, text): all text passes 4.5:1
    ("#1d2b64", "#3a1c71", "#f8cdda", "#ffffff"),
    ("#0f3443", "#1a6b5c", "#a8e063", "#ffffff"),
    ("#42275a", "#734b6d", "#f6d365", "#ffffff"),
    ("#232526", "#414345", "#ff6f61", "#ffffff"),
    ("#5b0e2d", "#8e2de2", "#ffd166", "#ffffff"),
    ("#003049", "#1b4965", "#fca311", "#ffffff"),
    ("#2d1e2f", "#5c2a3e", "#7fd1b9", "#ffffff"),
    ("#134e5e", "#1f6f50", "#f9f871", "#ffffff"),
    ("#3d0c11", "#7a1f2b", "#ffb4a2", "#ffffff"),
    ("#1b1b3a", "#2e3a87", "#6ee7ff", "#ffffff"),
    ("#2b2d42", "#4a4e69", "#ef476f", "#ffffff"),
    ("#0b3d2e", "#2f5d50", "#ffcf56", "#ffffff"),
)


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def initials(name: str, most: int = 2) -> str:
    """"Neon Tapir" → "NT"; "the 1975" → "T1"; symbols are skipped, as on a cover."""
    words = [w for w in re.split(r"[\s\-_/&+.,:;()\[\]]+", name) if w]
    letters = [next((c for c in w if c.isalnum()), "") for w in words]
    picked = "".join(c for c in letters if c)[:most]
    return (picked or "?").upper()


def _shapes(d: bytes, colour: str) -> str:
    """One of six motifs, placed by the digest: distinct at thumbnail size."""
    motif = d[2] % 6
    x, y = 20 + d[3] % 60, 15 + d[4] % 45
    r = 18 + d[5] % 22
    if motif == 0:  # sun and rings
        return (f'<circle cx="{x}" cy="{y}" r="{r}" fill="{colour}" opacity=".85"/>'
                f'<circle cx="{x}" cy="{y}" r="{r + 8}" fill="none" stroke="{colour}" '
                f'stroke-width="1.5" opacity=".5"/>')
    if motif == 1:  # diagonal stripes
        step = 9 + d[6] % 8
        return "".join(f'<rect x="{i}" y="-40" width="{step // 2}" height="200" fill="{colour}" '
                       f'opacity=".35" transform="rotate({20 + d[7] % 50} 50 50)"/>'
                       for i in range(-60, 160, step))
    if motif == 2:  # mountains
        peak = 25 + d[6] % 30
        return (f'<polygon points="0,80 {x},{peak} 100,80" fill="{colour}" opacity=".8"/>'
                f'<polygon points="-10,80 {100 - x},{peak + 15} 110,80" fill="{colour}" '
                f'opacity=".45"/>')
    if motif == 3:  # grid of dots
        gap = 10 + d[6] % 6
        return "".join(f'<circle cx="{cx}" cy="{cy}" r="{1.5 + d[7] % 3}" fill="{colour}" '
                       f'opacity=".6"/>' for cx in range(8, 100, gap) for cy in range(8, 70, gap))
    if motif == 4:  # tilted square
        return (f'<rect x="{x - r / 2:.0f}" y="{y - r / 2:.0f}" width="{r}" height="{r}" '
                f'fill="{colour}" opacity=".8" transform="rotate({d[6] % 90} {x} {y})"/>')
    return (f'<path d="M0 {y} Q 25 {y - r} 50 {y} T 100 {y}" fill="none" stroke="{colour}" '
            f'stroke-width="{3 + d[6] % 5}" opacity=".8"/>'
            f'<path d="M0 {y + 14} Q 25 {y + 14 - r} 50 {y + 14} T 100 {y + 14}" fill="none" '
            f'stroke="{colour}" stroke-width="2" opacity=".5"/>')


def _art(key: str, title: str, subtitle: str, uid: str, round_: bool = False) -> str:
    """The drawing in a 100×100 box; ``uid`` keeps gradient ids unique inside a mosaic."""
    d = _digest(key)
    start, end, shape, text = _PALETTES[d[0] % len(_PALETTES)]
    label = escape(initials(title))
    parts = [
        f'<defs><linearGradient id="g{uid}" x1="0" y1="0" x2="{d[1] % 2}" y2="1">'
        f'<stop offset="0" stop-color="{start}"/><stop offset="1" stop-color="{end}"/>'
        f"</linearGradient></defs>",
        f'<rect width="100" height="100" fill="url(#g{uid})"/>',
    ]
    if round_:
        parts.append(f'<circle cx="50" cy="50" r="30" fill="{shape}" opacity=".25"/>')
        parts.append(f'<text x="50" y="61" text-anchor="middle" font-family="system-ui, '
                     f'sans-serif" font-size="30" font-weight="700" fill="{text}">{label}</text>')
    else:
        parts.append(_shapes(d, shape))
        parts.append('<rect y="64" width="100" height="36" fill="#000" opacity=".5"/>')
        parts.append(f'<text x="8" y="{84 if subtitle else 89}" font-family="system-ui, '
                     f'sans-serif" font-size="17" font-weight="800" fill="{text}">{label}</text>')
        if subtitle:
            parts.append(f'<text x="8" y="94.5" font-family="system-ui, sans-serif" '
                         f'font-size="6.5" fill="{text}" opacity=".9">'
                         f"{escape(subtitle[:30])}</text>")
    return "".join(parts)


def _svg(body: str, size: int, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="{size}" '
            f'height="{size}" role="img" aria-label="{escape(title)}"><title>{escape(title)}'
            f"</title>{body}</svg>")


def album_svg(catalogue: Catalogue, album: Album, size: int = 300) -> str:
    artist = catalogue.artists.get(album.artist_ids[0]) if album.artist_ids else None
    return _svg(_art(album.image_key, album.name, artist.name if artist else "", "a"), size,
                f"Cover of {album.name}")


def artist_svg(artist: Artist, size: int = 300) -> str:
    return _svg(_art(artist.image_key, artist.name, "", "p", round_=True), size, artist.name)


def user_svg(user: DemoUser, size: int = 300) -> str:
    return _svg(_art(user_key(user.id), user.display_name, "", "u", round_=True), size,
                user.display_name)


def playlist_svg(playlist: Playlist, size: int = 300) -> str:
    return _svg(_art(playlist.id, playlist.name, "Playlist", "l"), size,
                f"Cover of {playlist.name}")


def mosaic_svg(catalogue: Catalogue, albums: list[Album], size: int) -> str:
    tiles = []
    for n, album in enumerate(albums):
        artist = catalogue.artists.get(album.artist_ids[0]) if album.artist_ids else None
        x, y = 50 * (n % 2), 50 * (n // 2)
        tiles.append(f'<svg x="{x}" y="{y}" width="50" height="50" viewBox="0 0 100 100">'
                     f'{_art(album.image_key, album.name, artist.name if artist else "", str(n))}'
                     f"</svg>")
    return _svg("".join(tiles), size, "Playlist cover")


# -- serving ---------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _index(catalogue: Catalogue) -> dict[str, Album | Artist]:
    """image_key → album or artist (built once per catalogue; the catalogue is read-only)."""
    found: dict[str, Album | Artist] = {a.image_key: a for a in catalogue.artists.values()}
    found.update({a.image_key: a for a in catalogue.albums.values()})
    return found


_SIZES = {prefix: size for size, prefix in
          (*ALBUM_IMAGE_PREFIXES, *ARTIST_IMAGE_PREFIXES, *USER_IMAGE_PREFIXES)}


def _svg_response(svg: str) -> Response:
    return Response(svg, content_type="image/svg+xml; charset=utf-8", headers={
        "Cache-Control": "public, max-age=86400",
        "Content-Security-Policy": "default-src 'none'",
        "X-Content-Type-Options": "nosniff",
        "Access-Control-Allow-Origin": "*",
    })


def _not_found() -> Response:
    return Response("Not found", status=404, content_type="text/plain; charset=utf-8")


def serve(catalogue: Catalogue, state: EmulatorState, request: Request) -> Response:
    """``GET /image/<id>`` and ``GET /mosaic/<size>/<ids>``, as Spotify's CDN answers them."""
    if request.method not in ("GET", "HEAD"):
        return Response("Method not allowed", status=405, headers={"Allow": "GET, HEAD"})
    path = request.path
    if path.startswith("/mosaic/"):
        return _mosaic(catalogue, path.removeprefix("/mosaic/"))
    image_id = path.removeprefix("/image/")
    if not _IMAGE_ID.fullmatch(image_id):
        return _not_found()
    prefix, key = image_id[:_PREFIX_LEN], image_id[_PREFIX_LEN:]
    size = _SIZES.get(prefix, 300)
    if prefix in (p for _, p in USER_IMAGE_PREFIXES):
        user = next((u for u in state.users.values() if user_key(u.id) == key), None)
        return _svg_response(user_svg(user, size)) if user else _not_found()
    if prefix == UPLOADED_PREFIX:
        with state.lock:
            playlist = next((p for p in state.playlists.values()
                             if any(i.get("url", "").endswith(image_id) for i in p.images)), None)
        return _svg_response(playlist_svg(playlist, 640)) if playlist else _not_found()
    found = _index(catalogue).get(key)
    if isinstance(found, Album) and prefix in (p for _, p in ALBUM_IMAGE_PREFIXES):
        return _svg_response(album_svg(catalogue, found, size))
    if isinstance(found, Artist) and prefix in (p for _, p in ARTIST_IMAGE_PREFIXES):
        return _svg_response(artist_svg(found, size))
    return _not_found()


def _mosaic(catalogue: Catalogue, rest: str) -> Response:
    match = _MOSAIC_PATH.fullmatch(rest)
    if not match:
        return _not_found()
    size, ids = int(match.group(1)), match.group(2)
    index = _index(catalogue)
    albums = []
    for n in range(4):
        image_id = ids[40 * n: 40 * (n + 1)]
        album = index.get(image_id[_PREFIX_LEN:])
        if not isinstance(album, Album) or image_id[:_PREFIX_LEN] not in _SIZES:
            return _not_found()
        albums.append(album)
    return _svg_response(mosaic_svg(catalogue, albums, size))


__all__ = ["ImageUrls", "initials", "serve"]
