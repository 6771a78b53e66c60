"""ApiResponse: what a ``*_with_http_info`` call returns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, Mapping, Optional, Tuple, TypeVar

if TYPE_CHECKING:
    from openapi_client.models._deviation import Deviation

T = TypeVar("T")

__all__ = ["ApiResponse"]


class ApiResponse(Generic[T]):
    """The decoded ``data`` of a successful call, with its status, headers and raw body.

    ``deviations`` lists where the answer breaks the API document (JSON path and kind of
    break, never a value): empty for a conforming answer; otherwise ``data`` was decoded
    tolerantly (see docs/Typing.md). With ``Configuration(strict_answers=True)`` such an
    answer raises ``ApiResponseError`` instead.
    """

    __slots__ = ("data", "deviations", "headers", "raw_data", "status_code")

    def __init__(
        self,
        *,
        status_code: int,
        headers: Mapping[str, str],
        data: T,
        raw_data: bytes,
        deviations: Tuple[Deviation, ...] = (),
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.data = data
        self.raw_data = raw_data
        self.deviations = deviations

    @property
    def request_id(self) -> Optional[str]:
        """The service's ``X-Request-Id`` for this call."""
        return self.headers.get("X-Request-Id")

    def __repr__(self) -> str:
        deviations = f", deviations={[d.path for d in self.deviations]!r}" if self.deviations else ""
        return f"ApiResponse(status_code={self.status_code}, data={self.data!r}{deviations})"
