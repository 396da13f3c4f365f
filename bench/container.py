"""A Lambda container as the bench sees it: one process that sets Django up and loads what the
app's init phase loads (``moodystream.lambda_handler.load_what_requests_use``), then serves one
preview + save after another, keeping what the app keeps between requests (the process's
connection pool).  The bench starts it, may put it under a CPU quota
(``bench.lambda_cpu``), and drives it over stdin/stdout:

    python -m bench.container API_URL TOKEN

prints ``@@READY@@{...}`` after set-up, then for each JSON line read (``{"kind": "ours" |
"plain", "key": ...}``) one ``@@RUN@@{...}`` line: wall time of preview + save, of the preview's
generation, of rendering the preview page (after the save: timed apart), requests sent and CPU
seconds used by the whole process (all threads).  The certificate the client trusts
comes from ``REQUESTS_CA_BUNDLE``, set by the bench for this process.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def serve(api_url: str, token: str) -> None:
    started = time.perf_counter()
    from bench import environment
    from bench.rendering import render_preview

    environment.setup_django()
    # What Lambda's init phase loads after Django's set-up (moodystream.lambda_handler): the
    # URLconf with its views and the Spotify client.
    from moodystream.lambda_handler import load_what_requests_use

    load_what_requests_use()

    print("@@READY@@" + json.dumps({"setup_s": time.perf_counter() - started}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        workers = {"plain": {"max_workers": 1}}.get(command["kind"], {})
        cpu_before = cpu_seconds()
        building = time.perf_counter()  # the view builds its gateway (first use: its modules)
        with environment.gateway_at(api_url, token, **workers) as gw:
            built = time.perf_counter() - building
            result = environment.generate_and_save(gw, environment.default_options(),
                                                   command["key"])
        render_seconds, _ = render_preview(result.preview)  # the preview page, as its view does
        print("@@RUN@@" + json.dumps({
            "seconds": built + result.seconds, "generate_seconds": built + result.generate_seconds,
            "render_seconds": render_seconds,
            "requests": result.requests, "cpu_seconds": cpu_seconds() - cpu_before,
            "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        }), flush=True)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
