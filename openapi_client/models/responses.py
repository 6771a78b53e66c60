"""The models of the service's answers: the seed models with what each answer guarantees made required.

Each operation's response schema in the API document marks some fields required: a read
API key always has ``id``, ``kind`` and ``spec.owner``, a listed BYOK key always has its
``state`` and ``validation``. The classes here are subclasses of the seed models (an
``IamV2ApiKeyRead`` *is* an ``IamV2ApiKey``: ``isinstance``, ``to_json``, ``to_dict`` and
``from_json`` behave the same) whose guaranteed fields are not ``Optional``, so code using
an answer needs no ``None`` checks the contract already rules out. The API methods return
them; building a request still uses the seed models, where nothing the server sets is needed.

A response lacking a field its schema requires (or holding a value of another type) is
decoded tolerantly by the client: the field reads ``None`` (or the value as sent) and the
model's ``model_deviations`` names it; with ``Configuration(strict_answers=True)`` it is
refused as an ``ApiResponseError`` naming the field and the operation. ``from_json`` on these
classes is always strict.

Two fields are required here beyond the create answers' schemas, which only require
``spec.owner`` (API keys) and ``key`` (BYOK keys): ``id`` and, for API keys, ``spec.secret``.
A create answer without them cannot be used (the key could not be read, deleted or
authenticated with) and the service always sends them.
"""

from __future__ import annotations

from typing import Optional

from pydantic import Field
from typing_extensions import Annotated

from openapi_client.models._base import Nullable, ReadOnly, Secret
from openapi_client.models.byok_v1_key import ByokV1Key
from openapi_client.models.byok_v1_key_key import ByokV1KeyKey
from openapi_client.models.byok_v1_key_metadata import ByokV1KeyMetadata
from openapi_client.models.byok_v1_key_validation import ByokV1KeyValidation
from openapi_client.models.enums import ByokKeyState, ByokProvider
from openapi_client.models.global_object_reference import FromAnyReference, GlobalObjectReference
from openapi_client.models.iam_v2_api_key import IamV2ApiKey
from openapi_client.models.iam_v2_api_key_metadata import IamV2ApiKeyMetadata
from openapi_client.models.iam_v2_api_key_spec import IamV2ApiKeySpec
from openapi_client.models.object_reference import ObjectReference

__all__ = [
    "ByokV1KeyCreated",
    "ByokV1KeyListItem",
    "ByokV1KeyMetadataRead",
    "ByokV1KeyRead",
    "GlobalObjectReferenceRead",
    "IamV2ApiKeyCreated",
    "IamV2ApiKeyListItem",
    "IamV2ApiKeyMetadataRead",
    "IamV2ApiKeyRead",
    "IamV2ApiKeySpecCreated",
    "IamV2ApiKeySpecRead",
    "ObjectReferenceRead",
]

_Id = Annotated[str, Field(max_length=255)]
_Uri = Annotated[str, Field(min_length=1)]


# -- parts every answer shares --------------------------------------------------------------


class GlobalObjectReferenceRead(GlobalObjectReference):
    """A reference in an answer (an API key's owner): ``related`` and ``resource_name`` are set."""

    related: _Uri = ReadOnly(default=...)
    resource_name: _Uri = ReadOnly(default=...)


class ObjectReferenceRead(ObjectReference):
    """A reference in an answer (an API key's resource): ``related`` and ``resource_name`` are set."""

    related: _Uri = ReadOnly(default=...)
    resource_name: _Uri = ReadOnly(default=...)


class IamV2ApiKeyMetadataRead(IamV2ApiKeyMetadata):
    """An API key's metadata in an answer: ``self`` (``self_``) is set."""

    self_: str = ReadOnly(alias="self", default=...)


class ByokV1KeyMetadataRead(ByokV1KeyMetadata):
    """A BYOK key's metadata in an answer: ``self`` (``self_``) is set."""

    self_: str = ReadOnly(alias="self", default=...)


# -- API keys (iam/v2) ----------------------------------------------------------------------


class IamV2ApiKeySpecRead(IamV2ApiKeySpec):
    """An answer's API key spec: ``owner`` is always there; ``resource`` may be null."""

    owner: Annotated[GlobalObjectReferenceRead, FromAnyReference()]
    resource: Optional[ObjectReferenceRead] = Nullable()


class IamV2ApiKeySpecCreated(IamV2ApiKeySpecRead):
    """The create answer's spec: ``owner``, and the ``secret``, shown this one time."""

    secret: Secret = ReadOnly(default=...)


class IamV2ApiKeyRead(IamV2ApiKey):
    """An API key as ``get_iam_v2_api_key`` and ``update_iam_v2_api_key`` answer it."""

    api_version: str = ReadOnly(default=...)
    kind: str = ReadOnly(default=...)
    id: _Id = ReadOnly(default=...)
    metadata: Optional[IamV2ApiKeyMetadataRead] = ReadOnly()
    spec: IamV2ApiKeySpecRead


class IamV2ApiKeyListItem(IamV2ApiKey):
    """An API key as a page of ``list_iam_v2_api_keys`` holds it."""

    id: _Id = ReadOnly(default=...)
    metadata: IamV2ApiKeyMetadataRead = ReadOnly(default=...)
    spec: IamV2ApiKeySpecRead


class IamV2ApiKeyCreated(IamV2ApiKey):
    """The answer to ``create_iam_v2_api_key``: the new key's id and its secret."""

    id: _Id = ReadOnly(default=...)
    metadata: Optional[IamV2ApiKeyMetadataRead] = ReadOnly()
    spec: IamV2ApiKeySpecCreated


# -- BYOK keys (byok/v1) --------------------------------------------------------------------


class ByokV1KeyRead(ByokV1Key):
    """A BYOK key as ``get_byok_v1_key`` and ``update_byok_v1_key`` answer it."""

    api_version: str = ReadOnly(default=...)
    kind: str = ReadOnly(default=...)
    id: _Id = ReadOnly(default=...)
    metadata: Optional[ByokV1KeyMetadataRead] = ReadOnly()
    key: ByokV1KeyKey
    provider: ByokProvider = ReadOnly(default=...)
    state: ByokKeyState = ReadOnly(default=...)
    validation: ByokV1KeyValidation = ReadOnly(default=...)


class ByokV1KeyListItem(ByokV1Key):
    """A BYOK key as a page of ``list_byok_v1_keys`` holds it."""

    id: _Id = ReadOnly(default=...)
    metadata: ByokV1KeyMetadataRead = ReadOnly(default=...)
    key: ByokV1KeyKey
    provider: ByokProvider = ReadOnly(default=...)
    state: ByokKeyState = ReadOnly(default=...)
    validation: ByokV1KeyValidation = ReadOnly(default=...)


class ByokV1KeyCreated(ByokV1Key):
    """The answer to ``create_byok_v1_key``: the registered key and its id."""

    id: _Id = ReadOnly(default=...)
    metadata: Optional[ByokV1KeyMetadataRead] = ReadOnly()
    key: ByokV1KeyKey
