"""Extra checks schemathesis applies to every emulator answer (loaded by test_schemathesis.py).

The document lists response headers without marking them required, so schemathesis
alone would accept an answer missing them; these checks hold the emulator to sending
each header the document declares for the status it answered with.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

import schemathesis

import openapi_client

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
