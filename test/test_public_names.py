"""The package's public names: one list (``openapi_client._EXPORTS``), and everything else agrees.

The lazy loader resolves each name from the module the list names; that module's ``__all__``
has it; the ``TYPE_CHECKING`` re-exports type checkers read name the same modules; and the
same holds one level down for ``openapi_client.models`` and ``openapi_client.api``.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
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
