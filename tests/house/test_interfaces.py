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
    # A submodule named like an exported name would shadow it once imported.
    submodules = {info.name for info in pkgutil.iter_modules([str(PACKAGE_DIR / stage)])}
    assert not submodules & set(table), f"citeaudit.{stage}: a module shares an exported name"
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


# Modules that make up the link checker's engine: none may be loaded to name a data type.
_FETCH_ENGINE = (
    "httpx",
    "httpcore",
    "httptools",
    "citeaudit.fetch.engine",
    "citeaudit.fetch.fetcher",
    "citeaudit.fetch.workers",
    "citeaudit.fetch.classify",
    "citeaudit.net.http1",
    "citeaudit.net.httpx_client",
    "citeaudit.net.policy",
    "citeaudit.net.tls",
)


@pytest.mark.parametrize(
    "statement",
    [
        "import citeaudit.fetch.result",
        "from citeaudit.fetch import FetchResult, Failure, Exchange, Hop",
        "from citeaudit.fetch import FetchOptions",
        "from citeaudit.net import Exchange, strip_fragment, host_key, url_problem",
        "from citeaudit.webarchive import ArchivedCopy",
    ],
)
def test_naming_fetch_data_types_loads_no_http_client(statement: str) -> None:
    code = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert not {m for m in loaded if m.startswith(_FETCH_ENGINE)}, statement


def test_the_fetch_engine_does_load_the_http_client() -> None:
    """The check above can fail: the same probe sees httpx once the engine is named."""
    code = (
        "import sys\nfrom citeaudit.fetch import fetch_all\nprint(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert {"httpx", "citeaudit.fetch.engine", "citeaudit.fetch.fetcher"} <= set(
        done.stdout.split()
    )


def _loaded_after(statements: str) -> set[str]:
    code = f"import sys\n{statements}\nprint(' '.join(sorted(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


_OPEN_A_STORE = (
    "import tempfile\nfrom pathlib import Path\nimport citeaudit.store\n"
    "with citeaudit.store.Store.open(Path(tempfile.mkdtemp())) as store:\n"
    "    store.snapshots_for('s')\n"
)


def test_opening_the_store_loads_no_http_client_and_no_warc_writer() -> None:
    loaded = _loaded_after(_OPEN_A_STORE)
    assert "citeaudit.store.database" in loaded
    engines = ("httpx", "httpcore", "warcio", "citeaudit.fetch.engine", "citeaudit.archive.writer")
    assert not {m for m in loaded if m.startswith(engines)}


def test_naming_a_snapshot_loads_no_warcio() -> None:
    loaded = _loaded_after("from citeaudit.archive import Snapshot, RecordRef")
    assert "citeaudit.archive.snapshot" in loaded
    assert not {m for m in loaded if m.startswith(("warcio", "httpx"))}
    # the probe can fail: the writer does load warcio
    assert "warcio" in _loaded_after("from citeaudit.archive import WarcArchive")
