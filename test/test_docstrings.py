"""What ``help()`` shows for every generated API method, sync and async: each parameter with
its type and limits, what is returned, and the exception each documented error status raises.

Read through ``pydoc`` (what ``help()`` prints) and checked against the operation descriptions
the methods are generated from, so a parameter, limit or status added there must show here.
"""

from __future__ import annotations

import inspect
import pydoc
import re
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

from openapi_client import aio, readiness
from openapi_client._descriptions import API_DESCRIPTIONS
from openapi_client._operation_types import Operation, Param
from openapi_client.api import ByokKeysApi, IamApiKeysApi
from openapi_client.exceptions import exception_for_status

CLASSES = {
    "sync": {"IamApiKeysApi": IamApiKeysApi, "ByokKeysApi": ByokKeysApi},
    "async": {"IamApiKeysApi": aio.IamApiKeysApi, "ByokKeysApi": aio.ByokKeysApi},
}
SECTION = re.compile(r"^ {0,12}(Args|Returns|Raises):$")


def sections(doc: str) -> Dict[str, Dict[str, str]]:
    """Section -> entry name -> its text (continuation lines joined), from a rendered docstring."""
    found: Dict[str, Dict[str, str]] = {}
    current: Dict[str, str] = {}
    entry = ""
    entry_indent = -1
    for line in doc.splitlines():
        header = SECTION.match(line)
        if header:
            current = found.setdefault(header.group(1), {})
            entry, entry_indent = "", -1
            continue
        if not line.strip() or not found:
            continue
        indent = len(line) - len(line.lstrip())
        if entry_indent < 0 or indent <= entry_indent:
            name, _, text = line.strip().partition(": ")
            entry, entry_indent = name, indent
            # Two statuses may raise the same class: keep both texts under its name.
            current[entry] = f"{current[entry]} | {text}" if entry in current else text
        else:
            current[entry] += " " + line.strip()
    return found


def methods() -> Iterator[Tuple[str, str, Operation, Callable[..., Any]]]:
    """(flavour, method name, operation, method) of every generated method."""
    for flavour, classes in CLASSES.items():
        for api in API_DESCRIPTIONS:
            cls = classes[api.class_name]
            for op in api.operations:
                names = [op.name, f"{op.name}_with_http_info", f"{op.name}_without_preload_content"]
                if op.pagination is not None:
                    names += [op.pagination.items_method, op.pagination.pages_method]
                if op.waiter is not None:
                    names.append(op.waiter.method)
                for name in names:
                    yield flavour, name, op, getattr(cls, name)


METHODS = list(methods())
IDS = [f"{flavour}-{name}" for flavour, name, _, _ in METHODS]


def rendered(method: Callable[..., Any]) -> Dict[str, Dict[str, str]]:
    return sections(pydoc.render_doc(method, renderer=pydoc.plaintext))


def argument_entries(doc: Dict[str, Dict[str, str]]) -> Dict[str, str]:
    """Argument name -> its entry text; the name without the ``(type)`` part."""
    return {name.split(" (")[0]: text for name, text in doc.get("Args", {}).items()}


def test_every_generated_method_is_checked() -> None:
    # 2 API classes x (5 operations x 3 forms + 2 iterators + 2 waiters: ready, deleted) x 2 flavours
    assert len(METHODS) == 2 * 2 * (5 * 3 + 2 + 2)


@pytest.mark.parametrize(("flavour", "name", "op", "method"), METHODS, ids=IDS)
def test_each_parameter_is_described_with_its_type(flavour: str, name: str, op: Operation, method: Any) -> None:
    doc = rendered(method)
    entries = argument_entries(doc)
    parameters = list(inspect.signature(method).parameters.values())[1:]
    expected = [f"**{p.name}" if p.kind is p.VAR_KEYWORD else p.name for p in parameters]
    assert list(entries) == expected, f"{name}: documented {list(entries)}, takes {expected}"
    for typed in doc["Args"]:
        if typed != "**options":
            assert re.fullmatch(r"\w+ \([\w\[\]., ]+\)", typed), f"{name}: {typed!r} names no type"
    assert all(entries.values()), f"{name}: an argument without a description"


def limits_of(param: Param) -> List[str]:
    facts = []
    if param.max_length is not None:
        facts.append(f"{param.max_length} characters")
    if param.maximum is not None:
        facts.append(f"{param.minimum} to {param.maximum}")
    if param.wire_name != param.name:
        facts.append(f"``{param.wire_name}``")
    return facts


