"""A small stand-in for open.spotify.com: playlist, album, track and artist pages, and the
embed player (``/open/embed/<kind>/<id>``) an app puts in an iframe.

Paths mirror open.spotify.com under ``{root}/open``, so an app that builds
``{web base}/playlist/<id>`` and ``{web base}/embed/playlist/<id>`` links works against both.
Pages are plain HTML with one stylesheet (no scripts, no inline styles); they show what the
emulator holds right now, so a playlist an app has just saved appears in order at once.
Only the embed pages may be framed, as on Spotify.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from spotify_emulator.catalogue.model import Album, Catalogue, Track
from spotify_emulator.responses import root_url
from spotify_emulator.sites.images import ImageUrls
from spotify_emulator.state import EmulatorState, Playlist

EXPLICIT = '<abbr class="explicit" title="Explicit">E</abbr> '
BANNER = "Spotify emulator \u2014 demo web player, not the real Spotify"

_URLS = Map([
    Rule("/open/player.css", endpoint="css"),
    Rule("/open/favicon.svg", endpoint="favicon"),
    Rule("/open/<any(playlist, album, track, artist):kind>/<item_id>", endpoint="page"),
    Rule("/open/embed/<any(playlist, album, track):kind>/<item_id>", endpoint="embed"),
], strict_slashes=False)

PLAYER_CSS = """\
:root { --bg: #121212; --panel: #1f1f1f; --row: #2a2a2a; --text: #fff; --muted: #b3b3b3;
        --accent: #1ed760; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--text); line-height: 1.4; }
a { color: inherit; text-decoration: none; }
a:hover, a:focus-visible { text-decoration: underline; }
a:focus-visible { outline: 2px solid #8ab4ff; outline-offset: 2px; }
.banner { background: #fff3c4; color: #3d2e00; font-size: .85rem; text-align: center;
          padding: .35rem .75rem; }
.page { max-width: 1100px; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
.hero { display: flex; gap: 1.5rem; align-items: flex-end; flex-wrap: wrap;
        background: linear-gradient(180deg, #3a3a5a, var(--bg)); border-radius: 12px;
        padding: 1.5rem; }
.cover { width: 232px; height: 232px; border-radius: 6px; background: var(--row);
         box-shadow: 0 8px 24px rgba(0, 0, 0, .5); display: block; object-fit: cover; }
.cover.round { border-radius: 50%; }
.cover.empty { display: flex; align-items: center; justify-content: center; font-size: 4rem;
               color: var(--muted); }
.kind { font-size: .8rem; font-weight: 700; text-transform: uppercase; letter-spacing: .05em;
        margin: 0; }
h1 { font-size: clamp(1.8rem, 5vw, 3.5rem); line-height: 1.1; margin: .3rem 0 .6rem;
     letter-spacing: -.02em; overflow-wrap: anywhere; }
.meta { color: var(--muted); margin: 0; }
.meta strong { color: var(--text); }
.description { color: var(--muted); margin: .25rem 0 .5rem; }
.tracks { list-style: none; padding: 0; margin: 1.5rem 0 0; }
.tracks li { display: grid; gap: .9rem;
             grid-template-columns: 2.2rem 40px minmax(0, 1fr) minmax(0, .7fr) 3.5rem;
             align-items: center; padding: .4rem .6rem; border-radius: 6px; }
.tracks.no-art li { grid-template-columns: 2.2rem minmax(0, 1fr) 3.5rem; }
.tracks li:hover { background: var(--row); }
.pos, .time { color: var(--muted); font-variant-numeric: tabular-nums; text-align: right; }
.thumb { width: 40px; height: 40px; border-radius: 4px; display: block; background: var(--row); }
.title { min-width: 0; }
.title > a, .title > span { display: block; overflow: hidden; text-overflow: ellipsis;
                        white-space: nowrap; }
.name { font-weight: 600; }
.by, .album { color: var(--muted); font-size: .9rem; }
.album { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.explicit { display: inline-block; background: var(--muted); color: var(--bg); font-size: .65rem;
            font-weight: 700; border-radius: 2px; padding: 0 .25rem; margin-right: .3rem;
            text-decoration: none; vertical-align: 1px; }
.empty-list { color: var(--muted); margin-top: 1.5rem; }
.notice { max-width: 40rem; margin: 4rem auto; text-align: center; }
@media (max-width: 640px) {
  .cover { width: 160px; height: 160px; }
  .hero { padding: 1rem; }
  .tracks li { grid-template-columns: 1.6rem 40px minmax(0, 1fr) 3rem; gap: .6rem; }
  .tracks li .album { display: none; }
}
/* The embed player: one card that fits a 352 px iframe. */
body.embed { background: transparent; }
.card { display: flex; flex-direction: column; height: 100vh; max-height: 100vh;
        background: linear-gradient(160deg, #2c2c48, #181818 70%); border-radius: 12px;
        overflow: hidden; }
.card-head { display: flex; gap: 1rem; padding: 1rem; align-items: center; }
.card-head .cover { width: 96px; height: 96px; flex: none; }
.card-head > div { min-width: 0; }
.card-head h1 { font-size: 1.3rem; margin: .1rem 0 .2rem; overflow-wrap: break-word;
                display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical;
                overflow: hidden; }
.card-head .logo { margin-left: auto; align-self: flex-start; font-size: .75rem;
                   color: var(--muted); white-space: nowrap; }
.card .tracks { margin: 0; padding: 0 .5rem .5rem; overflow-y: auto; flex: 1; }
.card .tracks li { grid-template-columns: 1.6rem minmax(0, 1fr) 3rem; padding: .3rem .5rem; }
@media (max-width: 480px) {
  .card-head { gap: .75rem; padding: .75rem; }
  .card-head .cover { width: 72px; height: 72px; }
  .card-head h1 { font-size: 1.05rem; }
  .card-head .logo { display: none; }
}
.open-link { display: inline-block; margin-top: .3rem; color: var(--accent); font-weight: 600;
             font-size: .9rem; }
"""

FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" '
           'r="16" fill="#1ed760"/><path d="M8 12c6-2 12-1.5 17 1M9 17c5-1.5 10-1 14 1M10 21.5'
           'c4-1 8-.7 11 .8" stroke="#121212" stroke-width="2.4" fill="none" '
           'stroke-linecap="round"/></svg>')


def favicon() -> Response:
    return Response(FAVICON, content_type="image/svg+xml",
                    headers={"Cache-Control": "max-age=86400"})


def handle(catalogue: Catalogue, state: EmulatorState, request: Request) -> Response:
    if request.method not in ("GET", "HEAD"):
        return Response("Method not allowed", status=405, headers={"Allow": "GET, HEAD"})
    try:
        endpoint, args = _URLS.bind("emulator", "/").match(request.path)
    except HTTPException:
        return _not_found(request)
    if endpoint == "css":
        return Response(PLAYER_CSS, content_type="text/css; charset=utf-8",
                        headers={"Cache-Control": "max-age=3600"})
    if endpoint == "favicon":
        return favicon()
    view = WebPlayer(catalogue, state, request)
    render: Callable[[str], str | None] = getattr(view, f"{args['kind']}_"
                                                  f"{'embed' if endpoint == 'embed' else 'page'}")
    if not _plausible_id(args["item_id"]):
        return _not_found(request)
    body = render(args["item_id"])
    if body is None:
        return _not_found(request, embed=endpoint == "embed")
    return _html(body, embed=endpoint == "embed")


def _plausible_id(value: str) -> bool:
    return 0 < len(value) <= 64 and value.isalnum()


def _headers(embed: bool) -> dict[str, str]:
    policy = ("default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
              "form-action 'none'; frame-ancestors " + ("*" if embed else "'none'"))
    headers = {"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff",
               "Referrer-Policy": "strict-origin-when-cross-origin"}
    if not embed:
        headers["X-Frame-Options"] = "DENY"
    return headers


def _html(body: str, *, embed: bool, status: int = 200) -> Response:
    return Response(body, status=status, content_type="text/html; charset=utf-8",
                    headers=_headers(embed))


def _not_found(request: Request, embed: bool = False) -> Response:
    root = root_url(request)
    content = ('<main class="notice"><h1>Page not found</h1><p class="meta">We can\u2019t '
               "seem to find the page you are looking for.</p></main>")
    return _html(_document("Page not found", content, root, embed=embed), embed=embed, status=404)


def _document(title: str, content: str, root: str, *, embed: bool = False,
              description: str = "") -> str:
    banner = "" if embed else f'<div class="banner" role="note">{escape(BANNER)}</div>'
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} | Spotify (emulator)</title>"
        f'<meta name="description" content="{escape(description or title)}">'
        f'<meta property="og:title" content="{escape(title)}">'
        '<meta property="og:site_name" content="Spotify (emulator)">'
        f'<link rel="icon" href="{root}/open/favicon.svg" type="image/svg+xml">'
        f'<link rel="stylesheet" href="{root}/open/player.css"></head>'
        f'<body{" class=\"embed\"" if embed else ""}>{banner}{content}</body></html>'
    )


def _duration(ms: int) -> str:
    seconds = max(ms, 0) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


def _total(ms: int) -> str:
    minutes = round(max(ms, 0) / 60000)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} hr {minutes} min" if hours else f"{minutes} min"


def _songs(n: int) -> str:
    return f"{n} song{'' if n == 1 else 's'}"


class WebPlayer:
    """Renders the pages of one request (links and images under this emulator's root)."""

    def __init__(self, catalogue: Catalogue, state: EmulatorState, request: Request) -> None:
        self.catalogue = catalogue
        self.state = state
        self.root = root_url(request)
        self.open = f"{self.root}/open"
        self.images = ImageUrls.for_host("emulator", self.root)

    # -- pieces ------------------------------------------------------------------------
    def _img(self, images: list[dict], css: str, size: int, alt: str = "",
             lazy: bool = False) -> str:
        if not images:
            return f'<span class="{css} empty" aria-hidden="true">\u266a</span>'
        url = min(images, key=lambda i: abs((i.get("width") or 640) - size))["url"]
        loading = ' loading="lazy"' if lazy else ""
        return (f'<img class="{css}" src="{escape(url)}" alt="{escape(alt)}" width="{size}" '
                f'height="{size}"{loading}>')

    def _artists(self, track: Track, target: str) -> str:
        return ", ".join(
            f'<a href="{self.open}/artist/{a.id}"{target}>{escape(a.name)}</a>'
            for a in (self.catalogue.artists[i] for i in track.artist_ids))

    def _rows(self, tracks: Sequence[Track], *, art: bool, album: bool, embed: bool) -> str:
        target = ' target="_blank" rel="noopener"' if embed else ""
        rows = []
        for n, track in enumerate(tracks, 1):
            al = self.catalogue.albums[track.album_id]
            thumb = (f"<span>{self._img(self.images.album(al), 'thumb', 40, lazy=n > 12)}"
                     f"</span>" if art else "")
            album_cell = (f'<a class="album" href="{self.open}/album/{al.id}"{target}>'
                          f"{escape(al.name)}</a>" if album else "")
            rows.append(
                f'<li data-track-uri="spotify:track:{track.id}"><span class="pos">{n}</span>'
                f'{thumb}<span class="title"><a class="name" href="{self.open}/track/{track.id}"'
                f'{target}>{escape(track.name)}</a>'
                f'<span class="by">{EXPLICIT if track.explicit else ""}'
                f"{self._artists(track, target)}</span></span>{album_cell}"
                f'<span class="time">{_duration(track.duration_ms)}</span></li>')
        if not rows:
            return '<p class="empty-list">This playlist is empty.</p>'
        css = "tracks" if art else "tracks no-art"
        return f'<ol class="{css}" id="tracks">{"".join(rows)}</ol>'

    def _hero(self, cover: str, kind: str, name: str, meta: str, description: str = "") -> str:
        desc = f'<p class="description">{escape(description)}</p>' if description else ""
        return (f'<header class="hero">{cover}<div><p class="kind">{escape(kind)}</p>'
                f'<h1 id="name">{escape(name)}</h1>{desc}<p class="meta">{meta}</p></div>'
                "</header>")

    def _card(self, cover: str, name: str, meta: str, link: str, rows: str) -> str:
        return (f'<main class="card"><div class="card-head">{cover}<div>'
                f'<h1 id="name">{escape(name)}</h1><p class="meta">{meta}</p>'
                f'<a class="open-link" href="{link}" target="_blank" rel="noopener">'
                "Open in Spotify</a></div>"
                '<span class="logo">Spotify emulator</span></div>'
                f"{rows}</main>")

    def _playlist(self, item_id: str) -> tuple[Playlist, list[Track], list[dict]] | None:
        state = self.state
        with state.lock:
            playlist = state.playlists.get(item_id)
            if playlist is None:
                return None
            tracks = [t for t in (self.catalogue.tracks.get(e.uri.rsplit(":", 1)[-1])
                                  for e in playlist.entries) if t is not None]
            return playlist, tracks, self.images.playlist(self.catalogue, playlist)

    def _owner(self, playlist: Playlist) -> str:
        user = self.state.users.get(playlist.owner_id)
        return user.display_name if user else playlist.owner_id

    def _album(self, item_id: str) -> tuple[Album, list[Track]] | None:
        album = self.catalogue.albums.get(item_id)
        if album is None:
            return None
        return album, [self.catalogue.tracks[t] for t in album.track_ids]

    def _album_by(self, album: Album) -> str:
        return ", ".join(escape(self.catalogue.artists[a].name) for a in album.artist_ids)

    # -- pages ---------------------------------------------------------------------------
    def playlist_page(self, item_id: str) -> str | None:
        found = self._playlist(item_id)
        if found is None:
            return None
        playlist, tracks, images = found
        total = sum(t.duration_ms for t in tracks)
        meta = (f'<strong id="owner">{escape(self._owner(playlist))}</strong> \u2022 '
                f"{_songs(len(tracks))}, {_total(total)}")
        kind = "Public playlist" if playlist.public else "Private playlist"
        content = ('<main class="page">'
                   + self._hero(self._img(images, "cover", 232, f"Cover of {playlist.name}"),
                                kind, playlist.name, meta, playlist.description)
                   + self._rows(tracks, art=True, album=True, embed=False) + "</main>")
        return _document(playlist.name, content, self.root,
                         description=f"Playlist by {self._owner(playlist)}")

    def album_page(self, item_id: str) -> str | None:
        found = self._album(item_id)
        if found is None:
            return None
        album, tracks = found
        meta = (f"<strong>{self._album_by(album)}</strong> \u2022 {album.year} \u2022 "
                f"{_songs(len(tracks))}, {_total(sum(t.duration_ms for t in tracks))}")
        content = ('<main class="page">'
                   + self._hero(self._img(self.images.album(album), "cover", 232,
                                          f"Cover of {album.name}"),
                                album.album_type.capitalize(), album.name, meta)
                   + self._rows(tracks, art=False, album=False, embed=False)
                   + f'<p class="meta">\u00a9 {album.year} {escape(album.label)}</p></main>')
        return _document(album.name, content, self.root)

    def track_page(self, item_id: str) -> str | None:
        track = self.catalogue.tracks.get(item_id)
        if track is None:
            return None
        album = self.catalogue.albums[track.album_id]
        meta = (f"<strong>{self._artists(track, '')}</strong> \u2022 "
                f'<a href="{self.open}/album/{album.id}">{escape(album.name)}</a> \u2022 '
                f"{album.year} \u2022 {_duration(track.duration_ms)}")
        content = ('<main class="page">'
                   + self._hero(self._img(self.images.album(album), "cover", 232,
                                          f"Cover of {album.name}"), "Song", track.name, meta)
                   + "</main>")
        return _document(track.name, content, self.root)

    def artist_page(self, item_id: str) -> str | None:
        artist = self.catalogue.artists.get(item_id)
        if artist is None:
            return None
        popular = self.catalogue.top_tracks(artist.id, 10)
        images = self.images.artist(artist) if artist.kind == "artist" else []
        content = ('<main class="page">'
                   + self._hero(self._img(images, "cover round", 232, artist.name), "Artist",
                                artist.name, f"{artist.followers:,} followers")
                   + "<h2>Popular</h2>"
                   + self._rows(popular, art=True, album=True, embed=False) + "</main>")
        return _document(artist.name, content, self.root)

    # -- embeds --------------------------------------------------------------------------
    def playlist_embed(self, item_id: str) -> str | None:
        found = self._playlist(item_id)
        if found is None:
            return None
        playlist, tracks, images = found
        owner = escape(self._owner(playlist))
        meta = f'<span id="owner">{owner}</span> \u2022 {_songs(len(tracks))}'
        content = self._card(self._img(images, "cover", 96, f"Cover of {playlist.name}"),
                             playlist.name, meta, f"{self.open}/playlist/{playlist.id}",
                             self._rows(tracks, art=False, album=False, embed=True))
        return _document(playlist.name, content, self.root, embed=True)

    def album_embed(self, item_id: str) -> str | None:
        found = self._album(item_id)
        if found is None:
            return None
        album, tracks = found
        content = self._card(self._img(self.images.album(album), "cover", 96,
                                       f"Cover of {album.name}"), album.name,
                             self._album_by(album), f"{self.open}/album/{album.id}",
                             self._rows(tracks, art=False, album=False, embed=True))
        return _document(album.name, content, self.root, embed=True)

    def track_embed(self, item_id: str) -> str | None:
        track = self.catalogue.tracks.get(item_id)
        if track is None:
            return None
        album = self.catalogue.albums[track.album_id]
        content = self._card(self._img(self.images.album(album), "cover", 96,
                                       f"Cover of {album.name}"), track.name,
                             self._artists(track, ' target="_blank" rel="noopener"'),
                             f"{self.open}/track/{track.id}", "")
        return _document(track.name, content, self.root, embed=True)


__all__ = ["PLAYER_CSS", "WebPlayer", "handle"]
