"""README.md stays true to the code: its module maps name every module, and only existing ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: The packages the README maps module by module.
MAPPED = ("moodystream", "accounts", "playlists")


def module_map(package: str) -> set[str]:
    """The files named in the first column of the README's "<package>/, module by module"."""
    heading = f"### {package}/, module by module\n"
    assert heading in README, f"README.md has no module map for {package}/"
    section = README.split(heading, 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([^`]+\.py)`", row.split("|")[1])}


def modules_on_disk(package: str) -> set[str]:
    return {
        path.relative_to(ROOT / package).as_posix()
        for path in (ROOT / package).rglob("*.py")
        if path.name != "__init__.py" and "__pycache__" not in path.parts
    }


@pytest.mark.parametrize("package", MAPPED)
def test_the_module_map_names_every_module_and_only_existing_ones(package: str) -> None:
    named, present = module_map(package), modules_on_disk(package)
    assert sorted(present - named) == [], f"modules missing from README's {package}/ map"
    assert sorted(named - present) == [], f"README's {package}/ map names modules that do not exist"


def test_the_project_layout_lists_every_top_level_package() -> None:
    layout = README.split("## Project layout", 1)[1].split("```", 2)[1]
    packages = sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name != "tests")
    listed = set(re.findall(r"^([a-z_]+)/", layout, flags=re.MULTILINE))
    assert [p for p in packages if p not in listed] == []
