"""``manage.py generate_playlist``: preview and save a MoodyStream playlist from a terminal.

With Spotify credentials it signs in through the browser and a loopback redirect
(``--redirect-uri``, default http://127.0.0.1:8888/callback, which must be registered for the
app). ``--client-id ID`` signs in the same way with the listener's own Spotify app instead, as a
public client (PKCE, no secret; the app must list that redirect URI), so no operator
credentials are needed.  In demo mode (``DEMO_MODE``) it starts the Spotify emulator in this
process, approves its consent page as a demo user and says loudly that this is not the real Spotify.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.client_id import InvalidClientId, parse_client_id, short_client_id
from accounts.session import ConnectedUser
from accounts.spotify_access import build_gateway, operator_app, own_app
from accounts.terminal_sign_in import demo_sign_in, sign_in_with_browser
from moodystream import credentials
from playlists.services.generation import Generation, generate
from playlists.services.generation_error import GenerationError
from playlists.services.options import (
    ARTIST_COUNT,
    ARTIST_SOURCES,
    TIME_RANGES,
    TRACK_COUNT,
    VERSION_KINDS,
    ArtistSource,
    GenerationOptions,
    InvalidOptions,
    new_seed,
)
from playlists.services.preview import Preview
from playlists.services.saving import save_key, save_playlist
from playlists.spotify.accounts import TokenCache, UserAuth
from playlists.spotify.errors import SpotifyError, SpotifyUserNotRegistered
from playlists.spotify.gateway import SpotifyGateway
from playlists.spotify.types import SpotifyApp, TokenSet
from shared_state.stores import shared_state

LOOPBACK_REDIRECT = "http://127.0.0.1:8888/callback"
DEMO_BANNER = "DEMO — not your real Spotify: the built-in Spotify emulator with made-up music."


class Command(BaseCommand):
    help = "Preview a playlist of your artists' best-known songs and deep cuts, and save it."

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = GenerationOptions()
        parser.add_argument("--artists", type=int, default=defaults.artist_count,
                            help=f"how many artists ({ARTIST_COUNT[0]}-{ARTIST_COUNT[1]}; "
                            "with --pick, every artist picked)")
        parser.add_argument("--deep-cuts", type=int, default=defaults.deep_cut_percent,
                            help="deep-cut share, percent")
        parser.add_argument("--length", type=int, default=defaults.track_count,
                            help=f"tracks ({TRACK_COUNT[0]}-{TRACK_COUNT[1]})")
        parser.add_argument("--source", choices=tuple(ARTIST_SOURCES), default=None)
        parser.add_argument(
            "--time-range", choices=tuple(TIME_RANGES), default=defaults.time_range
        )
        parser.add_argument("--pick", action="append", default=[], metavar="ARTIST",
                            help="an artist name or Spotify id (repeat; implies --source picked)")
        visibility = parser.add_mutually_exclusive_group()
        visibility.add_argument(
            "--public", action="store_true", help="make the playlist public (default: private)"
        )
        visibility.add_argument(
            "--private", action="store_true", help="make it private (the default, as on the web)"
        )
        parser.add_argument("--name", default="", help="playlist name (default: generated)")
        parser.add_argument("--description", default="")
        parser.add_argument("--seed", type=int, default=None, help="same seed, same playlist")
        parser.add_argument("--no-explicit", action="store_true", help="leave out explicit songs")
        parser.add_argument("--exclude-saved", action="store_true",
                            help="leave out songs already in your library")
        parser.add_argument("--repeat-earlier", action="store_true",
                            help="allow deep cuts already in your earlier MoodyStream playlists")
        parser.add_argument("--allow-version", action="append", default=[],
                            choices=VERSION_KINDS, help="keep live, remix, ... versions")
        parser.add_argument("--dry-run", action="store_true", help="preview only, save nothing")
        parser.add_argument("--redirect-uri", default=LOOPBACK_REDIRECT)
        parser.add_argument(
            "--client-id", default="", metavar="ID",
            help="sign in with your own Spotify app's Client ID (no secret; register "
            f"{LOOPBACK_REDIRECT} as one of its redirect URIs)",
        )
        parser.add_argument("--demo-user", default="alex", help="demo mode: who to sign in as")
        parser.add_argument("--no-browser", action="store_true",
                            help="print the sign-in address instead of opening a browser")

    def handle(self, *args: Any, **opts: Any) -> None:
        options = self._options(opts)
        try:
            with self._gateway(opts) as gateway:
                self.stderr.write("Asking Spotify for your artists and their songs…")
                generation = generate(gateway, options)
                self._print_preview(generation.preview)
                if opts["dry_run"]:
                    self.stdout.write("Dry run: nothing was saved.")
                    return
                self._save(gateway, generation)
        except GenerationError as exc:
            raise CommandError(exc.user_message) from exc
        except SpotifyUserNotRegistered as exc:
            if not opts["client_id"]:
                raise CommandError(f"{exc.user_message} ({exc})") from exc
            raise CommandError(
                "The Spotify account you signed in with is neither your app's owner nor one of "
                "its users. Sign in with the account that created the app, or add this one "
                f"under User Management on the app's page in the developer dashboard. ({exc})"
            ) from exc
        except SpotifyError as exc:
            raise CommandError(f"{exc.user_message} ({exc})") from exc

    # -- options -------------------------------------------------------------------------
    def _options(self, opts: dict[str, Any]) -> GenerationOptions:
        picked = tuple(opts["pick"])
        source: ArtistSource = opts["source"] or ("picked" if picked else "top")
        try:
            return GenerationOptions(
                artist_source=source,
                time_range=opts["time_range"],
                picked_artists=picked,
                artist_count=opts["artists"],
                track_count=opts["length"],
                deep_cut_percent=opts["deep_cuts"],
                exclude_versions=frozenset(VERSION_KINDS) - set(opts["allow_version"]),
                allow_explicit=not opts["no_explicit"],
                exclude_saved=opts["exclude_saved"],
                exclude_earlier=not opts["repeat_earlier"],
                public=opts["public"],
                name=opts["name"],
                description=opts["description"],
                seed=opts["seed"] if opts["seed"] is not None else new_seed(),
            )
        except InvalidOptions as exc:
            raise CommandError("; ".join(f"{k}: {v}" for k, v in exc.errors.items())) from exc

    # -- connecting ----------------------------------------------------------------------
    @contextlib.contextmanager
    def _gateway(self, opts: dict[str, Any]) -> Iterator[SpotifyGateway]:
        scopes = tuple(settings.SPOTIFY_SCOPES)
        api_mode = settings.SPOTIFY_API_MODE
        with contextlib.ExitStack() as stack:
            if opts["client_id"]:
                app = self._own_app(opts)
                tokens = self._browser_sign_in(app, scopes, opts)
                api_base_url = settings.SPOTIFY_API_BASE_URL
            elif settings.DEMO_MODE:
                from spotify_emulator import EmulatorConfig, create_app
                from spotify_emulator import serve_in_thread as serve

                self.stdout.write(self.style.WARNING(DEMO_BANNER))
                server = stack.enter_context(serve(create_app(EmulatorConfig(mode=api_mode))))
                # The operator's app is the emulator's demo client in demo mode.
                app = operator_app(
                    accounts_base_url=server.base_url, redirect_uri=opts["redirect_uri"]
                )
                tokens = demo_sign_in(app, scopes, opts["demo_user"])
                api_base_url = server.api_url
            else:
                try:
                    app = operator_app(
                        accounts_base_url=settings.SPOTIFY_ACCOUNTS_BASE_URL,
                        redirect_uri=opts["redirect_uri"],
                    )
                except credentials.SecretUnavailable as exc:
                    raise CommandError(f"Spotify credentials unavailable: {exc}") from exc
                if not app.client_id or not app.client_secret:
                    raise CommandError(
                        "No Spotify credentials (SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET). "
                        "Set them, sign in with your own Spotify app (--client-id ID), or run "
                        "with MOODYSTREAM_DEMO_MODE=1 to try the built-in emulator."
                    )
                tokens = self._browser_sign_in(app, scopes, opts)
                api_base_url = settings.SPOTIFY_API_BASE_URL
            auth = stack.enter_context(UserAuth(app, TokenCache.holding(tokens)))
            gateway = stack.enter_context(build_gateway(auth, api_base_url=api_base_url))
            yield gateway

    def _own_app(self, opts: dict[str, Any]) -> SpotifyApp:
        """The listener's own app as a public client (the same Client ID rule as the web)."""
        if settings.DEMO_MODE:
            raise CommandError(
                "--client-id signs in with your own app at Spotify (or at the Spotify that "
                "SPOTIFY_ACCOUNTS_BASE_URL names); demo mode uses the emulator's demo app."
            )
        try:
            client_id = parse_client_id(opts["client_id"])
        except InvalidClientId as exc:
            raise CommandError(f"--client-id: {exc}") from exc
        self.stderr.write(
            f"Signing in with your own Spotify app (Client ID {short_client_id(client_id)}); "
            f"it must list {opts['redirect_uri']} as a redirect URI."
        )
        return own_app(
            client_id,
            accounts_base_url=settings.SPOTIFY_ACCOUNTS_BASE_URL,
            redirect_uri=opts["redirect_uri"],
        )

    def _browser_sign_in(
        self, app: SpotifyApp, scopes: tuple[str, ...], opts: dict[str, Any]
    ) -> TokenSet:
        return sign_in_with_browser(
            app, scopes,
            open_browser=(lambda url: None) if opts["no_browser"] else _open_browser,
            echo=self.stderr.write,
        )

    # -- output --------------------------------------------------------------------------
    def _print_preview(self, preview: Preview) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(preview.name))
        header = f"{'#':>3}  {'Role':4}  {'Artist':24}  {'Title':36}  {'Album':28}  Year   Time"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for n, entry in enumerate(preview.entries, start=1):
            track = entry.track
            album = track.album
            year = album.release_year if album and album.release_year else ""
            self.stdout.write(
                f"{n:>3}  {entry.role:4}  {_cut(entry.artist.name, 24)}  "
                f"{_cut(track.name, 36)}  {_cut(album.name if album else '', 28)}  "
                f"{year!s:5}  {_duration(track.duration_ms):>5}"
            )
        minutes = preview.duration_ms // 60_000
        self.stdout.write(
            f"{preview.track_count} track{'s' if preview.track_count != 1 else ''}, "
            f"{minutes // 60} h {minutes % 60} min; "
            f"{preview.deep_count} deep cut{'s' if preview.deep_count != 1 else ''} "
            f"({preview.deep_share:.0%}); "
            f"seed {preview.options.seed}"
        )
        for note in preview.notes:
            self.stdout.write(f"Note: {note}")

    def _save(self, gateway: SpotifyGateway, generation: Generation) -> None:
        preview = generation.preview
        user = gateway.current_user()
        with _progress(preview.track_count, getattr(self.stderr, "_out", sys.stderr)) as advance:
            saved = save_playlist(
                gateway, preview,
                idempotency_key=save_key(ConnectedUser(user.id, "", user.account_id or "").key,
                                         preview.digest, preview.options),
                state=shared_state(), user_id=user.id, on_progress=advance,
                recent_playlists=generation.playlists,
            )
        visibility = "public" if saved.public else "private"
        self.stdout.write(
            self.style.SUCCESS(f"Saved “{saved.name}” ({saved.item_count} tracks, {visibility})")
        )
        if settings.DEMO_MODE:
            self.stdout.write(f"(in the demo emulator only, as {saved.id}; gone when this ends)")
        else:
            self.stdout.write(
                saved.external_url or f"https://open.spotify.com/playlist/{saved.id}"
            )


def _open_browser(url: str) -> None:
    import webbrowser

    webbrowser.open(url)


@contextlib.contextmanager
def _progress(total: int, stream: Any) -> Iterator[Any]:
    """A tqdm bar on stderr (tqdm is a development dependency; without it, no bar)."""
    try:
        from tqdm import tqdm
    except ImportError:
        yield lambda done, total: None
        return
    with tqdm(total=total, unit="track", desc="Saving", file=stream) as bar:
        yield lambda done, total: bar.update(done - bar.n)


def _cut(text: str, width: int) -> str:
    return (text if len(text) <= width else text[: width - 1] + "…").ljust(width)


def _duration(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 60}:{seconds % 60:02d}"
