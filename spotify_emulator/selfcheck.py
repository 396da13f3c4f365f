"""``python -m spotify_emulator.selfcheck``: print start-up time, memory and catalogue size.

Budgets (from the issue): ``create_app`` under 1 s from cold, RSS under 150 MB with the
catalogue loaded and searched. Exits 1 if a budget is exceeded.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time

_COLD_START = (
    "import time; t = time.perf_counter(); import spotify_emulator; "
    "i = time.perf_counter(); spotify_emulator.create_app(); "
    "print(i - t, time.perf_counter() - i)"
)

STARTUP_BUDGET_S = 1.0
RSS_BUDGET_MB = 150.0


def rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def cold_start() -> tuple[float, float]:
    """(import seconds, create_app seconds) measured in a fresh interpreter."""
    argv = [sys.executable, "-c", _COLD_START]  # our own interpreter and fixed code
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.split()  # noqa: S603
    return float(out[0]), float(out[1])


def main() -> int:
    from werkzeug.test import Client

    from spotify_emulator import ALL_SCOPES, USER_TYPICAL, create_app

    t_import, t_create = cold_start()
    app = create_app()
    client = Client(app)
    token = app.issue_token(USER_TYPICAL, ALL_SCOPES)["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    t2 = time.perf_counter()
    for path in ("/v1/search?q=gravity&type=track,artist,album", "/v1/me/top/tracks?limit=50",
                 "/v1/me/tracks?limit=50", "/v1/me/playlists?limit=50"):
        status = client.get(path, headers=headers).status_code
        if status != 200:
            print(f"unexpected {status} for {path}")
            return 1
    t_requests = time.perf_counter() - t2
    cat = app.catalogue
    memory = rss_mb()
    budget_ms = STARTUP_BUDGET_S * 1000
    print(f"import (cold):     {t_import * 1000:7.1f} ms")
    print(f"create_app (cold): {t_create * 1000:7.1f} ms   (limit {budget_ms:.0f} ms with import)")
    print(f"4 first requests:  {t_requests * 1000:7.1f} ms   (includes building the search index)")
    print(f"peak RSS:          {memory:7.1f} MB   (budget {RSS_BUDGET_MB:.0f} MB)")
    main_artists = len(cat.main_artists())
    print(f"catalogue:         {main_artists} artists (+{len(cat.artists) - main_artists} "
          f"tribute/various), {len(cat.albums)} albums, {len(cat.tracks)} tracks")
    ok = t_import + t_create < STARTUP_BUDGET_S and memory < RSS_BUDGET_MB
    print("OK" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
