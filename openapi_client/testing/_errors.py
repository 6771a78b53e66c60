"""Refusals the emulator answers with, rendered as the API's ``Failure`` document."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence, Tuple

__all__ = ["EmulatorError", "failure_json", "pointer_segment"]

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
    """A one-error ``Failure`` document.

    Besides the JSON:API members, each error carries the document's ``error_code`` (here
    the HTTP status as a number) and ``message`` (the same words as ``detail``).
    """
    error: Dict[str, Any] = {
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
    error["error_code"] = status
    error["message"] = detail
    return json.dumps({"errors": [error]}, separators=(",", ":")).encode()


def pointer_segment(segment: str) -> str:
    """A JSON pointer segment (RFC 6901): ``~`` and ``/`` are escaped."""
    return segment.replace("~", "~0").replace("/", "~1")
