"""The import rules of ARCHITECTURE.md ("Layers"), read from the source with ``ast``.

The layer table is the rule. ``LAYERS`` below is the same table as data: each layer's
"May import" cell word for word (``test_the_document_states_these_rules`` fails when the two
differ, so neither can change alone) and the grants that cell states. Each module of the
package belongs to exactly one layer, by the paths of the table's "Modules" column; each import
statement of a module is classified as it runs (``EAGER``: when the module loads, ``FUNCTION``:
in a function body, ``TYPE``: under ``if TYPE_CHECKING:``) and must fall in its own layer or
in a grant of its layer's row.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Iterator, List, Optional, Set, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "openapi_client"
DOCUMENT = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: Dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}

EAGER, FUNCTION, TYPE = "eager", "inside functions", "for type checkers"
ANY: FrozenSet[str] = frozenset({EAGER, FUNCTION, TYPE})
LAZY: FrozenSet[str] = frozenset({FUNCTION, TYPE})
TYPES_ONLY: FrozenSet[str] = frozenset({TYPE})


@dataclass(frozen=True)
class Import:
    target: str  # an openapi_client module
    how: str  # EAGER, FUNCTION or TYPE
    function: Optional[str]  # the qualified name of the function, method or class it is in
    line: int


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
        submodules = [f"{module}.{alias.name}" for alias in node.names if f"{module}.{alias.name}" in MODULES]
        # "from openapi_client import rest" imports the submodule; the package itself only
        # when a name of its own is imported too (e.g. __version__)
        if len(submodules) < len(node.names):
            yield module
        yield from submodules


def sdk_imports(module: str) -> List[Import]:
    """Every import of an openapi_client module in ``module``, with how and where it runs."""
    found: List[Import] = []

    def visit(node: ast.AST, how: str, function: Optional[str]) -> None:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                for statement in child.body:  # type: ignore[attr-defined]
                    visit_one(statement, TYPE, function)
                for statement in child.orelse:  # type: ignore[attr-defined]
                    visit_one(statement, how, function)
            else:
                visit_one(child, how, function)

    def visit_one(node: ast.AST, how: str, function: Optional[str]) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            name = getattr(node, "name", "<lambda>")
            scope = f"{function}.{name}" if function else name
            runs = how if isinstance(node, ast.ClassDef) or how == TYPE else FUNCTION
            visit(node, runs, scope)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.extend(
                Import(t, how, function, node.lineno) for t in _targets(node, module) if within(t, "openapi_client")
            )
        visit(node, how, function)

    visit(ast.parse(MODULES[module].read_text(encoding="utf-8")), EAGER, None)
    return found


def imports(module: str, *, eager_only: bool = False) -> Set[str]:
    """The openapi_client modules ``module`` imports (all, or only those run at import time)."""
    return {i.target for i in sdk_imports(module) if i.how == EAGER or not eager_only}


def within(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


# -- the table as data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """Imports of ``targets`` (layer names, or module names with their submodules; the bare
    package ``openapi_client`` means itself only), run as ``how`` allows, from the layer's
    modules within ``sources`` (all if empty), in the functions ``functions`` (qualified names; any if empty)."""

    targets: Tuple[str, ...]
    how: FrozenSet[str] = ANY
    sources: Tuple[str, ...] = ()
    functions: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Layer:
    cell: str  # the row's "May import" cell, as ARCHITECTURE.md states it
    grants: Tuple[Grant, ...]


ORDER = [
    "Foundation",
    "Request core (no I/O)",
    "Models",
    "Model helpers",
    "Descriptions and helpers",
    "Credentials",
    "Transport",
    "API classes (generated)",
    "Entry points",
    "Workflows",
    "Emulator",
]
MODELS = "Models"


def below(layer: str) -> Tuple[str, ...]:
    return tuple(ORDER[: ORDER.index(layer)])


EMULATOR_USES = ("openapi_client.configuration", "openapi_client.api_client", "openapi_client.credentials")

LAYERS: Dict[str, Layer] = {
    "Foundation": Layer(
        "nothing else, but: `exceptions` the models and `error_bodies` inside functions or for type checkers only "
        "(the `Failure` body, a BYOK key's variant); `api_response` the models for type checkers only; "
        "`_redaction` the configuration for type checkers only",
        (
            Grant((MODELS, "openapi_client.error_bodies"), LAZY, sources=("openapi_client.exceptions",)),
            Grant((MODELS,), TYPES_ONLY, sources=("openapi_client.api_response",)),
            Grant(("openapi_client.configuration",), TYPES_ONLY, sources=("openapi_client._redaction",)),
        ),
    ),
    "Request core (no I/O)": Layer(
        "the foundation; the configuration for type checkers only. No socket, TLS, asyncio or aiohttp; of urllib3 "
        "only `parse_url` (with its `LocationParseError`) and the `Timeout` value type",
        (Grant(("Foundation",)), Grant(("openapi_client.configuration",), TYPES_ONLY)),
    ),
    "Models": Layer("nothing else", ()),
    "Model helpers": Layer("the models", (Grant((MODELS,)),)),
    "Descriptions and helpers": Layer(
        "the foundation, `_http_request` (its text checks); the models inside functions or for type checkers only, "
        "except `models.enums`",
        (
            Grant(("Foundation", "openapi_client._http_request", "openapi_client.models.enums")),
            Grant((MODELS,), LAZY),
        ),
    ),
    "Credentials": Layer(
        "the foundation, `_http_request` (the clear-text rule), `retry` (the token requests' policy); the "
        "configuration for type checkers only; `rest` for type checkers, and inside `ConfluentOAuth.renew` only "
        "(a token asked for from blocking code)",
        (
            Grant(("Foundation", "openapi_client._http_request", "openapi_client.retry")),
            Grant(("openapi_client.configuration", "openapi_client.rest"), TYPES_ONLY),
            Grant(
                ("openapi_client.rest",),
                frozenset({FUNCTION}),
                sources=("openapi_client.credentials._oauth",),
                functions=("ConfluentOAuth.renew",),
            ),
        ),
    ),
    "Transport": Layer(
        "the foundation, the request core, credentials, `_operation_types`, the package's `__version__`; the "
        "models inside functions or for type checkers only",
        (
            Grant(
                (
                    "Foundation",
                    "Request core (no I/O)",
                    "Credentials",
                    "openapi_client._operation_types",
                    "openapi_client",
                )
            ),
            Grant((MODELS,), LAZY),
        ),
    ),
    "API classes (generated)": Layer(
        "every layer above in this table; the models for type checkers only",
        (
            Grant(tuple(layer for layer in below("API classes (generated)") if layer != MODELS)),
            Grant((MODELS,), TYPES_ONLY),
        ),
    ),
    "Entry points": Layer(
        "`__init__.py`: every layer above in this table, for type checkers only; `aio/__init__.py`: the async "
        "transport and API classes",
        (
            Grant(below("Entry points"), TYPES_ONLY, sources=("openapi_client",)),
            Grant(
                ("openapi_client.aio.rest", "openapi_client.aio.api_client", "openapi_client.aio.api"),
                sources=("openapi_client.aio",),
            ),
        ),
    ),
    "Workflows": Layer(
        "every layer above in this table, the models and `api_key_kinds` included (the package is imported only "
        "when used; `import openapi_client` does not load it)",
        (Grant(below("Workflows")),),
    ),
    "Emulator": Layer(
        "only `configuration`, `api_client` and `credentials`: for type checkers, inside the convenience "
        "constructors of `FakeConfluentCloud` (`configuration`, `oauth_configuration`, `api_client`), and the "
        "configuration in its command line (`__main__.py`)",
        (
            Grant(EMULATOR_USES, TYPES_ONLY),
            Grant(
                EMULATOR_USES,
                frozenset({FUNCTION}),
                sources=("openapi_client.testing.emulator",),
                functions=tuple(
                    f"FakeConfluentCloud.{name}" for name in ("configuration", "oauth_configuration", "api_client")
                ),
            ),
            Grant(("openapi_client.configuration",), sources=("openapi_client.testing.__main__",)),
        ),
    ),
}

# Of urllib3, what the request core may use (the document's "Request core" row).
CORE_URLLIB3 = {"urllib3.util.parse_url", "urllib3.exceptions.LocationParseError", "urllib3.Timeout"}


# -- the table as the document states it ----------------------------------------------------------


def document_rows() -> Dict[str, Tuple[str, str]]:
    """Layer -> (Modules cell, May import cell) of ARCHITECTURE.md's layer table."""
    section = DOCUMENT.split("## Layers\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.count(" | ") >= 2 and not line.startswith("---")]
    assert lines[0].startswith("Layer | Modules | May import"), lines[0]
    rows: Dict[str, Tuple[str, str]] = {}
    for line in lines[1:]:
        layer, modules, may_import = (cell.strip() for cell in line.split(" | "))
        rows[layer] = (modules, may_import)
    return rows


def layer_paths() -> Dict[str, List[str]]:
    """Layer -> the package paths its "Modules" cell names."""
    return {
        layer: re.findall(r"`(openapi_client/[\w/.]*)`", modules) for layer, (modules, _) in document_rows().items()
    }


def _path_matches(module: str, path: str) -> bool:
    if path.endswith("/"):
        return within(module, path.rstrip("/").replace("/", "."))
    return MODULES.get(module) == ROOT / path


def layer_of(module: str) -> str:
    found = {layer for layer, paths in layer_paths().items() if any(_path_matches(module, p) for p in paths)}
    assert len(found) == 1, f"{module} is in the layers {sorted(found)}: ARCHITECTURE.md must name it in one"
    return found.pop()


def _target_matches(target: str, spec: str) -> bool:
    if spec in LAYERS:
        return target in MODULES and layer_of(target) == spec
    return target == spec if spec == "openapi_client" else within(target, spec)


def _granted(module: str, imported: Import, layer: Layer) -> bool:
    for grant in layer.grants:
        if (
            imported.how in grant.how
            and (not grant.sources or module in grant.sources)
            and (not grant.functions or imported.function in grant.functions)
            and any(_target_matches(imported.target, spec) for spec in grant.targets)
        ):
            return True
    return False


# -- the tests ------------------------------------------------------------------------------------


def test_the_document_states_these_rules() -> None:
    rows = document_rows()
    assert list(rows) == ORDER == list(LAYERS)
    differing = {layer: rows[layer][1] for layer in ORDER if rows[layer][1] != LAYERS[layer].cell}
    assert not differing, f"ARCHITECTURE.md's layer table and test_layers.LAYERS disagree: {differing}"


def test_every_module_is_in_exactly_one_layer() -> None:
    unnamed = [p for paths in layer_paths().values() for p in paths if not (ROOT / p).exists()]
    assert not unnamed, unnamed
    for module in MODULES:
        layer_of(module)


def test_a_layer_above_is_imported_only_lazily() -> None:
    for layer, rules in LAYERS.items():
        for grant in rules.grants:
            for spec in grant.targets:
                assert spec in LAYERS or spec in MODULES, spec
                # Python loads the package root before any of its modules: importing its
                # __version__ loads nothing more (its other names load on first use)
                target_layer = spec if spec in LAYERS else layer_of(spec)
                above = spec != "openapi_client" and ORDER.index(target_layer) > ORDER.index(layer)
                assert not above or grant.how <= LAZY, f"{layer} may import {spec}, above it, eagerly"
            for source in grant.sources:
                assert layer_of(source) == layer, (layer, source)


@pytest.mark.parametrize("layer", ORDER)
def test_layer_imports(layer: str) -> None:
    members = [m for m in MODULES if layer_of(m) == layer]
    assert members, f"no module in {layer}"
    broken = [
        f"{m}:{i.line} imports {i.target} ({i.how}{f', in {i.function}' if i.function else ''})"
        for m in members
        for i in sdk_imports(m)
        if not (i.target in MODULES and layer_of(i.target) == layer) and not _granted(m, i, LAYERS[layer])
    ]
    assert not broken, f"{layer} (may import: {LAYERS[layer].cell}):\n" + "\n".join(broken)


# What a module that does no I/O may not import: sockets, TLS, event loops, HTTP clients.
IO_MODULES = (
    "socket",
    "ssl",
    "asyncio",
    "http",
    "aiohttp",
    "urllib3.connection",
    "urllib3.connectionpool",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.contrib",
)


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


def urllib3_names(module: str) -> Set[str]:
    """What of urllib3 ``module`` uses: names it imports from it, and attributes it reads of an
    imported ``urllib3`` package (``urllib3.Timeout``)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: Set[str] = set()
    aliases: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and within(node.module, "urllib3"):
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if within(alias.name, "urllib3"):
                    aliases.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain: List[str] = []
            value: ast.AST = node
            while isinstance(value, ast.Attribute):
                chain.insert(0, value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in aliases:
                found.add(".".join(["urllib3", *chain]))
    # "urllib3.util.parse_url" read as an attribute chain also names "urllib3.util": keep the leaves
    return {name for name in found if not any(other.startswith(name + ".") for other in found)}


def _members(layer: str) -> List[str]:
    return [m for m in MODULES if layer_of(m) == layer]


@pytest.mark.parametrize("module", _members("Foundation") + _members("Request core (no I/O)"))
def test_the_request_core_does_no_io(module: str) -> None:
    io = sorted(name for name in external_imports(module) if within(name, *IO_MODULES))
    assert not io, f"{module} imports I/O: {io}"


def test_the_request_core_uses_only_the_urllib3_the_document_allows() -> None:
    used = {m: urllib3_names(m) for m in _members("Request core (no I/O)")}
    beyond = {m: sorted(names - CORE_URLLIB3) for m, names in used.items() if names - CORE_URLLIB3}
    assert not beyond, f"the request core uses more of urllib3 than ARCHITECTURE.md allows: {beyond}"
    assert set().union(*used.values()) == CORE_URLLIB3, "a name allowed but unused: narrow the document's row"


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
            t
            for t in imports(m, eager_only=True)
            if within(t, *eager_models) and t != "openapi_client.models" and not within(t, *free)
        )
        for m in outside
    }
    assert not any(broken.values()), broken


def test_the_rules_see_imports() -> None:
    """A guard against a rule that passes because the reader finds nothing."""
    assert "openapi_client.models._base" in imports("openapi_client.models.iam_v2_api_key")
    assert "openapi_client._descriptions" in imports("openapi_client.api.iam_api_keys_api")
    assert "openapi_client.models._base" in imports("openapi_client._decoding")
    assert "openapi_client.models._base" not in imports("openapi_client._decoding", eager_only=True)
    assert "openapi_client.configuration" in imports("openapi_client._call")
    assert "openapi_client.configuration" not in imports("openapi_client._call", eager_only=True)
    assert "urllib3.connectionpool" in external_imports("openapi_client.rest")
    assert "aiohttp" in external_imports("openapi_client.aio.rest")
    renew = [i for i in sdk_imports("openapi_client.credentials._oauth") if i.target == "openapi_client.rest"]
    assert {(i.how, i.function) for i in renew} == {(TYPE, None), (FUNCTION, "ConfluentOAuth.renew")}


def test_the_checker_refuses_what_the_table_does_not_allow() -> None:
    """The grants are not vacuous: an eager import where only a lazy one is allowed, an import in the
    wrong function and an import of a layer above are each refused."""
    credentials = LAYERS["Credentials"]
    oauth = "openapi_client.credentials._oauth"
    assert not _granted(oauth, Import("openapi_client.rest", EAGER, None, 1), credentials)
    assert not _granted(oauth, Import("openapi_client.rest", FUNCTION, "ConfluentOAuth.exchange", 1), credentials)
    assert _granted(oauth, Import("openapi_client.rest", FUNCTION, "ConfluentOAuth.renew", 1), credentials)
    assert not _granted(
        "openapi_client.retry", Import("openapi_client.configuration", EAGER, None, 1), LAYERS["Request core (no I/O)"]
    )
    assert not _granted(
        "openapi_client.exceptions", Import("openapi_client.models.failure", EAGER, None, 1), LAYERS["Foundation"]
    )
    assert not _granted(
        "openapi_client.testing._app", Import("openapi_client.configuration", FUNCTION, "f", 1), LAYERS["Emulator"]
    )
    assert "urllib3.Timeout" in urllib3_names("openapi_client._call")
