"""Peak memory of one generate + save, measured in a child process (the bench serves the
emulator from its own process, whose allocations must not count).

``python -m bench.memory_probe API_URL TOKEN TRACKS`` prints one JSON line: the tracemalloc
peak during generate + save, and the process's max RSS before and after (Linux: KiB).
"""

from __future__ import annotations

import json
import resource
import sys
import time
import tracemalloc


def main(api_url: str, token: str, tracks: int) -> dict:
    from bench.environment import default_options, setup_django

    setup_django()
    from django.conf import settings

    from playlists.services.generation import generate
    from playlists.services.saving import save_playlist
    from playlists.spotify.gateway import SpotifyGateway
    from shared_state.stores import shared_state

    options = default_options(track_count=tracks)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    with SpotifyGateway(
        token,
        api_base_url=api_url,
        request_timeout=settings.SPOTIFY_REQUEST_TIMEOUT,
    ) as gw:
        preview = generate(gw, options).preview
        save_playlist(gw, preview, idempotency_key=f"bench:memory:{time.time()}",
                      state=shared_state())
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "tracemalloc_peak_bytes": peak,
        "max_rss_before_kib": rss_before,
        "max_rss_kib": rss_after,
        "tracks": preview.track_count,
    }


if __name__ == "__main__":
    result = main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
    print("@@BENCH@@" + json.dumps(result))
