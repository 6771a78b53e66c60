"""Failure: the body of every error response."""

from __future__ import annotations

from typing import List

from openapi_client.models._base import ApiModel
from openapi_client.models.error import Error


class Failure(ApiModel):
    """The list of problems that made the service refuse a request."""

    errors: List[Error]
