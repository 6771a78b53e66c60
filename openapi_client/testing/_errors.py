"""Refusals the emulator answers with, rendered as the API's ``Failure`` document."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple, Union

from pydantic import ValidationError

from openapi_client.models.failure import Failure

__all__ = ["EmulatorError", "failure_json", "validation_error", "pointer_segment"]

_TITLES = {
    400: "Bad Request",
    401: "Authentication Required",
    402: "Quota Exceeded",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Resource Already Exists",
    411: "Length Required",
    413: "Payload Too Large",
    422: "Validation Failed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

_CODES = {
    429: "too_many_requests",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}

# The tags of ByokV1KeyKey's discriminated union show up in pydantic error locations but
# are not part of the JSON document, so they are left out of the JSON pointer.
_UNION_TAGS = frozenset({"AwsKey", "AzureKey", "GcpKey", "unknown"})


class EmulatorError(Exception):
    """A request the emulator refuses: the status, a machine code and a human detail.

    ``pointer`` names the offending part of the body (a JSON pointer), ``parameter`` the
    offending query parameter; ``headers`` are added to the error response.
    """

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: Optional[str] = None,
        pointer: Optional[str] = None,
        parameter: Optional[str] = None,
        headers: Optional[Sequence[Tuple[str, str]]] = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title or _TITLES.get(status, "Error")
        self.pointer = pointer
        self.parameter = parameter
        self.headers: List[Tuple[str, str]] = list(headers or ())

    def to_json(self, request_id: str) -> bytes:
        """The ``Failure`` document describing this error."""
        return failure_json(
            self.status,
            self.code,
            self.detail,
            request_id,
            title=self.title,
            pointer=self.pointer,
            parameter=self.parameter,
        )


def failure_json(
    status: int,
    code: Optional[str],
    detail: str,
    request_id: str,
    *,
    title: Optional[str] = None,
    pointer: Optional[str] = None,
    parameter: Optional[str] = None,
) -> bytes:
    """A one-error ``Failure`` document, rendered through the SDK's own model."""
    error: Dict[str, Union[str, Dict[str, str]]] = {
        "id": request_id,
        "status": str(status),
        "code": code or _CODES.get(status, "error"),
        "title": title or _TITLES.get(status, "Error"),
        "detail": detail,
    }
    source: Dict[str, str] = {}
    if pointer is not None:
        source["pointer"] = pointer
    if parameter is not None:
        source["parameter"] = parameter
    if source:
        error["source"] = source
    return Failure.model_validate({"errors": [error]}).to_json().encode()


def validation_error(exc: ValidationError) -> EmulatorError:
    """A 422 for the first problem pydantic found, pointing at the field in the body."""
    first = exc.errors(include_url=False, include_input=False)[0]
    parts = [pointer_segment(str(part)) for part in first["loc"] if part not in _UNION_TAGS]
    pointer = "/" + "/".join(parts) if parts else ""
    where = pointer or "the request body"
    return EmulatorError(
        422,
        "invalid_configuration",
        f"The property '{where}' is invalid: {first['msg']}",
        pointer=pointer,
    )


def pointer_segment(segment: str) -> str:
    """A JSON pointer segment (RFC 6901): ``~`` and ``/`` are escaped."""
    return segment.replace("~", "~0").replace("/", "~1")
