"""``python -m spotify_emulator``: run the emulator, or work with catalogue files.

    python -m spotify_emulator [--catalogue FILE] [--search-noise N] [--port P] ...  # serve
    python -m spotify_emulator export [--seed N] [--today YYYY-MM-DD] > FILE
    python -m spotify_emulator import-csv DIR --user-top-artists "Name, Name, ..." > FILE
    python -m spotify_emulator stats [--catalogue FILE] [--seed N]

The file format is documented in :mod:`spotify_emulator.catalogue.catalogue_file`; ``stats`` in
:mod:`spotify_emulator.catalogue.stats`; ``import-csv`` in
:mod:`spotify_emulator.catalogue.csv_import`.
"""

from __future__ import annotations

import argparse
import sys

from werkzeug.serving import make_server

from spotify_emulator import cli_commands
from spotify_emulator.app import create_app
from spotify_emulator.catalogue.catalogue_file import CatalogueFileError
from spotify_emulator.config import DEFAULT_SEARCH_NOISE, DEMO_CLIENT, EmulatorConfig
from spotify_emulator.server import QuietRequestHandler, mount


def _latency(value: str) -> int | tuple[int, int]:
    if "-" in value:
        low, high = value.split("-", 1)
        return int(low), int(high)
    return int(value)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m spotify_emulator",
                                description="Spotify Web API emulator (demo, not the real Spotify)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--prefix", default="", help="mount path, e.g. /demo-spotify")
    p.add_argument("--mode", choices=("development", "extended"), default="development")
    p.add_argument("--seed", type=int, default=42, help="seed of the synthetic catalogue")
    p.add_argument("--catalogue", metavar="FILE", default=None,
                   help="serve this catalogue file (see `export` and `import-csv`)")
    p.add_argument("--search-noise", type=float, default=DEFAULT_SEARCH_NOISE, metavar="N",
                   help="sd of the per-track search ranking noise, in popularity points "
                        f"(default {DEFAULT_SEARCH_NOISE:g}; 0 = rank by popularity exactly)")
    p.add_argument("--latency-ms", type=_latency, default=0, help="fixed ms, or MIN-MAX jitter")
    p.add_argument("--rate-limit", type=int, default=None, help="requests per 30 s per client")
    p.add_argument("--token-ttl", type=int, default=3600, help="access token lifetime (s)")
    p.add_argument("--quota-exceeded", action="store_true")
    p.add_argument("--no-control-api", action="store_true")
    p.add_argument("--image-host", choices=("spotify", "emulator"), default="spotify",
                   help="image URLs: Spotify's CDN, or this emulator's own generated covers")
    p.add_argument("--verbose", action="store_true", help="log every request")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in cli_commands.COMMANDS:
        return cli_commands.run(argv[0], argv[1:])
    args = parse_args(argv)
    if args.search_noise < 0:
        print("error: --search-noise cannot be negative", file=sys.stderr)
        return 2
    config = EmulatorConfig(mode=args.mode, seed=args.seed, latency_ms=args.latency_ms,
                            rate_limit_per_30s=args.rate_limit, access_token_ttl=args.token_ttl,
                            quota_exceeded=args.quota_exceeded,
                            enable_control_api=not args.no_control_api,
                            catalogue_file=args.catalogue, search_noise=args.search_noise,
                            image_host=args.image_host)
    try:
        app = create_app(config)
    except CatalogueFileError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    prefix = "/" + args.prefix.strip("/") if args.prefix.strip("/") else ""
    wsgi = mount(app, prefix) if prefix else app
    kwargs = {} if args.verbose else {"request_handler": QuietRequestHandler}
    server = make_server(args.host, args.port, wsgi, threaded=True, **kwargs)
    port = server.server_address[1]
    host = f"[{args.host}]" if ":" in args.host else args.host
    base = f"http://{host}:{port}{prefix}"
    print(f"Spotify emulator ({args.mode} mode) - demo, not the real Spotify")
    print(f"Base URL:  {base}")
    print(f"Authorize: {base}/authorize   Token: {base}/api/token   API: {base}/v1/")
    print(f"Demo client: {DEMO_CLIENT.client_id} / {DEMO_CLIENT.client_secret}")
    if args.catalogue:
        print(f"Catalogue: {args.catalogue}")
    print("Users: " + ", ".join(f"{u.id} ({u.label})" for u in app.state.users.values()))
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
