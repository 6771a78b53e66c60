"""Extra checks schemathesis applies to every emulator answer (loaded by test_schemathesis.py).

The document lists response headers without marking them required, so schemathesis
alone would accept an answer missing them; these checks hold the emulator to sending
each header the document declares for the status it answered with. ``filter_failure``
forgives a schema-violating body the emulator accepted only when the violation is one the
service itself reads leniently (a null, an unknown or a read-only field).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import schemathesis

import openapi_client
from openapi_client.testing._wire import OPERATIONS

DOCUMENT: Dict[str, Any] = json.loads(
    (Path(openapi_client.__file__).parent / "openapi.json").read_text(encoding="utf-8")
)

# Headers the document declares but that only some answers of that status carry:
# Retry-After once the rate limit is reached, Location on a 409 when the conflicting
# object can be named. A created object's Location is always sent.
SOMETIMES_SENT = {"retry-after", "location"}
CREATED = (201, 202)


@schemathesis.check
def declared_headers_are_sent(ctx: Any, response: Any, case: Any) -> None:
    operation = DOCUMENT["paths"].get(case.operation.path, {}).get(case.method.lower())
    if operation is None:
        return
    declared = operation["responses"].get(str(response.status_code), {}).get("headers", {})
    optional = SOMETIMES_SENT - {"location"} if response.status_code in CREATED else SOMETIMES_SENT
    expected = {name.lower() for name in declared} - optional
    missing = sorted(name for name in expected if not response.headers.get(name))
    if missing:
        raise AssertionError(
            f"{case.method} {case.operation.path} answered {response.status_code} without {', '.join(missing)}"
        )


@schemathesis.check
def every_answer_has_a_request_id(ctx: Any, response: Any, case: Any) -> None:
    if not response.headers.get("x-request-id"):
        raise AssertionError(f"{case.method} {case.path} answered {response.status_code} without X-Request-Id")


def forgiven_by_lenient_reading(value: Any, schema: Dict[str, Any]) -> bool:
    """Whether ``value`` holds something the service reads leniently (and so accepts).

    Confluent's services take ``null`` for an optional field as absent and ignore fields
    they do not know or may not be written (read-only ones echoed back by a client); the
    emulator does the same (docs/Testing.md), so a body whose only fault is one of these
    is rightly accepted although it does not match the schema.
    """
    if value is None:
        return True
    if "discriminator" in schema:
        variant = schema["oneOf"].get(value.get(schema["discriminator"])) if isinstance(value, dict) else None
        return variant is not None and forgiven_by_lenient_reading(value, variant)
    if isinstance(value, dict) and schema.get("type") == "object":
        properties = schema.get("properties", {})
        for name, item in value.items():
            if name not in properties or properties[name].get("readOnly"):
                return True
            if forgiven_by_lenient_reading(item, properties[name]):
                return True
    if isinstance(value, list) and schema.get("type") == "array":
        return any(forgiven_by_lenient_reading(item, schema["items"]) for item in value)
    return False


@schemathesis.hook
def filter_failure(ctx: Any, failure: Any, case: Any, response: Any) -> bool:
    if getattr(failure, "code", None) != "ST201":
        return True
    operation = OPERATIONS.get((case.method.upper(), case.operation.path))
    if operation is None or operation.body is None or not isinstance(case.body, dict):
        return True
    return not forgiven_by_lenient_reading(case.body, operation.body)
