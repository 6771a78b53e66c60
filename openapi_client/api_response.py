"""ApiResponse: what a ``*_with_http_info`` call returns."""

from __future__ import annotations

from typing import Generic, Mapping, Optional, TypeVar

T = TypeVar("T")

__all__ = ["ApiResponse"]


class ApiResponse(Generic[T]):
    """The decoded ``data`` of a successful call, with its status, headers and raw body."""

    __slots__ = ("data", "headers", "raw_data", "status_code")

    def __init__(
        self,
        *,
        status_code: int,
        headers: Mapping[str, str],
        data: T,
        raw_data: bytes,
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.data = data
        self.raw_data = raw_data

    @property
    def request_id(self) -> Optional[str]:
        """The service's ``X-Request-Id`` for this call."""
        return self.headers.get("X-Request-Id")

    def __repr__(self) -> str:
        return f"ApiResponse(status_code={self.status_code}, data={self.data!r})"
