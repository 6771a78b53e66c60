"""Each operation's answer model requires exactly what its response schema requires, in both documents.

A field path is "required" when it must be there whenever its parent is: ``spec.owner`` in a
read API key, ``spec.owner.related`` once an owner is there, ``data[].metadata.self`` in a
page. The document's set is read from the response schema (its ``allOf`` overlays, the
components they name, the list items), the SDK's from the answer model's pydantic fields.
The two must be equal, but for the departures named in ``BEYOND_THE_DOCUMENT``; a response
schema that starts to require a field (or stops) fails here naming the operation and the path.
The union inside ``byok.v1.Key.key`` (``oneOf``) is checked by the model tests, not here.
"""

from __future__ import annotations

import typing
from typing import Any, Dict, FrozenSet, List, Optional, Set, Tuple, Type

import pytest
from test_contract import (
    Contract,
    api_class,
    operation_object,
    per_contract,
    ref_name,
    strip_annotated,
    strip_optional,
)

from openapi_client.models._base import ApiModel

# The create answers' schemas require only ``spec.owner`` / ``key``; the SDK also requires
# the new key's id (and an API key's secret): without them the key cannot be used at all.
BEYOND_THE_DOCUMENT: Dict[str, FrozenSet[str]] = {
    "createIamV2ApiKey": frozenset({"id", "spec.secret"}),
    "createByokV1Key": frozenset({"id"}),
}


def _merged(contract: Contract, schema: Dict[str, Any]) -> Dict[str, Any]:
    """``schema`` with its ``$ref`` and ``allOf`` parts folded into one object schema:
    properties merged property by property, ``required`` the union."""
    if "$ref" in schema:
        schema = {**contract.schemas[ref_name(schema["$ref"])], **{k: v for k, v in schema.items() if k != "$ref"}}
    parts = [_merged(contract, part) for part in schema.get("allOf", [])]
    parts.append({k: v for k, v in schema.items() if k != "allOf"})
    merged: Dict[str, Any] = {"properties": {}, "required": set()}
    for part in parts:
        merged["required"] |= set(part.get("required", ()))
        for name, prop in part.get("properties", {}).items():
            previous = merged["properties"].get(name)
            merged["properties"][name] = {"allOf": [previous, prop]} if previous is not None else prop
        if "items" in part:  # array overlays add to the items, as properties do
            merged["items"] = {"allOf": [merged["items"], part["items"]]} if "items" in merged else part["items"]
        for key in ("type", "oneOf"):
            if key in part:
                merged[key] = part[key]
    return merged


def documented(contract: Contract, schema: Dict[str, Any], prefix: str = "") -> Set[str]:
    merged = _merged(contract, schema)
    found: Set[str] = set()
    for name, prop in merged["properties"].items():
        path = f"{prefix}{name}"
        if name in merged["required"]:
            found.add(path)
        inner = _merged(contract, prop)
        if "oneOf" in inner:
            continue
        if inner.get("type") == "array" and "items" in inner:
            found |= documented(contract, inner["items"], f"{path}[].")
        elif inner["properties"]:
            found |= documented(contract, prop, f"{path}.")
    return found


def _model_of(annotation: Any) -> Tuple[Optional[Type[ApiModel]], bool]:
    """(the model an annotation holds, whether as a list's items)."""
    annotation, _ = strip_optional(strip_annotated(annotation))
    annotation = strip_annotated(annotation)
    if typing.get_origin(annotation) in (list, List):
        return _model_of(typing.get_args(annotation)[0])[0], True
    if isinstance(annotation, type) and issubclass(annotation, ApiModel):
        return annotation, False
    return None, False


def declared(model: Type[ApiModel], prefix: str = "") -> Set[str]:
    found: Set[str] = set()
    for name, info in model.model_fields.items():
        path = f"{prefix}{info.alias or name}"
        if info.is_required():
            found.add(path)
        inner, is_list = _model_of(info.annotation)
        if inner is not None:
            found |= declared(inner, f"{path}[]." if is_list else f"{path}.")
    return found


def answer_cases(contract: Contract) -> List[Any]:
    cases = []
    for _, _, op in contract.operations():
        for status, response in op["responses"].items():
            if status.startswith("2") and "content" in response:
                schema = response["content"]["application/json"]["schema"]
                cases.append(pytest.param(op, status, schema, id=f"{op['operationId']}-{status}"))
    return cases


@pytest.mark.parametrize(("contract", "op", "status", "schema"), per_contract(answer_cases))
def test_answer_model_requires_what_the_response_schema_requires(
    contract: Contract, op: Dict[str, Any], status: str, schema: Dict[str, Any]
) -> None:
    operation = operation_object(op)
    model = operation.responses[status]
    assert model is not None
    where = f"{api_class(op).__name__}.{operation.name} {status} ({model.__name__})"
    expected = documented(contract, schema)
    beyond = BEYOND_THE_DOCUMENT.get(op["operationId"], frozenset())
    actual = declared(model)
    assert sorted(expected - actual) == [], f"{where}: the document requires these, the model does not"
    assert sorted(actual - expected - beyond) == [], f"{where}: the model requires these, the document does not"
    assert beyond <= actual, f"{where}: a named departure is gone; drop it from BEYOND_THE_DOCUMENT"
