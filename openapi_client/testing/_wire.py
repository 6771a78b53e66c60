"""The wire format as the emulator reads it from Confluent's API document, and request reading.

The emulator is a second, independent reading of the contract: it never goes through the
SDK's models. The schemas below are the facts of the official document
(``confluent-cloud-official-iam-byok.openapi.yaml``) that the emulator needs, written in a
small subset of JSON Schema: ``type``, ``properties``, ``required``, ``enum``,
``minLength``/``maxLength``, ``format``, ``nullable``, ``readOnly``, ``items``, and a
discriminated ``oneOf`` (``discriminator`` names the property, ``oneOf`` maps each of its
values to a schema). ``test_emulator_wire.py`` checks every fact here against the document.

Requests are read as leniently as the real service reads them where the document is silent:
``null`` for an optional field means the field is absent, fields the document does not know
are ignored, and read-only fields (which other generators' clients echo back) are ignored.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from openapi_client.testing._errors import EmulatorError, pointer_segment

__all__ = [
    "Schema",
    "API_KEY",
    "API_KEY_LIST",
    "BYOK_KEY",
    "BYOK_KEY_LIST",
    "FAILURE",
    "OPERATIONS",
    "Operation",
    "read_body",
    "with_required",
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "MAX_PAGE_TOKEN_LENGTH",
    "API_KEY_FILTERS",
    "BYOK_FILTERS",
    "KEY_IDENTIFIER_FIELD",
    "KEY_PROVIDER",
    "parse_json",
    "lone_surrogate_at",
]

Schema = Dict[str, Any]

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
MAX_PAGE_TOKEN_LENGTH = 255
API_KEY_FILTERS = ("spec.owner", "spec.resource")
BYOK_FILTERS = ("provider", "state", "display_name", "validation_phase", "validation_region", "key")

# Per BYOK key kind: the field naming the cloud key (what the ``key`` filter searches, per
# the document) and the provider the service reports.
KEY_IDENTIFIER_FIELD = {"AwsKey": "key_arn", "AzureKey": "key_id", "GcpKey": "key_id"}
KEY_PROVIDER = {"AwsKey": "AWS", "AzureKey": "Azure", "GcpKey": "GCP"}


def _string(**facts: Any) -> Schema:
    return {"type": "string", **facts}


def _read_only(schema: Schema) -> Schema:
    return {**schema, "readOnly": True}


_URI = _string(format="uri", minLength=1, readOnly=True)
_NAME = _string(minLength=1, readOnly=True)
_TIME = _string(format="date-time", readOnly=True)

TYPED_GLOBAL_OBJECT_REFERENCE: Schema = {
    "type": "object",
    "required": ["id", "related", "resource_name"],
    "properties": {
        "id": _string(minLength=1, maxLength=255),
        "related": _URI,
        "resource_name": _URI,
        "api_version": _NAME,
        "kind": _NAME,
    },
}

# The same with an environment (what an API key's resource is).
TYPED_ENV_SCOPED_OBJECT_REFERENCE: Schema = {
    **TYPED_GLOBAL_OBJECT_REFERENCE,
    "properties": {
        **TYPED_GLOBAL_OBJECT_REFERENCE["properties"],
        "environment": _string(minLength=1, maxLength=255),
    },
}

OBJECT_META: Schema = {
    "type": "object",
    "readOnly": True,
    "required": ["self"],
    "properties": {
        "self": _string(format="uri", readOnly=True),
        "resource_name": _string(format="uri", readOnly=True),
        "created_at": _TIME,
        "updated_at": _TIME,
        "deleted_at": _TIME,
    },
}

_LINK = _string(format="uri", nullable=True)
LIST_META: Schema = {
    "type": "object",
    "properties": {
        "first": _LINK,
        "last": _LINK,
        "prev": _LINK,
        "next": _LINK,
        "total_size": {"type": "integer", "format": "int32", "minimum": 0},
    },
}

API_KEY_SPEC: Schema = {
    "type": "object",
    "properties": {
        "secret": _string(readOnly=True),
        "display_name": _string(),
        "description": _string(),
        "owner": TYPED_GLOBAL_OBJECT_REFERENCE,
        "resource": {**TYPED_ENV_SCOPED_OBJECT_REFERENCE, "nullable": True},
    },
}

API_KEY: Schema = {
    "type": "object",
    "properties": {
        "api_version": _string(enum=["iam/v2"], readOnly=True),
        "kind": _string(enum=["ApiKey"], readOnly=True),
        "id": _string(maxLength=255, readOnly=True),
        "metadata": OBJECT_META,
        "spec": API_KEY_SPEC,
    },
}


AWS_KEY: Schema = {
    "type": "object",
    "required": ["key_arn", "kind"],
    "properties": {
        "key_arn": _string(),
        "roles": {"type": "array", "items": _string(), "readOnly": True},
        "kind": _string(enum=["AwsKey"]),
    },
}

AZURE_KEY: Schema = {
    "type": "object",
    "required": ["key_id", "key_vault_id", "kind", "tenant_id"],
    "properties": {
        "application_id": _string(readOnly=True),
        "key_id": _string(),
        "key_vault_id": _string(),
        "kind": _string(enum=["AzureKey"]),
        "tenant_id": _string(),
    },
}

GCP_KEY: Schema = {
    "type": "object",
    "required": ["key_id", "kind"],
    "properties": {
        "key_id": _string(),
        "security_group": _string(readOnly=True),
        "kind": _string(enum=["GcpKey"]),
    },
}

KEY_VALIDATION: Schema = {
    "type": "object",
    "required": ["phase", "since"],
    "properties": {
        "phase": _string(**{"x-extensible-enum": ["INITIALIZING", "VALID", "INVALID"]}),
        "message": _string(),
        "since": _string(format="date-time"),
        "region": _string(readOnly=True),
    },
}

BYOK_KEY: Schema = {
    "type": "object",
    "properties": {
        "api_version": _string(enum=["byok/v1"], readOnly=True),
        "kind": _string(enum=["Key"], readOnly=True),
        "id": _string(maxLength=255, readOnly=True),
        "metadata": OBJECT_META,
        "key": {
            "type": "object",
            "discriminator": "kind",
            "oneOf": {"AwsKey": AWS_KEY, "AzureKey": AZURE_KEY, "GcpKey": GCP_KEY},
        },
        "display_name": _string(),
        "provider": _string(readOnly=True, **{"x-extensible-enum": ["AWS", "Azure", "GCP"]}),
        "state": _string(readOnly=True, **{"x-extensible-enum": ["AVAILABLE", "IN_USE"]}),
        "validation": _read_only(KEY_VALIDATION),
    },
}


ERROR: Schema = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": _string(maxLength=255),
        "status": _string(),
        "code": _string(),
        "title": _string(),
        "detail": _string(),
        "source": {"type": "object", "properties": {"pointer": _string(), "parameter": _string()}},
        "error_code": {"type": "integer", "format": "int32"},
        "message": _string(nullable=True),
    },
}

FAILURE: Schema = {
    "type": "object",
    "required": ["errors"],
    "properties": {"errors": {"type": "array", "items": ERROR}},
}


def with_required(schema: Schema, required: Mapping[str, Sequence[str]]) -> Schema:
    """``schema`` with more required properties: ``{"/spec": ["owner"]}`` requires spec.owner."""
    copy = dict(schema)
    for pointer, names in required.items():
        target = copy
        if pointer:
            for segment in pointer.strip("/").split("/"):
                properties = dict(target["properties"])
                properties[segment] = dict(properties[segment])
                target["properties"] = properties
                target = properties[segment]
        target["required"] = sorted({*target.get("required", ()), *names})
    return copy


API_KEY_LIST: Schema = {
    "type": "object",
    "required": ["api_version", "kind", "metadata", "data"],
    "properties": {
        "api_version": _string(enum=["iam/v2"], readOnly=True),
        "kind": _string(enum=["ApiKeyList"], readOnly=True),
        "metadata": LIST_META,
        "data": {
            "type": "array",
            "items": with_required(API_KEY, {"": ["id", "metadata", "spec"], "/spec": ["owner"]}),
        },
    },
}

BYOK_KEY_LIST: Schema = {
    "type": "object",
    "required": ["api_version", "kind", "metadata", "data"],
    "properties": {
        "api_version": _string(enum=["byok/v1"], readOnly=True),
        "kind": _string(enum=["KeyList"], readOnly=True),
        "metadata": LIST_META,
        "data": {
            "type": "array",
            "items": with_required(BYOK_KEY, {"": ["id", "metadata", "key", "provider", "state", "validation"]}),
        },
    },
}

COMPONENTS: Mapping[str, Schema] = {
    "iam.v2.ApiKey": API_KEY,
    "iam.v2.ApiKeySpec": API_KEY_SPEC,
    "iam.v2.ApiKeyList": API_KEY_LIST,
    "TypedGlobalObjectReference": TYPED_GLOBAL_OBJECT_REFERENCE,
    "TypedEnvScopedObjectReference": TYPED_ENV_SCOPED_OBJECT_REFERENCE,
    "ObjectMeta": OBJECT_META,
    "ListMeta": LIST_META,
    "byok.v1.Key": BYOK_KEY,
    "byok.v1.KeyList": BYOK_KEY_LIST,
    "byok.v1.KeyValidation": KEY_VALIDATION,
    "byok.v1.AwsKey": AWS_KEY,
    "byok.v1.AzureKey": AZURE_KEY,
    "byok.v1.GcpKey": GCP_KEY,
    "Error": ERROR,
    "Failure": FAILURE,
}


class Operation:
    """One operation of the document: what it accepts and which security schemes allow it."""

    def __init__(self, operation_id: str, security: Tuple[str, ...], body: Optional[Schema] = None) -> None:
        self.operation_id = operation_id
        self.security = security
        self.body = body


_IAM_SECURITY = ("cloud-api-key", "confluent-sts-access-token")
_BYOK_SECURITY = ("cloud-api-key", "global-api-key", "confluent-sts-access-token")

# Keyed by (method, path template); the request body schemas include each operation's extra
# ``required`` lists (the document's allOf overlays).
OPERATIONS: Mapping[Tuple[str, str], Operation] = {
    ("GET", "/iam/v2/api-keys"): Operation("listIamV2ApiKeys", _IAM_SECURITY),
    ("POST", "/iam/v2/api-keys"): Operation(
        "createIamV2ApiKey", _IAM_SECURITY, with_required(API_KEY, {"": ["spec"], "/spec": ["owner"]})
    ),
    ("GET", "/iam/v2/api-keys/{id}"): Operation("getIamV2ApiKey", _IAM_SECURITY),
    ("PATCH", "/iam/v2/api-keys/{id}"): Operation("updateIamV2ApiKey", _IAM_SECURITY, API_KEY),
    ("DELETE", "/iam/v2/api-keys/{id}"): Operation("deleteIamV2ApiKey", _IAM_SECURITY),
    ("GET", "/byok/v1/keys"): Operation("listByokV1Keys", _BYOK_SECURITY),
    ("POST", "/byok/v1/keys"): Operation("createByokV1Key", _BYOK_SECURITY, with_required(BYOK_KEY, {"": ["key"]})),
    ("GET", "/byok/v1/keys/{id}"): Operation("getByokV1Key", _BYOK_SECURITY),
    ("PATCH", "/byok/v1/keys/{id}"): Operation("updateByokV1Key", _BYOK_SECURITY, BYOK_KEY),
    ("DELETE", "/byok/v1/keys/{id}"): Operation("deleteByokV1Key", _BYOK_SECURITY),
}


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_json(body: bytes) -> Any:
    """A JSON request body, or a 400: not JSON, ``NaN``/``Infinity``, or text holding a lone surrogate.

    JSON's ``\\ud800`` escape decodes to a string no UTF-8 text can hold; kept, it would break
    every later answer that carries it, so it is refused before anything is stored.
    """
    try:
        document = json.loads(body, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise EmulatorError(
            400, "malformed_request", f"The request body is not valid JSON: {exc}", title="Malformed Request"
        ) from exc
    pointer = lone_surrogate_at(document)
    if pointer is not None:
        raise EmulatorError(
            400,
            "malformed_request",
            f"The property '{pointer or '/'}' holds a lone UTF-16 surrogate (a \\ud800-\\udfff escape "
            "outside a pair), which is not text.",
            title="Malformed Request",
            pointer=pointer,
        )
    return document


def lone_surrogate_at(value: Any) -> Optional[str]:
    """The JSON pointer of the first string (or member name) holding a lone surrogate, else ``None``."""
    pending: List[Tuple[str, Any]] = [("", value)]
    while pending:
        pointer, item = pending.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                return pointer
        elif isinstance(item, dict):
            for name, member in item.items():
                if isinstance(name, str) and _LONE_SURROGATE.search(name):
                    return pointer
                pending.append((f"{pointer}/{pointer_segment(str(name))}", member))
        elif isinstance(item, (list, tuple)):
            pending.extend((f"{pointer}/{index}", member) for index, member in enumerate(item))
    return None


def _refuse_constant(name: str) -> Any:
    # Python's json reads NaN, Infinity and -Infinity, which JSON does not have.
    raise ValueError(f"{name} is not a JSON value")


def read_body(document: Any, schema: Schema) -> Dict[str, Any]:
    """The request document as the service reads it, or a 422 pointing at what is wrong.

    The result holds only the writable fields the document knows, with ``null`` taken as
    absent; every value in it has the type, enum and length the document gives.
    """
    if not isinstance(document, dict):
        raise _invalid("", "The request body must be a JSON object.")
    read = _read_value(document, schema, "")
    assert isinstance(read, dict)
    return read


def _read_value(value: Any, schema: Schema, pointer: str) -> Any:
    # Iterative over objects would be faster for huge bodies, but the schema is at most
    # four levels deep and unknown fields are never descended into.
    if "discriminator" in schema:
        return _read_variant(value, schema, pointer)
    kind = schema["type"]
    if kind == "object":
        if not isinstance(value, dict):
            raise _invalid(pointer, f"The property '{pointer or '/'}' must be an object.")
        return _read_object(value, schema, pointer)
    if kind == "array":
        if not isinstance(value, list):
            raise _invalid(pointer, f"The property '{pointer}' must be an array.")
        return [_read_value(item, schema["items"], f"{pointer}/{index}") for index, item in enumerate(value)]
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid(pointer, f"The property '{pointer}' must be an integer.")
        return value
    if not isinstance(value, str):
        raise _invalid(pointer, f"The property '{pointer}' must be a string.")
    _check_string(value, schema, pointer)
    return value


def _read_object(value: Mapping[str, Any], schema: Schema, pointer: str) -> Dict[str, Any]:
    read: Dict[str, Any] = {}
    properties: Mapping[str, Schema] = schema.get("properties", {})
    for name, field in properties.items():
        if field.get("readOnly") or value.get(name) is None:
            continue
        read[name] = _read_value(value[name], field, f"{pointer}/{pointer_segment(name)}")
    for name in schema.get("required", ()):
        if name not in read and not properties[name].get("readOnly"):
            raise _invalid(f"{pointer}/{pointer_segment(name)}", f"The property '{pointer}/{name}' is required.")
    return read


def _read_variant(value: Any, schema: Schema, pointer: str) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise _invalid(pointer, f"The property '{pointer}' must be an object.")
    tag_name: str = schema["discriminator"]
    variants: Mapping[str, Schema] = schema["oneOf"]
    tag = value.get(tag_name)
    tag_pointer = f"{pointer}/{pointer_segment(tag_name)}"
    if tag is None:
        raise _invalid(tag_pointer, f"The property '{tag_pointer}' is required.")
    if not isinstance(tag, str) or tag not in variants:
        shown = tag if isinstance(tag, str) else type(tag).__name__
        raise _invalid(tag_pointer, f"The key kind {shown!r} is not one of {', '.join(variants)}.")
    return _read_object(value, variants[tag], pointer)


def _check_string(value: str, schema: Schema, pointer: str) -> None:
    enum: List[str] = schema.get("enum", [])
    if enum and value not in enum:
        raise _invalid(pointer, f"The property '{pointer}' must be one of {', '.join(enum)}.")
    low, high = schema.get("minLength"), schema.get("maxLength")
    if low is not None and len(value) < low:
        raise _invalid(pointer, f"The property '{pointer}' must be at least {low} characters long.")
    if high is not None and len(value) > high:
        raise _invalid(pointer, f"The property '{pointer}' must be at most {high} characters long.")


def _invalid(pointer: str, detail: str) -> EmulatorError:
    return EmulatorError(422, "invalid_configuration", detail, pointer=pointer)
