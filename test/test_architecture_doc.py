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
        "call.Failure": "openapi_client.call",
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
