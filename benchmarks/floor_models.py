"""The floor for the model benchmarks: the same shapes as minimal plain pydantic v2 models.

Same fields and types (datetimes parsed, the key chosen by a ``kind``-discriminated
union), nothing else: no unknown-field keeping, no read-only bookkeeping, no secrets.
"""

from __future__ import annotations

from datetime import datetime
from typing import List, Literal, Optional, Union

from pydantic import BaseModel, Field
from typing_extensions import Annotated


class Meta(BaseModel):
    self_: Optional[str] = Field(default=None, alias="self")
    resource_name: Optional[str] = None
    created_at: Optional[datetime] = None
    updated_at: Optional[datetime] = None
    deleted_at: Optional[datetime] = None


class Reference(BaseModel):
    id: str
    environment: Optional[str] = None
    related: Optional[str] = None
    resource_name: Optional[str] = None
    api_version: Optional[str] = None
    kind: Optional[str] = None


class ApiKeySpec(BaseModel):
    secret: Optional[str] = None
    display_name: Optional[str] = None
    description: Optional[str] = None
    owner: Optional[Reference] = None
    resource: Optional[Reference] = None
    resources: Optional[List[Reference]] = None


class ApiKey(BaseModel):
    api_version: Optional[str] = None
    kind: Optional[str] = None
    id: Optional[str] = None
    metadata: Optional[Meta] = None
    spec: Optional[ApiKeySpec] = None


class ListMeta(BaseModel):
    first: Optional[str] = None
    last: Optional[str] = None
    prev: Optional[str] = None
    next: Optional[str] = None
    total_size: Optional[int] = None


class ApiKeyList(BaseModel):
    api_version: str
    kind: str
    metadata: ListMeta
    data: List[ApiKey]


class AwsKey(BaseModel):
    key_arn: str
    roles: Optional[List[str]] = None
    kind: Literal["AwsKey"] = "AwsKey"


class AzureKey(BaseModel):
    application_id: Optional[str] = None
    key_id: str
    key_vault_id: str
    kind: Literal["AzureKey"] = "AzureKey"
    tenant_id: str


class GcpKey(BaseModel):
    key_id: str
    security_group: Optional[str] = None
    kind: Literal["GcpKey"] = "GcpKey"


class Validation(BaseModel):
    phase: str
    message: Optional[str] = None
    since: datetime
    region: Optional[str] = None


class Key(BaseModel):
    api_version: Optional[str] = None
    kind: Optional[str] = None
    id: Optional[str] = None
    metadata: Optional[Meta] = None
    key: Optional[Annotated[Union[AwsKey, AzureKey, GcpKey], Field(discriminator="kind")]] = None
    display_name: Optional[str] = None
    provider: Optional[str] = None
    state: Optional[str] = None
    validation: Optional[Validation] = None


class KeyList(BaseModel):
    api_version: str
    kind: str
    metadata: ListMeta
    data: List[Key]
