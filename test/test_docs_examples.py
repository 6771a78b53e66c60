"""Every ```python block of docs/*.md and README.md runs, and the reference pages cover the SDK.

Each block is executed on its own, in a fresh namespace, as a user would paste it; a block
fails its test if it raises (the blocks assert what they show). Blocks that need a server
start the embedded emulator themselves. A block that is a pytest test module (it defines
``test_`` functions, e.g. using the ``fake_confluent_cloud`` fixture) is run by pytest in a
separate process, the way a user would run it, and must pass: with the SDK's pytest plugin
and none of the other plugins this environment holds (their imports cost seconds; that the
plugin's entry point registers the fixture is test_emulator_cli.py's business).
"""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

import pytest

import openapi_client
from openapi_client import models

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md")) + [p for p in (ROOT / "README.md",) if p.exists()]

_PYTHON_BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_TEST_FUNCTION = re.compile(r"^def test_\w*\(", re.MULTILINE)

PLUGIN = "openapi_client.testing.pytest_plugin"  # what the package's pytest11 entry point names

API_CLASSES = (openapi_client.IamApiKeysApi, openapi_client.ByokKeysApi)


def _relative(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def python_blocks(page: Path) -> List[str]:
    return _PYTHON_BLOCK.findall(page.read_text(encoding="utf-8"))


def _collect() -> List[Tuple[str, int, str]]:
    found = []
    for page in PAGES:
        for index, code in enumerate(python_blocks(page), start=1):
            found.append((_relative(page), index, code))
    return found


BLOCKS = _collect()


@pytest.mark.parametrize(
    ("page", "index", "code"),
    [pytest.param(page, index, code, id=f"{page}#{index}") for page, index, code in BLOCKS],
)
def test_example_block_runs(page: str, index: int, code: str, tmp_path: Path) -> None:
    if _TEST_FUNCTION.search(code):
        module = tmp_path / "test_docs_block.py"
        module.write_text(code, encoding="utf-8")
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", PLUGIN, str(module)],
            cwd=tmp_path,
            env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert " passed" in run.stdout
        return
    namespace = {"__name__": "__docs_example__"}
    exec(compile(code, f"{page} (python block {index})", "exec"), namespace)


def _model_names() -> List[str]:
    return sorted(models.__all__)


def _properties_table(page: Path) -> List[str]:
    text = page.read_text(encoding="utf-8")
    section = text.split("## Properties", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\*\*(\w+)\*\* \|", section, re.MULTILINE)


@pytest.mark.parametrize("name", _model_names())
def test_every_model_has_a_page_listing_each_property(name: str) -> None:
    page = DOCS / f"{name}.md"
    assert page.exists(), f"docs/{name}.md is missing"
    model = getattr(models, name)
    fields = model.model_fields
    if "root" in fields:  # a oneOf wrapper documents its variants, not a field named root
        assert "actual_instance" in page.read_text(encoding="utf-8")
        return
    json_names = sorted(info.alias or field for field, info in fields.items())
    assert sorted(_properties_table(page)) == json_names
    assert python_blocks(page), f"docs/{name}.md has no runnable example"


@pytest.mark.parametrize("api_class", API_CLASSES, ids=lambda c: c.__name__)
def test_every_api_method_is_documented(api_class: type) -> None:
    text = (DOCS / f"{api_class.__name__}.md").read_text(encoding="utf-8")
    methods_table = text.split("\n## ", 1)[0]
    public = [name for name, _ in inspect.getmembers(api_class, inspect.isfunction) if not name.startswith("_")]
    variants = [name for name in public if name.endswith(("_with_http_info", "_without_preload_content"))]
    assert len(variants) == 10
    for name in public:
        if name in variants:
            assert re.search(f"`{name}[`(]", text), f"{name} is not mentioned on {api_class.__name__}.md"
        else:
            assert f"**{name}**" in methods_table, f"{name} is missing from the methods table"


def _operations() -> List[Tuple[str, str, dict]]:
    document = json.loads((Path(openapi_client.__file__).parent / "openapi.json").read_text(encoding="utf-8"))
    found = []
    for path, item in document["paths"].items():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                page = "IamApiKeysApi.md" if path.startswith("/iam/") else "ByokKeysApi.md"
                python_name = re.sub(r"(?<!^)(?=[A-Z])", "_", operation["operationId"]).lower()
                found.append((page, python_name, operation))
    return found


def _section(page: str, method_name: str) -> str:
    text = (DOCS / page).read_text(encoding="utf-8")
    start = text.index(f"\n# **{method_name}**\n")
    end = text.find("\n# **", start + 1)
    return text[start : end if end != -1 else len(text)]


@pytest.mark.parametrize(("page", "method_name", "operation"), [pytest.param(*o, id=o[1]) for o in _operations()])
def test_operation_section_matches_the_api_document(page: str, method_name: str, operation: dict) -> None:
    section = _section(page, method_name)
    rows = dict(re.findall(r"^\*\*(\d{3})\*\* \|(.*)$", section, re.MULTILINE))
    assert sorted(rows) == sorted(operation["responses"]), "the status table differs from the API document"
    for status, response in operation["responses"].items():
        for header in response.get("headers") or {}:
            assert header in rows[status], f"{status} row lacks the {header} header"
    parameters_table = section.split("### Parameters", 1)[1].split("###", 1)[0] if "### Parameters" in section else ""
    for parameter in operation.get("parameters", []):
        python_name = parameter["name"].replace(".", "_")
        assert f"**{python_name}**" in parameters_table, f"parameter {python_name} is not documented"
    if "requestBody" in operation:
        body_row = re.search(r"^ \*\*\w+\*\* \| \[\*\*\w+\*\*\]", parameters_table, re.MULTILINE)
        assert body_row, "the request body is not documented"


def test_pages_link_only_to_pages_that_exist() -> None:
    for page in PAGES:
        for target in re.findall(r"\]\(([^)#:\s]+\.md)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).resolve().exists(), f"{_relative(page)} links to missing {target}"
