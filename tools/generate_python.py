"""The Python writer of tools/generate.py: each API class, sync and async, from one template
with two flavours, its methods' docstrings built from the descriptions (what ``help()`` shows)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import List, Sequence, Tuple, Union

from generate_facts import (
    ANSWER_CLASSES,
    INDENT,
    LINE_LENGTH,
    SOURCE,
    Arg,
    _args,
    _doc_facts,
    _returns,
    _sentence,
    paging_options,
)

from openapi_client import readiness
from openapi_client._descriptions import API_DESCRIPTIONS
from openapi_client._operation_types import ApiDescription, Operation, Param, RequestOptions, Waiter
from openapi_client.exceptions import ForbiddenException, NotFoundException, exception_for_status
from openapi_client.pagination import iter_pages

# -- Python: one template, two flavours ----------------------------------------------------------


@dataclass(frozen=True)
class Flavor:
    """What differs between the sync and the async API classes: keywords and helper names."""

    package: str  # where the API modules live
    client_module: str  # the module of the ApiClient the class uses
    define: str  # "def" or "async def"
    wait: str  # "" or "await "
    iterator: str  # the return type of iter_* helpers
    iter_pages: str
    iter_items: str
    wait_until: str
    poller: str  # the Readiness method turning a read into a poll
    helpers_module: str  # where iter_pages / iter_items live
    waiters_module: str  # where wait_until lives
    rest_module: str  # where the raw response class (RESTResponse) lives
    class_note: Tuple[str, ...]  # docstring lines after the class summary


SYNC = Flavor(
    package="openapi_client.api",
    client_module="openapi_client.api._base",
    define="def",
    wait="",
    iterator="Iterator",
    iter_pages="iter_pages",
    iter_items="iter_items",
    wait_until="wait_until",
    poller="poller",
    helpers_module="openapi_client.pagination",
    waiters_module="openapi_client.waiters",
    rest_module="openapi_client.rest",
    class_note=(),
)

ASYNC = Flavor(
    package="openapi_client.aio.api",
    client_module="openapi_client.aio.api._base",
    define="async def",
    wait="await ",
    iterator="AsyncIterator",
    iter_pages="aiter_pages",
    iter_items="aiter_items",
    wait_until="wait_until",
    poller="async_poller",
    helpers_module="openapi_client.aio.pagination",
    waiters_module="openapi_client.aio.waiters",
    rest_module="openapi_client.aio.rest",
    class_note=(
        "",
        "    The asyncio twin of the sync class of the same name: the same methods and arguments,",
        "    awaited; ``iter_*`` return async iterators (``async for``).",
    ),
)


def _signature(flavor: Flavor, name: str, args: Sequence[str], returns: str, *, define: str = "") -> List[str]:
    """A method's ``def`` line(s): on one line when it fits, else one argument per line."""
    define = define or flavor.define
    params = ["self", *args, "**options: Unpack[RequestOptions]"]
    one_line = f"{INDENT}{define} {name}({', '.join(params)}) -> {returns}:"
    if len(one_line) <= LINE_LENGTH:
        return [one_line]
    return [f"{INDENT}{define} {name}(", *(f"{INDENT * 2}{p}," for p in params), f"{INDENT}) -> {returns}:"]


def _call(head: str, args: Sequence[str], indent: str, suffix: str = "") -> List[str]:
    """``head(args)suffix`` on one line when it fits, else wrapped with one argument per line."""
    one_line = f"{indent}{head}({', '.join(args)}){suffix}"
    if len(one_line) <= LINE_LENGTH:
        return [one_line]
    return [f"{indent}{head}(", *(f"{indent}{INDENT}{a}," for a in args), f"{indent}){suffix}"]


def _nested(
    outer: str, inner: str, inner_args: Sequence[str], indent: str, outer_args: Sequence[str] = ()
) -> List[str]:
    """``outer(inner(inner_args), *outer_args)``: on one line, or the inner call on its own line(s)."""
    flat = ", ".join([f"{inner}({', '.join(inner_args)})", *outer_args])
    if len(f"{indent}{outer}({flat})") <= LINE_LENGTH:
        return [f"{indent}{outer}({flat})"]
    inner_lines = _call(inner, inner_args, indent + INDENT)
    if outer_args:
        inner_lines[-1] += ","
    return [f"{indent}{outer}(", *inner_lines, *(f"{indent}{INDENT}{a}," for a in outer_args), f"{indent})"]


