"""Check a Lambda zip built by ``zappa package`` and print its size.

    python deploy/inspect_package.py build/moodystream-prod.zip
    python deploy/inspect_package.py --site-packages .venv-lambda/lib/python3.12/site-packages

Exits non-zero, naming every problem, if the package lacks what the function needs, carries what
it must not (tests, the Spotify emulator, dev tools, virtualenvs, secrets), holds a compiled wheel
that AWS Lambda's Python 3.12 runtime (Amazon Linux 2023: glibc 2.34, x86_64) cannot load, or is
too big for Lambda. Standard library only: runs with any Python 3.12.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

LAMBDA_GLIBC = (2, 34)
# Lambda's own limits: 50 MB zipped for a direct upload, 250 MB unzipped. The project aims lower.
ZIPPED_LIMIT_MB = 50
UNZIPPED_LIMIT_MB = 250
ZIPPED_TARGET_MB = 20

REQUIRED = (
    "handler.py",
    "zappa_settings.py",
    "django_zappa_app.py",
    "moodystream/settings.py",
    "moodystream/aws_secrets.py",
    "moodystream/credentials.py",  # the one accessor for the secret's values
    "moodystream/log_redaction.py",  # settings.LOGGING's filter
    "moodystream/lambda_handler.py",  # the function's handler (zappa_settings.json)
    "moodystream/storage.py",  # production's STORAGES["staticfiles"]
    "moodystream/urls.py",
    "accounts/__init__.py",
    "playlists/__init__.py",
    "shared_state/dynamodb.py",  # production's shared state (MOODYSTREAM_STATE_BACKEND)
    "templates/base.html",
    "staticfiles/staticfiles.json",
    "django/__init__.py",
    "zappa/handler.py",
    "werkzeug/__init__.py",
    "whitenoise/__init__.py",
    "spotipy/__init__.py",
    "cryptography/__init__.py",
    "environ/__init__.py",
)

# Top-level names that are never deployed.
FORBIDDEN_TOP = (
    "spotify_emulator/",
    "tests/",
    "bench/",
    "deploy/",
    "build/",
    "docs/",
    "staticfiles-",
    ".venv",
    ".git/",
    ".env",
    ".ci/",
    "_manylinux.py",
    "Makefile",
    "pyproject.toml",
    "zappa_settings.json",
)
# Packages that are dev/test tools, Zappa's command line only, or provided by the Lambda runtime.
FORBIDDEN_PACKAGES = (
    "moto",
    "pytest",
    "_pytest",
    "pytest_django",
    "playwright",
    "ruff",
    "openapi_core",
    "boto3",
    "botocore",
    "s3transfer",
    "troposphere",
    "cfn_flip",
    "pip",
    "setuptools",
    "wheel",
    "yaml",
    "tqdm",
    "click",
)
_MANYLINUX = re.compile(r"^manylinux_(\d+)_(\d+)_(x86_64)$")
_LEGACY_MANYLINUX = {"manylinux1_x86_64", "manylinux2010_x86_64", "manylinux2014_x86_64"}
# Values settings.py reads from the secret: they must never be baked into the package.
SECRET_VARIABLES = (
    "SPOTIFY_CLIENT_SECRET",
    "SPOTIPY_CLIENT_SECRET",
    "DJANGO_SECRET_KEY",
    "AWS_SECRET_ACCESS_KEY",
)


@dataclass
class Report:
    path: Path
    zipped_bytes: int = 0
    unzipped_bytes: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def zipped_mb(self) -> float:
        return self.zipped_bytes / 1_000_000

    @property
    def unzipped_mb(self) -> float:
        return self.unzipped_bytes / 1_000_000

    def summary(self) -> str:
        return (
            f"{self.path}: {self.zipped_mb:.1f} MB zipped ({self.zipped_bytes / 2**20:.1f} MiB), "
            f"{self.unzipped_mb:.1f} MB unzipped, {self.files} files"
        )


def platform_problem(tag: str) -> str | None:
    """Why a wheel tag (``py3-none-any``, ``cp312-cp312-manylinux_2_17_x86_64``...) can't run."""
    platforms = tag.rsplit("-", 1)[-1]
    for platform in platforms.split("."):
        if platform == "any" or platform in _LEGACY_MANYLINUX:
            return None
        match = _MANYLINUX.match(platform)
        if match and (int(match[1]), int(match[2])) <= LAMBDA_GLIBC:
            return None
    return f"wheel for {platforms}: Lambda needs manylinux (glibc <= 2.34) on x86_64, or any"


# The magic number of CPython 3.12 bytecode (importlib.util.MAGIC_NUMBER under 3.12).
PYTHON_312_MAGIC = (3531).to_bytes(2, "little") + b"\r\n"


