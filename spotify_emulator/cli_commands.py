"""The ``export``, ``import-csv`` and ``stats`` sub-commands of ``python -m spotify_emulator``.

They write to stdout (``> FILE``) and report bad input on stderr with exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

COMMANDS = ("export", "import-csv", "stats")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {value!r}") from None


def _parser(command: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"python -m spotify_emulator {command}")
    if command == "export":
        p.description = "Write the synthetic catalogue and its demo users as a catalogue file."
        p.add_argument("--seed", type=int, default=42)
        p.add_argument("--today", type=_date, default=None,
                       help="the catalogue's today (default: today)")
    elif command == "import-csv":
        p.description = ("Convert a crawl in the CSV format of real-catalogue-sample/ "
                         "(final_data_artist.csv, final_data_album.csv, final_data_track.csv) "
                         "into a catalogue file with one user.")
        p.add_argument("directory")
        p.add_argument("--user-top-artists", required=True, metavar='"NAME, NAME, ..."',
                       help="comma-separated artist names: the user's top artists, in order")
        p.add_argument("--user-id", default="listener")
        p.add_argument("--today", type=_date, default=None,
                       help="the catalogue's today (default: the day after the newest release)")
    else:
        p.description = "Print realism figures of a catalogue, one 'name value' per line."
        p.add_argument("--catalogue", metavar="FILE", default=None)
        p.add_argument("--seed", type=int, default=42)
        p.add_argument("--search-noise", type=float, default=None, metavar="N")
    return p


def run(command: str, argv: list[str]) -> int:
    args = _parser(command).parse_args(argv)
    from spotify_emulator.catalogue.catalogue_file import CatalogueFileError

    try:
        if command == "export":
            return _export(args)
        if command == "import-csv":
            return _import_csv(args)
        return _stats(args)
    except CatalogueFileError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def _export(args: argparse.Namespace) -> int:
    from spotify_emulator.catalogue.catalogue_file import catalogue_document, write_catalogue
    from spotify_emulator.catalogue.generation import build_catalogue

    cat = build_catalogue(args.seed, args.today or dt.date.today())
    write_catalogue(catalogue_document(cat), sys.stdout)
    return 0


def _import_csv(args: argparse.Namespace) -> int:
    from spotify_emulator.catalogue.catalogue_file import write_catalogue
    from spotify_emulator.catalogue.csv_import import CsvImportError, import_csv_directory

    names = [n.strip() for n in args.user_top_artists.split(",") if n.strip()]
    try:
        doc = import_csv_directory(args.directory, names, user_id=args.user_id, today=args.today)
    except CsvImportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    write_catalogue(doc, sys.stdout)
    return 0


def _stats(args: argparse.Namespace) -> int:
    from spotify_emulator.catalogue.catalogue_file import load_catalogue_file
    from spotify_emulator.catalogue.generation import build_catalogue
    from spotify_emulator.catalogue.stats import catalogue_stats
    from spotify_emulator.config import DEFAULT_SEARCH_NOISE

    if args.catalogue:
        cat = load_catalogue_file(args.catalogue).catalogue
    else:
        cat = build_catalogue(args.seed, dt.date.today())
    noise = DEFAULT_SEARCH_NOISE if args.search_noise is None else args.search_noise
    for name, value in catalogue_stats(cat, noise).items():
        print(f"{name} {value:.3f}" if isinstance(value, float) else f"{name} {value}")
    return 0
