"""MoodyStream benchmarks against the Spotify emulator (``make bench`` = ``python -m bench``).

Not part of ``make test``: it measures, it does not assert, and prints PASS/MISS per target.
See BENCHMARKS.md for what each figure means, how it is measured and the latest numbers.

Modules: ``environment`` (Django, the in-process emulator, the gateway as the app builds it),
``network`` (Spotify's network on loopback: HTTPS, keep-alive, a latency proxy),
``lambda_cpu`` (Lambda's CPU share as a cgroup quota, and its price), ``container`` (a Lambda
container: one process serving preview after preview), ``lambda_model`` (previews in containers
over that network, per memory size), ``minimum`` (the smallest request count and critical
path the API allows for a given playlist), ``coldstart`` (the Lambda package imported in a fresh
process), ``memory_probe`` (peak memory of one generate + save, in a child process),
``rendering`` (server-side render of a 200-track preview), ``run`` (the bench and its tables).
"""