def bytecode_problem(name: str, data: bytes, names: set[str]) -> str | None:
    """Only 3.12 bytecode compiled from a packaged source, and never checked against it.

    Timestamp-based caches (what a virtualenv holds) would be compared with the zip's reset
    timestamps and recompiled at every cold start; a checked hash would re-read every source.
    """
    parts = name.split("/")
    if len(parts) < 2 or parts[-2] != "__pycache__" or not parts[-1].endswith(".cpython-312.pyc"):
        return "not a __pycache__/*.cpython-312.pyc file"
    source = "/".join([*parts[:-2], parts[-1].removesuffix(".cpython-312.pyc") + ".py"])
    if source not in names:
        return f"no {source} beside it"
    if data[:4] != PYTHON_312_MAGIC:
        return "not CPython 3.12 bytecode"
    flags = int.from_bytes(data[4:8], "little")
    if flags != 0b01:  # hash-based, check_source off (PEP 552)
        return "not unchecked-hash bytecode (deploy/add_bytecode.py writes those)"
    return None


def zappa_settings_problems(source: str) -> list[str]:
    values: dict[str, object] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    problems = []
    if values.get("DEBUG") is not False:
        problems.append("zappa_settings.py: DEBUG must be False (it logs every raw event)")
    if values.get("DJANGO_SETTINGS") != "moodystream.settings":
        problems.append("zappa_settings.py: DJANGO_SETTINGS is not moodystream.settings")
    environment = values.get("ENVIRONMENT_VARIABLES")
    if not isinstance(environment, dict):
        problems.append("zappa_settings.py: no ENVIRONMENT_VARIABLES")
        return problems
    if environment.get("DJANGO_ENV") != "production":
        problems.append("zappa_settings.py: DJANGO_ENV is not production")
    if not environment.get("SPOTIFY_SECRET_NAME"):
        problems.append("zappa_settings.py: SPOTIFY_SECRET_NAME is not set")
    for name in environment:
        if name in SECRET_VARIABLES or name.startswith("SPOTIPY_") or name in {
            "SPOTIFY_CLIENT_ID",
            "SPOTIFY_CLIENT_SECRET",
        }:
            problems.append(f"zappa_settings.py: {name} must come from Secrets Manager")
    for name in (
        "DJANGO_DEBUG",
        "DEBUG",
        "MOODYSTREAM_DEMO_MODE",
        "DEMO_MODE",
        "DJANGO_ENABLE_ADMIN",
        "ENABLE_ADMIN",
    ):
        if str(environment.get(name, "")).lower() in {"1", "true", "yes", "on"}:
            problems.append(f"zappa_settings.py: {name} is switched on")
    return problems


def inspect(path: Path) -> Report:
    report = Report(path=path, zipped_bytes=path.stat().st_size)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        report.files = len(infos)
        report.unzipped_bytes = sum(info.file_size for info in infos)

        for required in REQUIRED:
            if required not in names:
                report.problems.append(f"missing {required}")

        for name in sorted(names):
            top = name.split("/", 1)[0]
            if name.startswith(FORBIDDEN_TOP) or (top.endswith(".md") and "/" not in name):
                report.problems.append(f"must not be packaged: {name}")
            elif top in FORBIDDEN_PACKAGES:
                report.problems.append(f"must not be packaged: {top}/")
            elif name.endswith(".pyc"):
                problem = bytecode_problem(name, archive.read(name), names)
                if problem:
                    report.problems.append(f"{name}: {problem}")
        report.problems = sorted(set(report.problems))

        for name in sorted(n for n in names if n.endswith(".dist-info/WHEEL")):
            for line in archive.read(name).decode().splitlines():
                if line.startswith("Tag:"):
                    problem = platform_problem(line.split(":", 1)[1].strip())
                    if problem:
                        report.problems.append(f"{name.split('/')[0]}: {problem}")

        if "zappa_settings.py" in names:
            report.problems += zappa_settings_problems(archive.read("zappa_settings.py").decode())

        if "staticfiles/staticfiles.json" in names:
            manifest = json.loads(archive.read("staticfiles/staticfiles.json"))
            for hashed in manifest.get("paths", {}).values():
                if f"staticfiles/{hashed}" not in names:
                    report.problems.append(f"manifest names a missing file: staticfiles/{hashed}")

    if report.zipped_mb > ZIPPED_LIMIT_MB:
        report.problems.append(f"{report.zipped_mb:.1f} MB zipped: over Lambda's upload limit")
    elif report.zipped_mb > ZIPPED_TARGET_MB:
        report.warnings.append(
            f"{report.zipped_mb:.1f} MB zipped: over the project's {ZIPPED_TARGET_MB} MB aim"
        )
    if report.unzipped_mb > UNZIPPED_LIMIT_MB:
        report.problems.append(f"{report.unzipped_mb:.1f} MB unzipped: over Lambda's limit")
    return report


def site_packages_problems(site_packages: Path) -> list[str]:
    """The installed wheels that Lambda could not load (the same rule as for the zip)."""
    problems = []
    for wheel in sorted(site_packages.glob("*.dist-info/WHEEL")):
        for line in wheel.read_text().splitlines():
            if line.startswith("Tag:"):
                problem = platform_problem(line.split(":", 1)[1].strip())
                if problem:
                    problems.append(f"{wheel.parent.name}: {problem}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--site-packages":
        problems = site_packages_problems(Path(argv[1]))
        for problem in problems:
            print(f"problem: {problem}", file=sys.stderr)
        return 1 if problems else 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    report = inspect(Path(argv[0]))
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for problem in report.problems:
        print(f"problem: {problem}", file=sys.stderr)
    print(report.summary())
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
