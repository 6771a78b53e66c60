"""The Markdown writer of tools/generate.py: the generated regions of the docs pages, the README
and the async guide (parameter, status and auth tables, method lists), between
``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->``."""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence, Tuple

from generate_facts import (
    ANSWER_CLASSES,
    Arg,
    _args,
    _doc_facts,
    _returns,
    paging_options,
)

from openapi_client._descriptions import API_DESCRIPTIONS, HEADER_DOCS, SCHEME_DOCS
from openapi_client._operation_types import ApiDescription, Operation, Param
from openapi_client.exceptions import exception_for_status
from openapi_client.pagination import iter_pages

# -- Markdown: the generated regions of the docs pages -------------------------------------------

_REGION = re.compile(
    r"(<!-- generated: (?P<name>[\w.]+) -->\n)(?P<body>.*?)(<!-- end generated: (?P=name) -->)", re.DOTALL
)


def _model_link(name: Optional[str]) -> str:
    if name in ANSWER_CLASSES:  # an answer's narrowing of a seed model: described on Typing.md
        return f"[**{name}**](Typing.md#answers)"
    return f"[**{name}**]({name}.md)" if name else "`None`"


def _param_notes(param: Param, *, in_path: bool) -> str:
    notes = [] if in_path else ["[optional]"]
    if param.default is not None:
        notes.append(f"[default to {param.default}]")
    if param.min_length is not None and param.max_length is not None:
        notes.append(f"{param.min_length} to {param.max_length} characters")
    elif param.max_length is not None:
        notes.append(f"at most {param.max_length} characters")
    if param.minimum is not None and param.maximum is not None:
        notes.append(f"{param.minimum} to {param.maximum}")
    if param.wire_name != param.name:
        notes.append(f"sent as `{param.wire_name}`")
    if param.note:
        notes.append(param.note)
    if in_path:
        notes.append("percent-encoded into the path")
    return "; ".join(notes).replace("]; ", "] ")


_TABLE_HEAD = ["Name | Type | Description  | Notes", "------------- | ------------- | ------------- | -------------"]


def _param_row(param: Param, *, in_path: bool) -> str:
    doc = param.doc.format(**_doc_facts())
    return f" **{param.name}** | **{param.type.__name__}** | {doc} | {_param_notes(param, in_path=in_path)}"


def _parameters(op: Operation) -> List[str]:
    rows = [_param_row(p, in_path=True) for p in op.path_params]
    if op.body is not None:
        notes = "[optional] an empty object when left out" if op.body.optional else ""
        rows.append(f" **{op.body.name}** | {_model_link(op.body.model_name)} | {op.body.doc} | {notes}".rstrip())
    rows += [_param_row(p, in_path=False) for p in op.query_params]
    return ["### Parameters", "", *_TABLE_HEAD, *rows]


def _authorization(op: Operation) -> List[str]:
    lines = ["### Authorization", "", "Any one of:", ""]
    lines += [f" - `{scheme}`: {SCHEME_DOCS[scheme]}" for scheme in op.auth]
    return lines


def _operation_reference(op: Operation) -> List[str]:
    returns = _model_link(op.success.model_name)
    if op.returns_doc:
        returns += f", {op.returns_doc}."
    content_type = "application/json" if op.body is not None else "not set (no body)"
    return [
        *_parameters(op),
        "",
        "### Return type",
        "",
        returns,
        "",
        *_authorization(op),
        "",
        "### HTTP request headers",
        "",
        f" - **Content-Type**: {content_type}",
        " - **Accept**: application/json",
    ]


def _responses(op: Operation) -> List[str]:
    lines = [
        "### HTTP response details",
        "",
        "| Status code | Description | Response headers |",
        "|-------------|-------------|------------------|",
    ]
    for response in op.outcomes:
        text = response.doc
        if not response.status.startswith("2"):
            text += f" Raises `{exception_for_status(int(response.status)).__name__}`."
        headers = " ".join(f"* {h} - {HEADER_DOCS[h]} <br>" for h in response.headers)
        lines.append(f"**{response.status}** | {text} | {headers}")
    return lines


