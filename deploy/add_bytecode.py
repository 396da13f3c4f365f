"""Add compiled bytecode to a Lambda zip, so that a cold start does not compile every module.

    .venv-lambda/bin/python deploy/add_bytecode.py build/moodystream-prod.zip

Lambda's ``/var/task`` is read-only: without ``__pycache__`` in the package, each new container
compiles every module it imports (Django, the app, their dependencies) and cannot keep the result.
Zappa leaves ``__pycache__`` out (``exclude``), because the virtualenv's caches are timestamp-based
and the zip resets every timestamp. This adds, next to each ``.py`` in the zip, a
``__pycache__/NAME.cpython-312.pyc`` compiled from the zipped source itself with
``unchecked-hash`` invalidation (PEP 552): Python uses it without comparing timestamps, which is
right for a package nobody can change after it is built. Must run under Python 3.12, the
runtime's version (the bytecode format changes with each minor version).
"""

from __future__ import annotations

import py_compile
import sys
import tempfile
import zipfile
from pathlib import Path


def add_bytecode(zip_path: Path) -> int:
    if sys.version_info[:2] != (3, 12):
        raise SystemExit("add_bytecode.py must run under Python 3.12, Lambda's runtime")
    tag = sys.implementation.cache_tag  # cpython-312
    added = 0
    with tempfile.TemporaryDirectory(prefix="moodystream-bytecode-") as workdir:
        work = Path(workdir)
        with zipfile.ZipFile(zip_path) as archive:
            sources = [name for name in archive.namelist() if name.endswith(".py")]
            present = set(archive.namelist())
            for name in sources:
                (work / name).parent.mkdir(parents=True, exist_ok=True)
                (work / name).write_bytes(archive.read(name))
        with zipfile.ZipFile(zip_path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in sources:
                source = Path(name)
                target = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
                if target.as_posix() in present:
                    continue
                try:
                    py_compile.compile(
                        str(work / name),
                        cfile=str(work / target),
                        dfile=f"/var/task/{name}",
                        doraise=True,
                        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                    )
                except py_compile.PyCompileError:
                    continue  # not Python 3.12 source (a template, a py2 leftover): never imported
                info = zipfile.ZipInfo(target.as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
                info.create_system = 3
                info.external_attr = 0o755 << 16  # as Zappa writes every entry
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, (work / target).read_bytes())
                added += 1
    return added


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    count = add_bytecode(Path(sys.argv[1]))
    print(f"    added {count} unchecked-hash .pyc files")
