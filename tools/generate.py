"""Write the API classes and the operation parts of their docs from openapi_client/_descriptions.py.

    python tools/generate.py           write every output that changed (./dev generate)
    python tools/generate.py --check   list stale outputs and exit 1 if there are any

The Python writer is tools/generate_python.py, the Markdown writer tools/generate_markdown.py,
what both read from a description tools/generate_facts.py. Outputs (see OUTPUTS at the end):
* ``openapi_client/api/<module>.py``: one API class per :class:`ApiDescription`, with the
  method / ``_with_http_info`` / ``_without_preload_content`` trio per operation and the
  operation's helpers (``iter_*``, ``iter_*_pages``, ``wait_for_*``).
* ``openapi_client/aio/api/<module>.py``: the same class as coroutines, from the same
  template with the async flavour.
* ``docs/<ClassName>.md``, ``README.md`` (the endpoint and model lists) and ``docs/Async.md``
  (the async methods as they are called): only the regions
  between ``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->``; the prose and
  examples around them are written by hand.

The templates hold no per-operation logic: everything an operation does differently is in
its description, and behaviour shared by several (paging, polling) is in the runtime
modules the generated code calls (``pagination``, ``waiters``, ``readiness``).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the writers beside this file

from generate_facts import ROOT, paging_options
from generate_markdown import _async_regions, _doc_regions, _readme_regions, fill_regions
from generate_python import ASYNC, SYNC, Flavor, render_api_module

from openapi_client._descriptions import API_DESCRIPTIONS
from openapi_client._operation_types import ApiDescription

__all__ = [
    "API_DESCRIPTIONS",
    "ASYNC",
    "SYNC",
    "fill_regions",
    "generated",
    "paging_options",
    "render_api_module",
    "stale",
    "_doc_regions",
]


# -- outputs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """One kind of generated file: where it goes and how it is written from one API description."""

    path: str  # relative to the repository, may use {module} and {class_name}
    render: Callable[[ApiDescription, str], str]  # (description, current text) -> new text


def _python(flavor: Flavor) -> Callable[[ApiDescription, str], str]:
    return lambda api, _current: render_api_module(api, flavor)


def _docs_page(api: ApiDescription, current: str) -> str:
    return fill_regions(current, _doc_regions(api), f"docs/{api.class_name}.md")


OUTPUTS: Tuple[Output, ...] = (
    Output("openapi_client/api/{module}.py", _python(SYNC)),
    Output("openapi_client/aio/api/{module}.py", _python(ASYNC)),
    Output("docs/{class_name}.md", _docs_page),
)


def generated() -> Dict[Path, str]:
    """Every generated file's path and the text it should have now."""
    files: Dict[Path, str] = {}
    for output in OUTPUTS:
        for api in API_DESCRIPTIONS:
            path = ROOT / output.path.format(module=api.module, class_name=api.class_name)
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            files[path] = output.render(api, current)
    readme = ROOT / "README.md"
    files[readme] = fill_regions(readme.read_text(encoding="utf-8"), _readme_regions(), "README.md")
    guide = ROOT / "docs" / "Async.md"
    files[guide] = fill_regions(guide.read_text(encoding="utf-8"), _async_regions(), "docs/Async.md")
    dicts = _request_dicts()
    files[dicts.OUTPUT] = dicts.render()
    return files


def _request_dicts() -> Any:
    """tools/request_dicts.py, the generator of the request bodies' TypedDicts (from openapi.json)."""
    spec = importlib.util.spec_from_file_location("request_dicts", Path(__file__).with_name("request_dicts.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stale() -> List[Path]:
    """The generated files whose content differs from what the descriptions give."""
    return [path for path, text in generated().items() if not path.exists() or path.read_text(encoding="utf-8") != text]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale outputs (exit 1 if any)")
    options = parser.parse_args(argv)
    if options.check:
        paths = stale()
        for path in paths:
            print(f"stale: {path.relative_to(ROOT)}")
        return 1 if paths else 0
    for path, text in generated().items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
