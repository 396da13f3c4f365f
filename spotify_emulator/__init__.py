"""Spotify Web API emulator for MoodyStream's tests and demo mode (no network needed).

It emulates the accounts service (``/authorize`` consent page, ``/api/token``) and the
Web API (``/v1/...``) with Spotify's JSON shapes as of late 2026, over a deterministic,
seeded catalogue and a handful of demo users, or over a catalogue file. Two API modes:
``development`` (the 2026 Development Mode restrictions: no batch/top-tracks endpoints,
limit 10 on search and artist albums, five allow-listed users, and none of the fields
Spotify's OpenAPI description marks deprecated — see :mod:`spotify_emulator.web_api.shapes`)
and ``extended`` (Extended Quota Mode: the full objects).

Typical use::

    from spotify_emulator import EmulatorConfig, ClientApp, create_app, serve_in_thread

    config = EmulatorConfig(mode="development", seed=42, access_token_ttl=3600,
                            rate_limit_per_30s=None, latency_ms=0, enable_control_api=True,
                            clients=[ClientApp(client_id="...", client_secret="...",
                                               redirect_uris=["http://127.0.0.1:8000/cb"],
                                               allowed_users=None,  # = DEFAULT_ALLOW_LIST
                                               allow_any_loopback_port=False,
                                               name="MoodyStream")])
    app = create_app(config)           # a WSGI callable
    server = serve_in_thread(app, host="127.0.0.1", port=0)
    server.base_url                    # "http://127.0.0.1:54321" (API at base_url + "/v1/")
    server.stop()

Mounted inside another WSGI app (e.g. under ``/demo-spotify``) every URL it produces uses
the request's host and script root: ``{root}/authorize``, ``{root}/api/token``,
``{root}/v1/...``, ``{root}/_control/...``, ``{root}/static/consent.css``.

Apps as on Spotify's developer dashboard: ``ClientApp(..., owner="maya")`` is owned by a
developer account (here a demo user). Since July 2026 rate limits and quota are counted per
developer account (``ClientApp.developer_account``), so every app of one owner shares one
budget; in development mode the owner is automatically one of the app's users, and an owner
without Premium gets every request refused (403, Spotify's wording). A demo dashboard at
``{root}/dashboard`` lets a visitor create such an app (name, redirect URIs) and get its
32-hex Client ID; see :mod:`spotify_emulator.accounts.dashboard`. Public clients (PKCE, no
secret) send
``client_id`` in the body of the code exchange and every refresh; their refresh tokens are
single use, as Spotify's are; a grant obtained with the secret is refused without it.

The app object's knobs for in-process tests: ``app.clock.advance(s)``,
``app.faults.set_latency / add_error / add_timeout / add_malformed / clear``,
``app.rate_limiter.configure(per_30s, quota_exceeded=...)``,
``app.rate_limiter.exhaust_quota(developer_account)``, ``app.register_client(ClientApp(...))``,
``app.tokens.revoke_user(user_id, access=True, refresh=True)``,
``app.issue_token(user_id, scopes)``, ``app.set_mode("extended")``,
``app.request_log.entries() / clear()``, ``app.state.user_playlists(user_id)``,
``app.reset()``, ``app.errors`` (unexpected exceptions). The same knobs over HTTP are
documented in :mod:`spotify_emulator.control`.

Catalogues. By default the catalogue is generated from ``seed`` (:mod:`.catalogue.generation`, with
each artist's releases from the generative model in :mod:`.catalogue.discography`, calibrated on a
real crawl) with six demo users (:mod:`.catalogue.users`). A *catalogue file* (JSON, format in
:mod:`.catalogue.catalogue_file`: artists; albums with type, date, edition and tracks; tracks with
ISRC, disc/track number, duration, explicit, credits, version and hidden popularity; users
with top artists/tracks per time range, follows, saved tracks, playlists) replaces both:
``EmulatorConfig(catalogue_file=PATH)``. Search ranks by hidden popularity plus a fixed
per-track Gaussian noise of ``EmulatorConfig.search_noise`` popularity points (default 8).
Commands::

    python -m spotify_emulator --port 8765 [--catalogue FILE] [--search-noise N] [--seed N]
    python -m spotify_emulator export --seed 42 > synthetic.json
    python -m spotify_emulator import-csv DIR --user-top-artists "Name, Name" > real.json
    python -m spotify_emulator stats [--catalogue FILE]     # realism figures, "name value"
    python -m spotify_emulator.selfcheck                    # start-up time and memory

``import-csv`` reads a crawl in the CSV format of ``../shared/real-catalogue-sample/``
(:mod:`.catalogue.csv_import`); ``stats`` is described in :mod:`.catalogue.stats`.

Layout, top to bottom (a module imports only its own layer and those below): the CLI and
``testing/``; ``server``; ``app`` (routing); ``control``; ``emulator`` (the parts and knobs);
``web_api/``; ``accounts/`` (authorize, token, consent, dashboard, client apps); ``sites/``
(image CDN, web player); ``state``; ``catalogue/`` (model, generation, users, search, files);
then ``config``, ``faults``, ``ratelimit``, ``requestlog``, ``clock``, ``responses``, ``ids``.

Tests: ``spotify_emulator.testing`` holds pytest fixtures (``emulator``, ``emulator_app``,
``make_emulator``) and ``approve_consent(authorize_url, user_id)``.
"""

from spotify_emulator.app import EmulatorApp, create_app
from spotify_emulator.catalogue.users import (
    DEFAULT_ALLOW_LIST,
    DEMO_USERS,
    USER_ECLECTIC,
    USER_FEW_TOP_ARTISTS,
    USER_HEAVY,
    USER_NEW,
    USER_NOT_ALLOWLISTED,
    USER_TYPICAL,
)
from spotify_emulator.config import DEMO_CLIENT, ClientApp, EmulatorConfig
from spotify_emulator.server import EmulatorServer, serve_in_thread

#: Every scope the MoodyStream app may ask for (handy for tests).
ALL_SCOPES = (
    "user-read-private", "user-read-email", "user-top-read", "user-follow-read",
    "user-library-read", "user-library-modify", "user-follow-modify", "playlist-read-private",
    "playlist-modify-public", "playlist-modify-private", "ugc-image-upload",
)

__all__ = [
    "ALL_SCOPES",
    "DEFAULT_ALLOW_LIST",
    "DEMO_CLIENT",
    "DEMO_USERS",
    "USER_ECLECTIC",
    "USER_FEW_TOP_ARTISTS",
    "USER_HEAVY",
    "USER_NEW",
    "USER_NOT_ALLOWLISTED",
    "USER_TYPICAL",
    "ClientApp",
    "EmulatorApp",
    "EmulatorConfig",
    "EmulatorServer",
    "create_app",
    "serve_in_thread",
]
