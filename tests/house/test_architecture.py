"""docs/architecture.md lists every module of the package, one line each, and no other; and
every module has a test file of its own."""

from __future__ import annotations

import re
from pathlib import Path

import citeaudit

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(citeaudit.__file__).parent
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
MODULES = sorted(
    str(p.relative_to(PACKAGE.parent))
    for p in PACKAGE.rglob("*.py")
    if "__pycache__" not in p.parts
)


def test_every_module_is_listed_once_and_no_other() -> None:
    listed = re.findall(r"^(citeaudit/\S+\.py)\s+\S", DOC, flags=re.MULTILINE)
    assert sorted(listed) == MODULES


def test_no_module_is_over_600_lines() -> None:
    long = {
        m: n for m in MODULES if (n := len((PACKAGE.parent / m).read_text().splitlines())) > 600
    }
    assert not long


def test_every_module_has_a_test_file_of_its_own() -> None:
    tests = {p.name for p in (ROOT / "tests").rglob("test_*.py")}
    untested = []
    for module in MODULES:
        path = Path(module)
        if (
            path.name.startswith("_")
            or path.parent.name == "citeaudit"
            and path.stem in ("errors",)
        ):
            continue
        stage = path.parent.name
        names = {f"test_{path.stem}.py", f"test_{stage}_{path.stem}.py"}
        if not names & tests:
            untested.append(module)
    assert not untested, untested