def _mapping(name: str, keys: Sequence[str], indent: str) -> List[str]:
    """``name={"k": k, ...}``, one entry per line when long; an argument of a wrapped call."""
    flat = f"{name}={{{', '.join(f'{chr(34)}{k}{chr(34)}: {k}' for k in keys)}}},"
    if len(indent + flat) <= LINE_LENGTH:
        return [indent + flat]
    return [f"{indent}{name}={{", *(f'{indent}{INDENT}"{k}": {k},' for k in keys), f"{indent}}},"]


def _docstring(lines: Sequence[str]) -> List[str]:
    text = [line for line in lines if line is not None]
    if len(text) == 1:
        return [f'{INDENT * 2}"""{text[0]}"""']
    body = [f"{INDENT * 2}{line}" if line else "" for line in text[1:]]
    return [f'{INDENT * 2}"""{text[0]}', "", *body, f'{INDENT * 2}"""']


# -- docstrings: what help() shows for each generated method --------------------------------------
#
# Google-style sections (Args, Returns, Raises) built from the same description the docs pages
# are: each parameter with its type and limits, the answer, and the exception of every documented
# error status, then what any call may raise before or instead of an answer.

_DOC_WIDTH = LINE_LENGTH - len(INDENT * 2)

_OPTIONS_DOC = (
    "Per-call options ("
    + ", ".join(f"``{name}``" for name in RequestOptions.__annotations__)
    + "), see :class:`~openapi_client.RequestOptions`."
)

_CLIENT_ERRORS = (
    ("ApiTypeError", "An argument or option of the wrong type, named in the message; nothing is sent."),
    ("ApiValueError", "An argument outside its limits, or a required body field unset; nothing is sent."),
    ("InsecureTransportError", "The credentials would travel in clear text to another machine; nothing is sent."),
    ("TokenExchangeError", "OAuth credentials: no Confluent access token could be had."),
    ("ApiTimeoutError", "No answer within the timeouts or the call's deadline (``total_timeout``)."),
    ("ApiConnectionError", "The service could not be reached, or the connection broke."),
)
_RESPONSE_ERROR = ("ApiResponseError", "The answer cannot be used: not JSON, truncated, too large or malformed.")
_OTHER_STATUS = ("ApiException", "Any other error status, as the subclass for that status.")


