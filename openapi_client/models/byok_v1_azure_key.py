"""ByokV1AzureKey: a customer-managed key held in Azure Key Vault."""

from __future__ import annotations

from typing import ClassVar, Literal, Optional

from openapi_client.models._base import ReadOnly
from openapi_client.models._key_variant import KeyVariantModel


class ByokV1AzureKey(KeyVariantModel):
    """An Azure Key Vault key, named by its key identifier, vault and tenant.

    ``application_id`` is filled in by the service: the application that must be given
    access to the vault.
    """

    PROVIDER: ClassVar[str] = "Azure"
    IDENTIFIER_FIELD: ClassVar[str] = "key_id"

    application_id: Optional[str] = ReadOnly()
    key_id: str
    key_vault_id: str
    kind: Literal["AzureKey"] = "AzureKey"
    tenant_id: str
