"""ByokV1Key: a customer-managed encryption key registered with Confluent Cloud."""

from __future__ import annotations

from typing import Optional

from openapi_client.models._byok_resource import ByokResource
from openapi_client.models.byok_v1_key_key import ByokV1KeyKey


class ByokV1Key(ByokResource):
    """A key you hold in AWS, Azure or GCP that protects a dedicated cluster's data at rest.

    To register one, give ``key`` (a :class:`ByokV1AwsKey`, :class:`ByokV1AzureKey` or
    :class:`ByokV1GcpKey`) and optionally ``display_name``. ``provider`` (AWS, Azure, GCP),
    ``state`` (AVAILABLE, IN_USE) and ``validation`` are set by the service.
    """

    key: Optional[ByokV1KeyKey] = None
