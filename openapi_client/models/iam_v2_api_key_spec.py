"""IamV2ApiKeySpec: the desired state of an API key."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import field_validator

from openapi_client.models._base import ApiModel, Nullable, ReadOnly, Secret
from openapi_client.models.global_object_reference import GlobalObjectReference
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
    owner: Optional[GlobalObjectReference] = None
    resource: Optional[ObjectReference] = Nullable()

    @field_validator("owner", mode="before")
    @classmethod
    def _owner_as_global_reference(cls, value: Any) -> Any:
        # A subclass instance (an ObjectReference) would be written out by the parent's
        # fields only, silently dropping what it adds; its data is read afresh instead, so
        # a value it adds is kept as an unknown field (an unset one, None, is left out).
        if isinstance(value, GlobalObjectReference) and type(value) is not GlobalObjectReference:
            added = set(type(value).model_fields) - set(GlobalObjectReference.model_fields)
            return {k: v for k, v in value.to_dict().items() if not (k in added and v is None)}
        return value
