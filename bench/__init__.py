"""MoodyStream benchmarks against the Spotify emulator (``make bench`` = ``python -m bench``).

Not part of ``make test``: it measures, it does not assert, and prints PASS/MISS per target.
See BENCHMARKS.md for what each figure means, how it is measured and the latest numbers.

Modules: ``environment`` (Django, the in-process emulator, gateways), ``plain`` (the same work
done one request after another), ``minimum`` (the smallest request count and critical path the
API allows for a given playlist), ``coldstart`` (Lambda package import in a fresh process),
``memory_probe`` (peak memory of one generate + save, in a child process), ``rendering``
(server-side render of a 200-track preview), ``run`` (the whole bench and its table).
"""
