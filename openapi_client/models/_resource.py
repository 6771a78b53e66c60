"""The envelope every top-level resource shares: api_version, kind, id, metadata."""

from __future__ import annotations

from typing import Optional

from pydantic import Field
from typing_extensions import Annotated

from openapi_client.models._base import ApiModel, ReadOnly


class Resource(ApiModel):
    """Fields the server sets on every resource.

    ``api_version`` and ``kind`` are plain strings rather than enums so that a newer
    service version never breaks an older client.
    """

    api_version: Optional[str] = ReadOnly()
    kind: Optional[str] = ReadOnly()
    id: Optional[Annotated[str, Field(max_length=255)]] = ReadOnly()
