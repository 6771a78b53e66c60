"""IamV2ApiKeySpec: the desired state of an API key."""

from __future__ import annotations

from typing import Optional

from typing_extensions import Annotated

from openapi_client.models._base import ApiModel, Nullable, ReadOnly, Secret
from openapi_client.models.global_object_reference import FromAnyReference, GlobalObjectReference
from openapi_client.models.object_reference import ObjectReference


class IamV2ApiKeySpec(ApiModel):
    """Who owns an API key, what it gives access to, and how people recognise it.

    ``secret`` is returned once, by the create call. It is masked in ``repr``, ``str`` and
    ``to_str``; read it with ``spec.secret.get_secret_value()``. ``to_dict`` and ``to_json``
    carry the real value.

    ``owner`` is a :class:`GlobalObjectReference` (users and service accounts live in no
    environment). ``resource`` is what the key opens; see
    :func:`openapi_client.api_key_kinds.api_key_kind` for telling the kinds apart.
    ``resource=None`` is sent as ``null``: a key tied to no resource.
    """

    secret: Optional[Secret] = ReadOnly()
    display_name: Optional[str] = None
    description: Optional[str] = None
    owner: Optional[Annotated[GlobalObjectReference, FromAnyReference()]] = None
    resource: Optional[ObjectReference] = Nullable()
