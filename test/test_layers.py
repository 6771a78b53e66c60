"""The import rules of ARCHITECTURE.md ("Layers"), read from the source with ``ast``.

"Any import" counts every import statement in the module, inside functions and
``TYPE_CHECKING`` blocks too (a layer must not even name what is above it). "Eager" counts
only the imports that run when the module is imported.

The emulator (``testing/``) speaks the wire format from the API document on its own: it
imports no model, description or API class (issue 13 §1), only the configuration and the
client for its convenience constructors.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "openapi_client"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: Dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _targets(node: ast.AST, here: str) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        if node.level:  # relative: resolve against this module's package
            package = here.split(".") if MODULES[here].name == "__init__.py" else here.split(".")[:-1]
            base = package[: len(package) - (node.level - 1)]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module or ""
        yield module
        # "from openapi_client import operations" imports a submodule
        yield from (f"{module}.{alias.name}" for alias in node.names if f"{module}.{alias.name}" in MODULES)


def imports(module: str, *, eager_only: bool = False) -> Set[str]:
    """The openapi_client modules ``module`` imports (all, or only those run at import time)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: Set[str] = set()

    def visit(node: ast.AST) -> None:
        if eager_only and (_is_type_checking(node) or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))):
            return
        found.update(t for t in _targets(node, module) if t.startswith("openapi_client"))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def within(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


FOUNDATION = ("openapi_client.exceptions", "openapi_client.api_response", "openapi_client._redaction",
              "openapi_client._retry_headers", "openapi_client.log_filters")
CORE = ("openapi_client._http_request", "openapi_client.retry", "openapi_client.rate_limit",
        "openapi_client.response_body", "openapi_client.call")
DESCRIPTIONS = ("openapi_client._operation_types", "openapi_client._descriptions", "openapi_client.operation",
                "openapi_client.operations", "openapi_client.readiness",
                "openapi_client.pagination", "openapi_client.waiters", "openapi_client.aio.pagination",
                "openapi_client.aio.waiters")
SENDING = ("openapi_client.rest", "openapi_client.api_client", "openapi_client.aio.rest",
           "openapi_client.aio.api_client")
TRANSPORT = ("openapi_client.configuration", *SENDING)
GENERATED = ("openapi_client.api", "openapi_client.aio.api")
CREDENTIALS = ("openapi_client.credentials",)

# (layer, modules it may not import, whether only eager imports count)
RULES: List[Tuple[str, Tuple[str, ...], Tuple[str, ...], bool]] = [
    ("models import only models", ("openapi_client.models",),
     ("openapi_client.exceptions", *DESCRIPTIONS, *TRANSPORT, *GENERATED, "openapi_client.testing"), False),
    ("the foundation imports no other layer (the configuration for type checkers)", FOUNDATION,
     (*CORE, *DESCRIPTIONS, *CREDENTIALS, *SENDING, *GENERATED, "openapi_client.testing"), False),
    ("the foundation does not load the configuration", FOUNDATION, ("openapi_client.configuration",), True),
    ("the request core imports only the foundation (the configuration for type checkers)", CORE,
     ("openapi_client.models", *DESCRIPTIONS, *CREDENTIALS, *SENDING, *GENERATED, "openapi_client.testing",
      "openapi_client.workflows"), False),
    ("the request core does not load the configuration", CORE, ("openapi_client.configuration",), True),
    ("descriptions and helpers import no transport", DESCRIPTIONS,
     (*TRANSPORT, *GENERATED, "openapi_client.testing"), False),
    ("credentials import only the foundation (the configuration for type checkers)", CREDENTIALS,
     ("openapi_client.models", *DESCRIPTIONS, "openapi_client.api_client", "openapi_client.aio", *GENERATED,
      "openapi_client.testing"), False),
    # A provider asked for a token from blocking code outside any client sends it through the
    # blocking transport, loaded then (rest.py loads the configuration, which loads credentials).
    ("credentials load the blocking transport only when they send", CREDENTIALS, ("openapi_client.rest",), True),
    ("the transport imports no API class or description", TRANSPORT,
     ("openapi_client._descriptions", "openapi_client.readiness", *GENERATED, "openapi_client.testing"), False),
    ("the API classes do not import the emulator", GENERATED, ("openapi_client.testing",), False),
    ("the emulator reads the document, not the SDK's models", ("openapi_client.testing",),
     ("openapi_client.models", *DESCRIPTIONS, *GENERATED, "openapi_client.api_key_kinds",
      "openapi_client.error_bodies"), False),
]


def _members(prefixes: Tuple[str, ...]) -> List[str]:
    return [m for m in MODULES if within(m, *prefixes)]


@pytest.mark.parametrize(("rule", "layer", "forbidden", "eager_only"), RULES, ids=[r[0] for r in RULES])
def test_layer_imports(rule: str, layer: Tuple[str, ...], forbidden: Tuple[str, ...], eager_only: bool) -> None:
    members = _members(layer)
    assert members, f"{rule}: no module in {layer}"
    broken = {
        m: sorted(t for t in imports(m, eager_only=eager_only) if within(t, *forbidden) and not within(t, *layer))
        for m in members
    }
    broken = {m: targets for m, targets in broken.items() if targets}
    assert not broken, f"{rule}: {broken}"


# What a module that does no I/O may not import: sockets, TLS, event loops, HTTP clients.
IO_MODULES = ("socket", "ssl", "asyncio", "http", "aiohttp", "urllib3.connection", "urllib3.connectionpool",
              "urllib3.poolmanager", "urllib3.response", "urllib3.contrib")


def external_imports(module: str) -> Set[str]:
    """Every module name ``module`` imports (any import statement), the SDK's own included."""
    found: Set[str] = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("module", [*FOUNDATION, *CORE])
def test_the_request_core_does_no_io(module: str) -> None:
    io = sorted(name for name in external_imports(module) if within(name, *IO_MODULES))
    assert not io, f"{module} imports I/O: {io}"


def test_nothing_outside_the_emulator_imports_it() -> None:
    outside = [m for m in MODULES if not within(m, "openapi_client.testing")]
    broken = {m: sorted(t for t in imports(m) if within(t, "openapi_client.testing")) for m in outside}
    assert not any(broken.values()), broken


def test_no_model_is_defined_before_the_first_call() -> None:
    """Outside models/ and testing/, modules import models only lazily or for type checkers
    (models.enums holds plain strings and is free)."""
    free = ("openapi_client.models.enums",)
    # Helpers built on models; they are themselves imported only when used.
    model_helpers = ("openapi_client.api_key_kinds", "openapi_client.error_bodies", "openapi_client.workflows")
    eager_models = ("openapi_client.models", *model_helpers)
    outside = [m for m in MODULES if not within(m, "openapi_client.models", "openapi_client.testing", *model_helpers)]
    broken = {
        m: sorted(
            t for t in imports(m, eager_only=True)
            if within(t, *eager_models) and t != "openapi_client.models" and not within(t, *free)
        )
        for m in outside
    }
    assert not any(broken.values()), broken


def test_the_rules_see_imports() -> None:
    """A guard against a rule that passes because the reader finds nothing."""
    assert "openapi_client.models._base" in imports("openapi_client.models.iam_v2_api_key")
    assert "openapi_client._descriptions" in imports("openapi_client.api.iam_api_keys_api")
    assert "openapi_client.models._base" in imports("openapi_client.api_client")
    assert "openapi_client.models._base" not in imports("openapi_client.api_client", eager_only=True)
    assert "openapi_client.configuration" in imports("openapi_client.call")
    assert "openapi_client.configuration" not in imports("openapi_client.call", eager_only=True)
    assert "urllib3.connectionpool" in external_imports("openapi_client.rest")
    assert "aiohttp" in external_imports("openapi_client.aio.rest")
