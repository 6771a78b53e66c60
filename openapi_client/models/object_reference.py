"""ObjectReference: a pointer to another Confluent Cloud object (an owner, a cluster)."""

from __future__ import annotations

from typing import Optional

from pydantic import Field
from typing_extensions import Annotated

from openapi_client.models._base import ApiModel, ReadOnly


class ObjectReference(ApiModel):
    """Names another object by its id, and in responses also by URL and resource name.

    ``related`` and ``resource_name`` are required by the spec but set by the server, so a
    request can name an object by ``id`` alone: ``ObjectReference(id="sa-123")``.
    """

    id: Annotated[str, Field(min_length=1, max_length=255)]
    environment: Optional[Annotated[str, Field(min_length=1, max_length=255)]] = None
    related: Optional[Annotated[str, Field(min_length=1)]] = ReadOnly()
    resource_name: Optional[Annotated[str, Field(min_length=1)]] = ReadOnly()
    api_version: Optional[Annotated[str, Field(min_length=1)]] = ReadOnly()
    kind: Optional[Annotated[str, Field(min_length=1)]] = ReadOnly()
