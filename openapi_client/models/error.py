"""Error: one problem the service found with a request."""

from __future__ import annotations

from typing import Optional

from pydantic import Field
from typing_extensions import Annotated

from openapi_client.models._base import ApiModel
from openapi_client.models.error_source import ErrorSource


class Error(ApiModel):
    """One problem: a machine-readable ``code``, a short ``title`` and a specific ``detail``.

    ``status`` is the HTTP status as a string, as the service sends it.
    """

    id: Optional[Annotated[str, Field(max_length=255)]] = None
    status: Optional[str] = None
    code: Optional[str] = None
    title: Optional[str] = None
    detail: Optional[str] = None
    source: Optional[ErrorSource] = None
