"""ByokV1GcpKey: a customer-managed key held in Google Cloud KMS."""

from __future__ import annotations

from typing import ClassVar, Literal, Optional

from openapi_client.models._base import ReadOnly
from openapi_client.models._key_variant import KeyVariantModel


class ByokV1GcpKey(KeyVariantModel):
    """A Google Cloud KMS key, named by its resource id.

    ``security_group`` is filled in by the service: the Google group that must be granted
    access to the key.
    """

    PROVIDER: ClassVar[str] = "GCP"
    IDENTIFIER_FIELD: ClassVar[str] = "key_id"

    key_id: str
    security_group: Optional[str] = ReadOnly()
    kind: Literal["GcpKey"] = "GcpKey"
