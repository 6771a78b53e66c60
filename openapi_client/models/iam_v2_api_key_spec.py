"""IamV2ApiKeySpec: the desired state of an API key."""

from __future__ import annotations

from typing import List, Optional

from openapi_client.models._base import ApiModel, Nullable, ReadOnly, Secret
from openapi_client.models.object_reference import ObjectReference


class IamV2ApiKeySpec(ApiModel):
    """Who owns an API key, what it gives access to, and how people recognise it.

    ``secret`` is returned once, by the create call. It is masked in ``repr``, ``str`` and
    ``to_str``; read it with ``spec.secret.get_secret_value()``. ``to_dict`` and ``to_json``
    carry the real value. ``resource=None`` is sent as ``null``: a Cloud API key, tied to
    no cluster.
    """

    secret: Optional[Secret] = ReadOnly()
    display_name: Optional[str] = None
    description: Optional[str] = None
    owner: Optional[ObjectReference] = None
    resource: Optional[ObjectReference] = Nullable()
    resources: Optional[List[ObjectReference]] = None