def _call_form(name: str, args: Sequence[Arg], *, returns: str, extra: Sequence[str] = ()) -> str:
    shown = [a.name if a.required else f"{a.name}=None" for a in args] + list(extra) + ["**options"]
    prefix = f"{returns} " if returns != "None" else ""
    return f"> {prefix}{name}({', '.join(shown)})"


_PAGE_ERRORS = (
    "Errors (an `ApiException`, `ApiConnectionError`, ...) are raised by the iteration step that fetches the "
    "failing page. A `next` link without a `page_token`, or the same token twice, raises `ApiResponseError` "
    "instead of looping."
)


def _doc_regions(api: ApiDescription) -> Dict[str, List[str]]:
    """Region name -> its lines, for one API class's page."""
    regions: Dict[str, List[str]] = {"methods": _methods_table(api, page="")}
    for op in api.operations:
        regions[f"{op.name}.signature"] = [_call_form(op.name, _args(op), returns=_returns(op))]
        regions[f"{op.name}.reference"] = _operation_reference(op)
        regions[f"{op.name}.responses"] = _responses(op)
        if op.pagination is not None:
            paging = op.pagination
            args = [*_args(op, leave_out=[paging.token_param]), *paging_options(iter_pages)]
            item, page = paging.item_model_name, _returns(op)
            regions[f"{paging.items_method}.signature"] = [
                _call_form(paging.items_method, args, returns=f"Iterator[{item}]")
            ]
            regions[f"{paging.items_method}.reference"] = [
                "### Return type",
                "",
                f"`Iterator[`{_model_link(item)}`]`. {_PAGE_ERRORS}",
            ]
            regions[f"{paging.pages_method}.signature"] = [
                _call_form(paging.pages_method, args, returns=f"Iterator[{page}]")
            ]
            regions[f"{paging.pages_method}.reference"] = ["### Return type", "", f"`Iterator[`{_model_link(page)}`]`"]
        if op.waiter is not None:
            waiter = op.waiter
            keys = [Arg(p.name, p.type.__name__, True) for p in op.path_params]
            regions[f"{waiter.method}.signature"] = [
                _call_form(
                    waiter.method,
                    keys,
                    returns=_returns(op),
                    extra=[f"timeout={waiter.timeout!r}", f"poll_interval={waiter.poll_interval!r}"],
                )
            ]
            rows = [
                f" **{p.name}** | **{p.type.__name__}** | As for [`{op.name}`](#{op.name}). | "
                f"{p.min_length} to {p.max_length} characters"
                for p in op.path_params
            ]
            rows += [
                f" **timeout** | **float** | Seconds to wait at most. | [default to {waiter.timeout!r}] 0 or more",
                f" **poll_interval** | **float** | Seconds between two reads. | "
                f"[default to {waiter.poll_interval!r}] more than 0",
            ]
            returns = _model_link(op.success.model_name) + (f", {waiter.returns_doc}" if waiter.returns_doc else "")
            regions[f"{waiter.method}.reference"] = [
                "### Parameters",
                "",
                *_TABLE_HEAD,
                *rows,
                "",
                "### Return type",
                "",
                returns,
            ]
    return regions


def _helper_rows(op: Operation) -> List[Tuple[str, str, str]]:
    """(method, HTTP request, summary) of an operation and its helpers, for method tables."""
    rows = [(op.name, f"**{op.method}** {op.path}", op.summary)]
    if op.pagination is not None:
        p = op.pagination
        rows.append((p.items_method, f"**{op.method}** {op.path}, page after page", f"Every {p.noun}, fetched lazily"))
        rows.append((p.pages_method, f"**{op.method}** {op.path}, page after page", "Every page, fetched lazily"))
    if op.waiter is not None:
        gone = op.waiter.until_gone
        polled = f"**GET** {op.path}, polled until gone" if gone else f"**{op.method}** {op.path}, polled"
        rows.append((op.waiter.method, polled, op.waiter.summary))
    return rows


