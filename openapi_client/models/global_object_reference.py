"""GlobalObjectReference: a pointer to an object outside any environment (a user, a service account)."""

from __future__ import annotations

from typing import Optional

from pydantic import Field
from typing_extensions import Annotated

from openapi_client.models._base import ApiModel, ReadOnly


class GlobalObjectReference(ApiModel):
    """Names an object that belongs to the organization as a whole, by its id; responses add
    its URL and resource name. The owner of an API key is one: ``GlobalObjectReference(id="sa-123")``.

    The document calls this schema ``TypedGlobalObjectReference``. ``related`` and
    ``resource_name`` are required there but set by the server, so a request names the
    object by ``id`` alone.
    """

    id: Annotated[str, Field(min_length=1, max_length=255)]
    related: Optional[Annotated[str, Field(min_length=1)]] = ReadOnly()
    resource_name: Optional[Annotated[str, Field(min_length=1)]] = ReadOnly()
    api_version: Optional[Annotated[str, Field(min_length=1)]] = ReadOnly()
    kind: Optional[Annotated[str, Field(min_length=1)]] = ReadOnly()
