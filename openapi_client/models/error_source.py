"""ErrorSource: which part of the request an error is about."""

from __future__ import annotations

from typing import Optional

from openapi_client.models._base import ApiModel


class ErrorSource(ApiModel):
    """Points at the cause of an error: a JSON pointer into the body, or a query parameter."""

    pointer: Optional[str] = None
    parameter: Optional[str] = None
