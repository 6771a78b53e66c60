"""The package's public names: one list (``openapi_client._EXPORTS``), and everything else agrees.

The lazy loader resolves each name from the module the list names; that module's ``__all__``
has it; the ``TYPE_CHECKING`` re-exports type checkers read name the same modules; and the
same holds one level down for ``openapi_client.models`` and ``openapi_client.api``.
"""

from __future__ import annotations

import ast
import importlib
import io
import re
import subprocess
import sys
import tokenize
from pathlib import Path
from typing import Dict, Set

import pytest

import openapi_client
from openapi_client import _descriptions as descriptions, api, exceptions, models

PACKAGE = Path(openapi_client.__file__).parent


def type_checking_imports(path: Path) -> Dict[str, str]:
    """Name -> module of every ``from module import name as name`` under ``if TYPE_CHECKING:``."""
    found: Dict[str, str] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom) and statement.module, ast.dump(statement)
                for alias in statement.names:
                    assert alias.asname == alias.name, f"{alias.name} is not re-exported explicitly"
                    found[alias.name] = statement.module
    return found


def test_all_is_the_export_list() -> None:
    assert openapi_client.__all__ == ["__version__", *openapi_client._EXPORTS]
    assert sorted(dir(openapi_client)) == sorted(openapi_client.__all__)


def test_type_checkers_see_the_same_names_from_the_same_modules() -> None:
    assert type_checking_imports(PACKAGE / "__init__.py") == openapi_client._EXPORTS


@pytest.mark.parametrize("name", sorted(openapi_client._EXPORTS))
def test_each_name_loads_from_its_module_whose_all_has_it(name: str) -> None:
    module = importlib.import_module(openapi_client._EXPORTS[name])
    assert name in module.__all__, f"{module.__name__}.__all__ lacks {name}"
    assert getattr(openapi_client, name) is getattr(module, name)


@pytest.mark.parametrize("module", [exceptions, models, api], ids=lambda m: m.__name__)
def test_every_name_a_module_exports_is_exported_by_the_package(module: object) -> None:
    missing: Set[str] = set(module.__all__) - set(openapi_client._EXPORTS)  # type: ignore[attr-defined]
    assert not missing, f"{module.__name__} exports {sorted(missing)} that openapi_client does not"  # type: ignore[attr-defined]


def test_models_package_lists_each_model_once_with_its_module() -> None:
    assert models.__all__ == list(models._MODULES)
    checked = type_checking_imports(PACKAGE / "models" / "__init__.py")
    assert checked == {name: f"openapi_client.models.{module}" for name, module in models._MODULES.items()}
    for name, module in models._MODULES.items():
        defining = importlib.import_module(f"openapi_client.models.{module}")
        assert getattr(models, name) is getattr(defining, name)


def test_api_package_has_one_class_per_description() -> None:
    assert sorted(api.__all__) == sorted(d.class_name for d in descriptions.API_DESCRIPTIONS)


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchName"):
        openapi_client.NoSuchName  # noqa: B018
    with pytest.raises(AttributeError, match="NoSuchModel"):
        models.NoSuchModel  # noqa: B018


@pytest.mark.parametrize("package", ["openapi_client", "openapi_client.aio"])
def test_importing_the_client_defines_no_model(package: str) -> None:
    """Models, and pydantic's field types (``pydantic.types``: SecretStr, Field constraints),
    load when an operation first needs them: benchmarks/imports.py measures why."""
    program = (
        "import sys\n"
        f"from {package} import ApiClient, ByokKeysApi, IamApiKeysApi\n"
        "loaded = [m for m in sys.modules if m.startswith('openapi_client.models.') or m == 'pydantic.types']\n"
        "print(sorted(set(loaded) - {'openapi_client.models.enums'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_import_openapi_client_loads_none_of_its_modules() -> None:
    """``import openapi_client`` only defines the loader: each name's module loads on first use."""
    program = (
        "import sys\nimport openapi_client\nprint(sorted(m for m in sys.modules if m.startswith('openapi_client.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


ROOT = PACKAGE.parent
_DOTTED = re.compile(r"\bopenapi_client(?:\.[A-Za-z_]\w*)+")


def documented_names() -> Set[str]:
    """Every dotted ``openapi_client.…`` name a user may read: in the README, the docs pages, the
    examples, and the package's own docstrings and comments (what ``help()`` and IDEs show)."""
    texts = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "examples").rglob("*.py"))]
    found = {name for path in texts for name in _DOTTED.findall(path.read_text(encoding="utf-8"))}
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        nodes = [n for n in ast.walk(ast.parse(source)) if isinstance(n, DOCUMENTED_NODES)]
        prose = [ast.get_docstring(n) or "" for n in nodes]
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        prose += [token.string for token in tokens if token.type == tokenize.COMMENT]
        found.update(name for text in prose for name in _DOTTED.findall(text))
    return found


DOCUMENTED_NODES = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def resolve(dotted: str) -> object:
    """Import the longest module prefix of ``dotted``, then read the rest as attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError as exc:
            if exc.name is None or not ".".join(parts[:cut]).startswith(exc.name):
                raise
            continue
        for attribute in parts[cut:]:
            value = getattr(value, attribute)
        return value
    raise AssertionError(f"{dotted}: no importable prefix")


# Named by earlier releases' docstrings (generated ones included) before a rename.
FORMERLY_DOCUMENTED = {
    "openapi_client.operation.RequestOptions",
    "openapi_client.operations.GET_IAM_V2_API_KEY",
    "openapi_client.operations.API_DESCRIPTIONS",
}


def test_every_module_path_the_docs_name_imports() -> None:
    """A module or name the README, docs, examples or docstrings show keeps working after a
    module is renamed (``operation``, ``operations`` and others stay as re-exports)."""
    names = documented_names()
    for must in (
        "openapi_client.retry",
        "openapi_client.pagination",
        "openapi_client.api_key_kinds",
        "openapi_client.models.responses",
        "openapi_client.readiness",
        "openapi_client.error_bodies",
        "openapi_client.log_filters",
    ):
        assert any(within == must or within.startswith(must + ".") for within in names), must
    broken = {}
    for name in sorted(names | FORMERLY_DOCUMENTED):
        try:
            resolve(name)
        except (ImportError, AttributeError) as exc:
            broken[name] = f"{type(exc).__name__}: {exc}"
    assert not broken, broken