def _entry(name: str, text: str) -> List[str]:
    """``name: text`` wrapped to the docstring's width, continuation lines indented."""
    return textwrap.wrap(
        f"{name}: {text}",
        width=_DOC_WIDTH,
        initial_indent=INDENT,
        subsequent_indent=INDENT * 2,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _prose(text: str) -> List[str]:
    return textwrap.wrap(text, width=_DOC_WIDTH, break_long_words=False, break_on_hyphens=False)


def _limits(param: Param, *, in_path: bool) -> List[str]:
    """The facts a caller must respect or may want to know about one parameter."""
    facts: List[str] = []
    if param.min_length is not None and param.max_length is not None:
        facts.append(f"{param.min_length} to {param.max_length} characters")
    elif param.max_length is not None:
        facts.append(f"at most {param.max_length} characters")
    if param.minimum is not None and param.maximum is not None:
        facts.append(f"{param.minimum} to {param.maximum}")
    elif param.minimum is not None:
        facts.append(f"at least {param.minimum}")
    elif param.maximum is not None:
        facts.append(f"at most {param.maximum}")
    if param.default is not None:
        facts.append(f"the service uses {param.default} when left out")
    if param.wire_name != param.name:
        facts.append(f"sent as ``{param.wire_name}``")
    if param.note:
        facts.append(param.note)
    if in_path:
        facts.append("percent-encoded into the path")
    return facts


def _param_entry(param: Param, *, in_path: bool) -> List[str]:
    kind = param.type.__name__ if in_path else f"{param.type.__name__}, optional"
    text = _sentence(param.doc.format(**_doc_facts()))
    limits = _limits(param, in_path=in_path)
    if limits:
        text += " " + _sentence("; ".join(limits)[0].upper() + "; ".join(limits)[1:])
    return _entry(f"{param.name} ({kind})", text)


def _args_section(op: Operation, *, leave_out: Sequence[str] = (), extra: Sequence[List[str]] = ()) -> List[str]:
    lines = ["Args:"]
    lines += [line for p in op.path_params if p.name not in leave_out for line in _param_entry(p, in_path=True)]
    if op.body is not None:
        body = op.body
        kind = f"{body.model_name} or {body.model_name}Dict" + (", optional" if body.optional else "")
        text = body.doc + (" Left out, an empty object is sent." if body.optional else "")
        lines += _entry(f"{body.name} ({kind})", text)
    lines += [line for p in op.query_params if p.name not in leave_out for line in _param_entry(p, in_path=False)]
    for entry in extra:
        lines += entry
    lines += _entry("**options", _OPTIONS_DOC)
    return lines


def _status_errors(op: Operation, *, leave_out: Sequence[type] = ()) -> List[Tuple[str, str]]:
    """(exception class, text) for each documented error status of ``op``."""
    errors = []
    for response in op.outcomes:
        if response.status.startswith("2"):
            continue
        error = exception_for_status(int(response.status))
        if not issubclass(error, tuple(leave_out)):
            errors.append((error.__name__, f"({response.status}) {response.doc}"))
    return errors


def _raises_section(errors: Sequence[Tuple[str, str]]) -> List[str]:
    return ["Raises:", *(line for name, text in errors for line in _entry(name, text))]


def _returns_section(kind: str, text: str) -> List[str]:
    return ["Returns:", *_entry(kind, text)]


def _answer_text(op: Operation) -> str:
    text = op.success.doc
    if op.returns_doc:
        text += f" The answer is {op.returns_doc}."
    return text


def _operation_docstrings(op: Operation) -> Tuple[List[str], List[str], List[str]]:
    """The docstrings of an operation's three forms (decoded, with http info, raw)."""
    args = _args_section(op)
    answered = [*_status_errors(op), _OTHER_STATUS, _RESPONSE_ERROR, *_CLIENT_ERRORS]
    model = _returns(op)
    plain = [
        _sentence(op.summary),
        *([*_prose(op.description), ""] if op.description else []),
        *args,
        "",
        *_returns_section(model, _answer_text(op)),
        "",
        *_raises_section(answered),
    ]
    with_info = [
        f":meth:`{op.name}` with the response's status and headers.",
        *args,
        "",
        *_returns_section(
            f"ApiResponse[{model}]",
            f"``status_code``, ``headers``, ``raw_data`` and ``data``: {_answer_text(op)}",
        ),
        "",
        *_raises_section(answered),
    ]
    raw = [
        f":meth:`{op.name}` returning the raw response, body unread.",
        *args,
        "",
        *_returns_section(
            "RESTResponse",
            "The answer as it came, whatever its status (error statuses are not raised here): "
            "``status``, ``headers``, ``read()``. Release it when done.",
        ),
        "",
        *_raises_section(_CLIENT_ERRORS),
    ]
    return plain, with_info, raw


def _paging_docstring(op: Operation, first: str, kind: str, what: str) -> List[str]:
    paging = op.pagination
    assert paging is not None
    extra = [
        _entry(f"{o.name} ({o.annotation}, optional)", _sentence(_PAGING_OPTION_DOCS[o.name]))
        for o in paging_options(iter_pages)
    ]
    errors = [
        *_status_errors(op),
        _OTHER_STATUS,
        (
            "ApiResponseError",
            "An answer that cannot be used, a ``next`` link that would loop, or more pages than ``max_pages``.",
        ),
        *_CLIENT_ERRORS,
    ]
    return [
        first,
        *_prose(
            f"Nothing is sent until the first item is asked for; each page is one call of :meth:`{op.name}`,"
            " and an error is raised by the step that fetches the failing page."
        ),
        "",
        *_args_section(op, leave_out=[paging.token_param], extra=extra),
        "",
        *_returns_section(kind, what),
        "",
        *_raises_section(errors),
    ]


_PAGING_OPTION_DOCS = {
    "max_pages": "The most pages to fetch; a listing with more raises ApiResponseError instead of fetching the next "
    "(``None``: no cap)"
}


# A deletion waiter's 403: only this one is raised; any other 403 is its answer (gone).
_GONE_FORBIDDEN = (
    ForbiddenException.__name__,
    "(403) Only when the service refuses the caller's own API key as invalid; any other 403 means gone.",
)


def _polled_operation(op: Operation, waiter: Waiter) -> Operation:
    """The operation ``waiter`` reads with: ``op`` itself, or (a deletion waiter) the read it polls."""
    if not waiter.polls:
        return op
    return next(o for api in API_DESCRIPTIONS for o in api.operations if o.name == waiter.polls)


def _waiter_docstring(op: Operation, waiter: Waiter) -> List[str]:
    condition: Union[readiness.Readiness, readiness.Absence] = getattr(readiness, waiter.readiness)
    # An absence ends on the errors that mean gone (readiness.is_gone): a 404, and a 403 unless
    # it refuses the caller's own key; its errors are those of the read it polls.
    polled = _polled_operation(op, waiter)
    gone = isinstance(condition, readiness.Absence)
    not_yet = (
        condition.not_yet if isinstance(condition, readiness.Readiness) else (NotFoundException, ForbiddenException)
    )
    failures = condition.failures if isinstance(condition, readiness.Readiness) else ()
    extra = [
        _entry("timeout (float)", f"Seconds to wait at most; {waiter.timeout!r} by default, 0 or more."),
        _entry("poll_interval (float)", f"Seconds between two reads; {waiter.poll_interval!r} by default, above 0."),
    ]
    errors = [
        ("WaiterTimeoutError", "``timeout`` passed first (a ``TimeoutError`` too)."),
        *((error.__name__, _sentence(text)) for error, text in failures),
        *([_GONE_FORBIDDEN] if gone else []),
        *_status_errors(polled, leave_out=not_yet),
        _OTHER_STATUS,
        _RESPONSE_ERROR,
        *_CLIENT_ERRORS,
    ]
    arg_lines = ["Args:", *(line for p in polled.path_params for line in _param_entry(p, in_path=True))]
    arg_lines += [line for entry in extra for line in entry]
    arg_lines += _entry("**options", _OPTIONS_DOC + " Each read is sent with them.")
    not_yet_names = ", ".join(e.__name__ for e in not_yet)
    reads = f"Reads with :meth:`{waiter.polls or op.name}` every ``poll_interval`` seconds" + (
        "." if waiter.until_gone else f"; {not_yet_names} means not yet." if not_yet_names else "."
    )
    if waiter.until_gone:
        returns = _returns_section("None", "Nothing: the read said the object is gone.")
    else:
        last_read = _sentence(f"The object as last read, {waiter.returns_doc.split('. ')[0]}")
        returns = _returns_section(_returns(op), last_read)
    return [
        _sentence(waiter.summary),
        *_prose(f"{reads} {waiter.doc}"),
        "",
        *arg_lines,
        "",
        *returns,
        "",
        *_raises_section(errors),
    ]


def _operation_methods(flavor: Flavor, op: Operation) -> List[str]:
    args = _args(op)
    declared = [a.declare() for a in args]
    returns = _returns(op)
    body = INDENT * 2
    lines: List[str] = [f"{INDENT}# -- {op.name} " + "-" * max(3, 80 - len(op.name) - 9), ""]

    plain_doc, with_info_doc, raw_doc = _operation_docstrings(op)
    lines += _signature(flavor, op.name, declared, returns)
    lines += _docstring(plain_doc)
    if op.success.model_name is None:
        lines += _send(flavor, op, "call", body, head="")
    else:
        lines += _send(flavor, op, "call", body, head=f"response: ApiResponse[{returns}] = ")
        lines.append(f"{body}return response.data")
    lines.append("")

    lines += _signature(flavor, f"{op.name}_with_http_info", declared, f"ApiResponse[{returns}]")
    lines += _docstring(with_info_doc)
    lines += _send(flavor, op, "call", body)
    lines.append("")

    lines += _signature(flavor, f"{op.name}_without_preload_content", declared, "RESTResponse")
    lines += _docstring(raw_doc)
    lines += _send(flavor, op, "execute", body, extra=["preload_content=False,"])

    if op.pagination is not None:
        lines += _pagination_methods(flavor, op)
    if op.waiter is not None:
        lines += _waiter_method(flavor, op, op.waiter)
    return lines


def _send(
    flavor: Flavor, op: Operation, method: str, indent: str, *, head: str = "return ", extra: Sequence[str] = ()
) -> List[str]:
    """``head`` + the client's ``call``/``execute`` of ``op`` with the method's arguments: all
    three forms of an operation go straight to the client (one frame, not three)."""
    inner = indent + INDENT
    lines = [f"{indent}{head}{flavor.wait}self.api_client.{method}(", f"{inner}_descriptions.{op.name.upper()},"]
    lines.append(f"{inner}options,")
    if op.path_params:
        lines += _mapping("path_params", [p.name for p in op.path_params], inner)
    if op.query_params:
        lines += _mapping("query_params", [p.name for p in op.query_params], inner)
    if op.body is not None:
        lines.append(f"{inner}body={op.body.name},")
    lines += [f"{inner}{line}" for line in extra]
    lines.append(f"{indent})")
    return lines


def _pagination_methods(flavor: Flavor, op: Operation) -> List[str]:
    paging = op.pagination
    assert paging is not None
    args = _args(op, leave_out=[paging.token_param])
    options = paging_options(iter_pages)
    declared = [a.declare() for a in [*args, *options]]
    by_name = [f"{a.name}={a.name}" for a in args]
    passed = [f"{a.name}={a.name}" for a in options]
    body = INDENT * 2
    lines = [""]
    # A plain ``def`` in both flavours: it returns an (async) iterator, used with (async) for.
    lines += _signature(flavor, paging.pages_method, declared, f"{flavor.iterator}[{_returns(op)}]", define="def")
    page = _returns(op)
    lines += _docstring(
        _paging_docstring(
            op,
            "Every page of the listing, fetched lazily by following ``metadata.next``.",
            f"{flavor.iterator}[{page}]",
            f"The pages, each a {page}, one held in memory at a time.",
        )
    )
    fetch = [*by_name, f"{paging.token_param}=token", "**options"]
    named = [f'operation="{op.name}"', *passed]
    lines += _nested(f"return {flavor.iter_pages}", f"lambda token: self.{op.name}", fetch, body, named)
    lines.append("")
    lines += _signature(
        flavor, paging.items_method, declared, f"{flavor.iterator}[{paging.item_model_name}]", define="def"
    )
    lines += _docstring(
        _paging_docstring(
            op,
            f"Every {paging.noun} of the listing, one page held in memory at a time.",
            f"{flavor.iterator}[{paging.item_model_name}]",
            f"Each {paging.noun} of every page, in the service's order.",
        )
    )
    pages = f"self.{paging.pages_method}"
    lines += _nested(f"return {flavor.iter_items}", pages, [*by_name, *passed, "**options"], body)
    return lines


def _waiter_method(flavor: Flavor, op: Operation, waiter: Waiter) -> List[str]:
    key_args = [Arg(p.name, p.type.__name__, True) for p in op.path_params]
    declared = [a.declare() for a in key_args]
    declared += [f"timeout: float = {waiter.timeout!r}", f"poll_interval: float = {waiter.poll_interval!r}"]
    names = [a.name for a in key_args]
    body = INDENT * 2
    condition = f"readiness.{waiter.readiness}"
    lines = [""]
    lines += _signature(flavor, waiter.method, declared, _returns(op))
    lines += _docstring(_waiter_docstring(op, waiter))
    read = f"lambda: self.{waiter.polls or op.name}({', '.join([*names, '**options'])})"
    # A deletion waiter's poll says only "gone": the method returns None, as the DELETE does.
    head = "" if waiter.until_gone else "return "
    lines += [
        f"{body}{head}{flavor.wait}{flavor.wait_until}(",
        f"{body}{INDENT}{condition}.{flavor.poller}(",
        f"{body}{INDENT * 2}{read},",
        *([] if waiter.until_gone else [f"{body}{INDENT * 2}lambda: secrets_in_use(self.api_client.configuration),"]),
        f"{body}{INDENT}),",
        f"{body}{INDENT}timeout=timeout,",
        f"{body}{INDENT}poll_interval=poll_interval,",
        f"{body}{INDENT}what={condition}.describe({names[0]}),",
        f"{body})",
    ]
    return lines


def render_api_module(api: ApiDescription, flavor: Flavor) -> str:
    """The Python module of one API class."""
    ops = api.operations
    models = sorted(
        {name for op in ops for name in (op.success.model_name, op.body.model_name if op.body else None) if name}
        | {op.pagination.item_model_name for op in ops if op.pagination}
    )
    answers = [name for name in models if name in ANSWER_CLASSES]
    models = [name for name in models if name not in ANSWER_CLASSES]
    dicts = sorted(f"{op.body.model_name}Dict" for op in ops if op.body)
    paging = any(op.pagination for op in ops)
    waiting = any(op.waiter for op in ops)
    typing_names = sorted(["Optional", *([flavor.iterator] if paging else []), *(["Union"] if dicts else [])])
    lines = [
        f"# Generated by tools/generate.py from {SOURCE} ({_constant(api)}): edit the description,",
        "# then run ./dev generate. Hand edits here are overwritten (and fail test_generated.py).",
        f'"""{api.class_name}: the operations of {api.summary.split(":")[0]}."""',
        "",
        "from __future__ import annotations",
        "",
        f"from typing import TYPE_CHECKING, {', '.join(typing_names)}",
        "",
        "from typing_extensions import Unpack",
        "",
    ]
    imports = {
        "openapi_client": ", ".join(["_descriptions", *(["readiness"] if waiting else [])]),
        flavor.client_module: "BaseApi",
        "openapi_client._operation_types": "RequestOptions",
    }
    if paging:
        imports[flavor.helpers_module] = f"{flavor.iter_items}, {flavor.iter_pages}"
    if waiting:
        imports[flavor.waiters_module] = flavor.wait_until
        imports["openapi_client._redaction"] = "secrets_in_use"
    lines += [f"from {module} import {imports[module]}" for module in sorted(imports)]
    type_only = {
        "openapi_client.api_response": ["ApiResponse"],
        "openapi_client.models": models,
        flavor.rest_module: ["RESTResponse"],
    }
    if dicts:
        type_only["openapi_client.models.request_dicts"] = dicts
    if answers:
        type_only["openapi_client.models.responses"] = answers
    lines += ["", "if TYPE_CHECKING:"]
    for module in sorted(type_only):
        lines += _import_lines(module, type_only[module], INDENT)
    lines += [
        "",
        f'__all__ = ["{api.class_name}"]',
        "",
        "",
        f"class {api.class_name}(BaseApi):",
        f'    """{api.summary}',
        *flavor.class_note,
        "",
        "    Every operation comes in three forms: ``op(...)`` returns the decoded model,",
        "    ``op_with_http_info(...)`` an :class:`ApiResponse` with status and headers too, and",
        "    ``op_without_preload_content(...)`` the raw :class:`RESTResponse`, body unread. Each",
        "    takes the per-call options of :class:`~openapi_client.RequestOptions`.",
        '    """',
    ]
    for op in sorted(ops, key=lambda o: _VERB_ORDER.index(o.name.split("_", 1)[0])):
        lines.append("")
        lines += _operation_methods(flavor, op)
    return "\n".join(lines) + "\n"


_VERB_ORDER = ["list", "create", "get", "update", "delete"]


def _import_lines(module: str, names: Sequence[str], indent: str) -> List[str]:
    one_line = f"{indent}from {module} import {', '.join(names)}"
    if len(one_line) <= LINE_LENGTH:
        return [one_line]
    return [f"{indent}from {module} import (", *(f"{indent}{INDENT}{n}," for n in names), f"{indent})"]


def _constant(api: ApiDescription) -> str:
    import openapi_client._descriptions as described

    return next(name for name, value in vars(described).items() if value is api)
