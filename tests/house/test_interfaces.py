"""Every stage package's public interface: the names its ``__init__`` promises exist, the
table that loads them agrees with what type checkers read, and naming a name loads only its
own module."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import citeaudit

PACKAGE_DIR = Path(citeaudit.__file__).parent
STAGES = sorted(info.name for info in pkgutil.iter_modules([str(PACKAGE_DIR)]) if info.ispkg)


def _lazy_table(init: Path) -> tuple[dict[str, str], dict[str, str]] | None:
    """(name -> module) from the ``exports`` table and from the TYPE_CHECKING imports."""
    tree = ast.parse(init.read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    typed: dict[str, str] = {}
    found = False
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "exports"
        ):
            found = True
            mapping = node.args[1]
            assert isinstance(mapping, ast.Dict)
            for key, value in zip(mapping.keys, mapping.values, strict=True):
                assert isinstance(key, ast.Constant) and isinstance(value, ast.Tuple)
                for element in value.elts:
                    assert isinstance(element, ast.Constant)
                    table[str(element.value)] = str(key.value)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for item in node.body:
                if isinstance(item, ast.ImportFrom) and item.module:
                    for alias in item.names:
                        typed[alias.asname or alias.name] = item.module.rsplit(".", 1)[-1]
    return (table, typed) if found else None


@pytest.mark.parametrize("stage", STAGES)
def test_each_public_name_is_typed_and_loads(stage: str) -> None:
    init = PACKAGE_DIR / stage / "__init__.py"
    tables = _lazy_table(init)
    if tables is None:
        pytest.skip(f"{stage} exports its names eagerly")
    table, typed = tables
    assert table == typed, f"citeaudit.{stage}: the exports table and TYPE_CHECKING differ"
    module = importlib.import_module(f"citeaudit.{stage}")
    for name in table:
        assert getattr(module, name) is not None
    assert sorted(table) == module.__all__
    with pytest.raises(AttributeError):
        _ = module.no_such_name


def test_naming_a_data_type_loads_only_its_module() -> None:
    code = (
        "import sys\n"
        "from citeaudit.text import decode_text\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('citeaudit'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert "citeaudit.text.charset" in loaded
    assert not {m for m in loaded if m.startswith(("citeaudit.fetch", "citeaudit.net"))}
