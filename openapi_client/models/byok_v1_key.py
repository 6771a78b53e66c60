"""ByokV1Key: a customer-managed encryption key registered with Confluent Cloud."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Union

from openapi_client.models._byok_resource import ByokResource
from openapi_client.models.byok_v1_key_key import AnyKeyVariant, ByokV1KeyKey

if TYPE_CHECKING:
    from openapi_client.models.byok_v1_key_metadata import ByokV1KeyMetadata
    from openapi_client.models.byok_v1_key_validation import ByokV1KeyValidation
    from openapi_client.models.enums import ByokKeyState, ByokProvider


class ByokV1Key(ByokResource):
    """A key you hold in AWS, Azure or GCP that protects a dedicated cluster's data at rest.

    To register one, give ``key`` (a :class:`ByokV1AwsKey`, :class:`ByokV1AzureKey` or
    :class:`ByokV1GcpKey`) and optionally ``display_name``. ``provider`` (AWS, Azure, GCP),
    ``state`` (AVAILABLE, IN_USE) and ``validation`` are set by the service.
    """

    key: Optional[ByokV1KeyKey] = None

    if TYPE_CHECKING:
        # ``key`` takes the variant itself as well as its wrapper; pydantic wraps it.
        def __init__(
            self,
            *,
            key: Union[ByokV1KeyKey, AnyKeyVariant, None] = None,
            display_name: Optional[str] = None,
            api_version: Optional[str] = None,
            kind: Optional[str] = None,
            id: Optional[str] = None,
            metadata: Optional[ByokV1KeyMetadata] = None,
            provider: Optional[ByokProvider] = None,
            state: Optional[ByokKeyState] = None,
            validation: Optional[ByokV1KeyValidation] = None,
            **extra: Any,
        ) -> None: ...
