"""Installed as ``_manylinux.py`` in .venv-lambda by deploy/package.sh: a glibc ceiling for pip.

pip (through ``packaging``) asks this module, when present, whether a ``manylinux_X_Y`` wheel can
run here (PEP 600). The answer is "only if AWS Lambda's Python 3.12 runtime can run it": Amazon
Linux 2023, glibc 2.34, x86_64. Without it, pip on a newer build machine could pick a wheel that
needs a newer glibc and the function would fail to import it on Lambda. Never packaged (Zappa's
``exclude`` lists it).
"""

LAMBDA_GLIBC = (2, 34)
LAMBDA_ARCH = "x86_64"


def manylinux_compatible(tag_major: int, tag_minor: int, tag_arch: str) -> bool:
    return tag_arch == LAMBDA_ARCH and (tag_major, tag_minor) <= LAMBDA_GLIBC