@pytest.mark.parametrize(("flavour", "name", "op", "method"), METHODS, ids=IDS)
def test_each_parameter_states_its_limits(flavour: str, name: str, op: Operation, method: Any) -> None:
    entries = argument_entries(rendered(method))
    for param in (*op.path_params, *op.query_params):
        if param.name in entries:
            for fact in limits_of(param):
                assert fact in entries[param.name], f"{name}({param.name}): {fact!r} missing"


@pytest.mark.parametrize(("flavour", "name", "op", "method"), METHODS, ids=IDS)
def test_the_answer_is_described(flavour: str, name: str, op: Operation, method: Any) -> None:
    (kind, text), *_ = rendered(method)["Returns"].items()
    annotation = inspect.signature(method).return_annotation
    assert kind == annotation, f"{name}: returns {annotation}, documented {kind}"
    assert text, f"{name}: no words on what is returned"


@pytest.mark.parametrize(("flavour", "name", "op", "method"), METHODS, ids=IDS)
def test_each_error_status_names_its_exception(flavour: str, name: str, op: Operation, method: Any) -> None:
    raises = rendered(method)["Raises"]
    statuses = [r.status for r in op.outcomes if not r.status.startswith("2")]
    if name.endswith("_without_preload_content"):
        # The raw response is returned whatever its status: only failures before an answer raise.
        assert not any(f"({status})" in text for text in raises.values() for status in statuses)
    else:
        waiter = op.waiter if op.waiter is not None and name == op.waiter.method else None
        condition = getattr(readiness, waiter.readiness) if waiter else None
        # A readiness waiter polls again on its "not yet"; a deletion waiter ends on a 404
        # (gone) and raises the errors of the read it polls (a 403 only for an invalid key).
        not_yet = (
            condition.not_yet
            if isinstance(condition, readiness.Readiness)
            else (exception_for_status(404),)
            if condition is not None
            else ()
        )
        if isinstance(condition, readiness.Absence):
            polled = next(o for api in API_DESCRIPTIONS for o in api.operations if o.name == waiter.polls)
            statuses = [r.status for r in polled.outcomes if not r.status.startswith("2")]
        for status in statuses:
            error = exception_for_status(int(status))
            if issubclass(error, not_yet):  # never raised by the waiter
                assert error.__name__ not in raises, f"{name}: {error.__name__} is not raised by the waiter"
                continue
            assert f"({status})" in raises.get(error.__name__, ""), f"{name}: no {error.__name__} for {status}"
        assert "ApiException" in raises
        if waiter is not None:
            assert "WaiterTimeoutError" in raises
    for failure in ("ApiValueError", "ApiTypeError", "ApiTimeoutError", "ApiConnectionError"):
        assert failure in raises, f"{name}: {failure} not documented"


def test_the_reader_keeps_every_status_of_one_class() -> None:
    doc = "Raises:\n    ServiceException: (500) failed.\n        Not retried.\n    ServiceException: (503) busy.\n"
    assert sections(doc) == {"Raises": {"ServiceException": "(500) failed. Not retried. | (503) busy."}}


@pytest.mark.parametrize("flavour", CLASSES)
@pytest.mark.parametrize(
    ("api", "waiter", "read"),
    [
        ("IamApiKeysApi", "wait_for_iam_v2_api_key_deleted", "get_iam_v2_api_key"),
        ("ByokKeysApi", "wait_for_byok_v1_key_deleted", "get_byok_v1_key"),
    ],
)
def test_a_deletion_waiter_documents_the_errors_of_the_read_it_polls(
    flavour: str, api: str, waiter: str, read: str
) -> None:
    # It sends GETs, never the DELETE: a 403 ends it (gone) unless it refuses the caller's own key.
    doc = rendered(getattr(CLASSES[flavour][api], waiter))
    read_doc = rendered(getattr(CLASSES[flavour][api], read))
    assert "invalid" in doc["Raises"]["ForbiddenException"] and "gone" in doc["Raises"]["ForbiddenException"]
    assert "NotFoundException" not in doc["Raises"]
    for error, text in read_doc["Raises"].items():
        if error not in ("ForbiddenException", "NotFoundException"):
            assert doc["Raises"].get(error) == text, f"{waiter}: {error} documented otherwise than for {read}"
    assert argument_entries(doc)["id"] == argument_entries(read_doc)["id"]
