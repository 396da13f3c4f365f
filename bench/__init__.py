"""MoodyStream benchmarks against the Spotify emulator (``make bench`` = ``python -m bench``).

Not part of ``make test``: it measures, it does not assert, and prints PASS/MISS per target.
See BENCHMARKS.md for what each figure means, how it is measured and the latest numbers.

Modules: ``environment`` (Django, the in-process emulator, the gateway as the app builds it
and the "plain way" gateway: one request after another, nothing reused), ``emulator_process``
(the emulator in a process of its own), ``minimum`` (the smallest request count and critical
path the API allows for a given playlist), ``coldstart`` (the Lambda package imported in a fresh
process), ``memory_probe`` (peak memory of one generate + save, in a child process),
``rendering`` (server-side render of a 200-track preview), ``run`` (the bench and its tables).
"""
