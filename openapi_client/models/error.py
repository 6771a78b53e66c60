"""Error: one problem the service found with a request."""

from __future__ import annotations

from typing import Optional

from pydantic import Field
from typing_extensions import Annotated

from openapi_client.models._base import ApiModel
from openapi_client.models.error_source import ErrorSource

_INT32 = Field(ge=-(2**31), le=2**31 - 1)


class Error(ApiModel):
    """One problem: a machine-readable ``code``, a short ``title`` and a specific ``detail``.

    ``status`` is the HTTP status as a string, as the service sends it. Some services
    describe the problem with a numeric ``error_code`` and a ``message`` instead.
    """

    id: Optional[Annotated[str, Field(max_length=255)]] = None
    status: Optional[str] = None
    code: Optional[str] = None
    title: Optional[str] = None
    detail: Optional[str] = None
    source: Optional[ErrorSource] = None
    error_code: Optional[Annotated[int, _INT32]] = None
    message: Optional[str] = None
