"""ARCHITECTURE.md stays true: every module or file path it names exists, and so does each
function or class it names in a dotted ``module.name`` form for the SDK's own modules."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")


def test_every_path_named_exists() -> None:
    paths = set(re.findall(r"`((?:openapi_client|tools|test|docs|benchmarks)/[\w/.*<>]*)`", TEXT))
    assert len(paths) > 15, sorted(paths)
    missing = []
    for path in sorted(paths):
        if "<" in path or "*" in path:  # a pattern: its directory must exist
            path = path.split("<")[0].split("*")[0]
        if not (ROOT / path).exists():
            missing.append(path)
    assert not missing, f"ARCHITECTURE.md names paths that do not exist: {missing}"


def test_named_functions_exist() -> None:
    import importlib

    names = {
        "_operation_types.check_options": "openapi_client._operation_types",
        "exceptions.exception_for_status": "openapi_client.exceptions",
        "pagination.iter_pages": "openapi_client.pagination",
        "waiters.wait_until": "openapi_client.waiters",
        "retry.ApiRetry": "openapi_client.retry",
        "rate_limit.RateLimitGate": "openapi_client.rate_limit",
        "rest.RESTClientObject": "openapi_client.rest",
        "rest.RESTResponse": "openapi_client.rest",
        "call.CallPlan": "openapi_client.call",
        "call.CallFactory": "openapi_client.call",
        "call.SendFailure": "openapi_client.call",
        "response_body.BodyDecoder": "openapi_client.response_body",
        "_redaction.Redactor": "openapi_client._redaction",
        "api_client.BaseApiClient": "openapi_client.api_client",
        "byok_v1_key_key.VARIANTS": "openapi_client.models.byok_v1_key_key",
        "credentials.CredentialProvider": "openapi_client.credentials",
        "credentials.select_provider": "openapi_client.credentials",
    }
    for dotted, module in names.items():
        assert f"`{dotted}" in TEXT, f"{dotted} is no longer named; update this test"
        assert hasattr(importlib.import_module(module), dotted.rsplit(".", 1)[1]), dotted


def test_the_readme_layout_names_every_top_level_module_once() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"^`(openapi_client/[\w.]+/?)`", layout, flags=re.MULTILINE)
    package = ROOT / "openapi_client"
    modules = sorted(
        f"openapi_client/{p.name}/" if p.is_dir() else f"openapi_client/{p.name}"
        for p in package.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix in (".py", ".json")
    )
    assert sorted(named) == modules, set(named) ^ set(modules)


COMPATIBILITY = {
    "openapi_client/api_client.py": {
        "get_default",
        "set_default",
        "param_serialize",
        "call_api",
        "response_deserialize",
    },
    "openapi_client/aio/api_client.py": {"call_api", "response_deserialize"},
}


def test_the_compatibility_methods_are_in_their_labelled_blocks() -> None:
    """Each generated-client method is defined between a ``# -- generated-client compatibility``
    header and the next ``# --`` header, as the document says."""
    assert "# -- generated-client compatibility" in TEXT
    for path, names in COMPATIBILITY.items():
        block = None
        placed = {}
        for line in (ROOT / path).read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith("# -- "):
                block = stripped
            found = re.match(r"(?:async )?def (\w+)\(", stripped)
            if found and found.group(1) in names:
                placed[found.group(1)] = block or ""
        assert set(placed) == names, f"{path}: {names - set(placed)} not defined"
        outside = {n: b for n, b in placed.items() if not b.startswith("# -- generated-client compatibility")}
        assert not outside, f"{path}: compatibility methods outside their block: {outside}"