def _table_rows(api: ApiDescription) -> List[Tuple[str, str, str]]:
    ops = sorted(api.operations, key=lambda o: o.name)
    main = [(op.name, f"**{op.method}** {op.path}", op.summary) for op in ops]
    helpers = [row for op in ops for row in _helper_rows(op)[1:]]
    return main + sorted(helpers)


def _methods_table(api: ApiDescription, page: str) -> List[str]:
    lines = ["Method | HTTP request | Description", "------------- | ------------- | -------------"]
    for name, request, summary in _table_rows(api):
        lines.append(f"[**{name}**]({page}{api.class_name}.md#{name}) | {request} | {summary}")
    return lines


def _readme_regions() -> Dict[str, List[str]]:
    from openapi_client import models

    lines = ["Class | Method | HTTP request | Description", " | ".join(["------------", *["-------------"] * 3])]
    for api in API_DESCRIPTIONS:
        for name, request, summary in _table_rows(api):
            lines.append(f"*{api.class_name}* | [**{name}**](docs/{api.class_name}.md#{name}) | {request} | {summary}")
    return {"endpoints": lines, "models": [f"- [{name}](docs/{name}.md)" for name in sorted(models.__all__)]}


def _async_regions() -> Dict[str, List[str]]:
    """docs/Async.md: how each method of the async classes is called (parameters and
    answers are those of the sync class's page, linked)."""
    lines = ["Class | Method | Called as | Returns", " | ".join(["------------", *["-------------"] * 3])]

    def row(api: ApiDescription, method: str, call: str, returns: str) -> None:
        link = f"[**{method}**]({api.class_name}.md#{method})"
        lines.append(f"*{api.class_name}* | {link} | `{call}` | {returns}")

    def shown(args: Sequence[Arg]) -> str:
        return ", ".join(a.name if a.required else f"{a.name}=None" for a in args)

    for api in API_DESCRIPTIONS:
        for op in sorted(api.operations, key=lambda o: o.name):
            args, model = shown(_args(op)), op.success.model_name
            row(api, op.name, f"await api.{op.name}({args})", _model_link(model))
            row(api, op.name, f"await api.{op.name}_with_http_info({args})", f"`ApiResponse[{model}]`")
            row(api, op.name, f"await api.{op.name}_without_preload_content({args})", "`aio.RESTResponse`")
            if op.pagination is not None:
                paging = op.pagination
                kept = shown([*_args(op, leave_out=[paging.token_param]), *paging_options(iter_pages)])
                for method, each in ((paging.items_method, paging.item_model_name), (paging.pages_method, model)):
                    row(api, method, f"async for x in api.{method}({kept})", f"{_model_link(each)} each")
            if op.waiter is not None:
                waiter = op.waiter
                keys = ", ".join(p.name for p in op.path_params)
                timing = f"timeout={waiter.timeout!r}, poll_interval={waiter.poll_interval!r}"
                row(api, waiter.method, f"await api.{waiter.method}({keys}, {timing})", _model_link(model))
    return {"aio.methods": lines}


def fill_regions(text: str, regions: Dict[str, List[str]], where: str) -> str:
    """``text`` with each generated region's body replaced; every region must be present once."""
    seen: List[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in regions:
            raise SystemExit(f"{where}: region {name!r} names nothing generated")
        seen.append(name)
        return match.group(1) + "\n".join(regions[name]) + "\n" + match.group(4)

    filled = _REGION.sub(replace, text)
    missing = sorted(set(regions) - set(seen))
    if missing:
        raise SystemExit(f"{where}: no generated region for {', '.join(missing)}")
    return filled
