"""Fields a BYOK key and a BYOK key update share."""

from __future__ import annotations

from typing import Optional

from openapi_client.models._base import ReadOnly
from openapi_client.models._resource import Resource
from openapi_client.models.byok_v1_key_metadata import ByokV1KeyMetadata
from openapi_client.models.byok_v1_key_validation import ByokV1KeyValidation
from openapi_client.models.enums import ByokKeyState, ByokProvider


class ByokResource(Resource):
    """A BYOK key's name, provider, state and validation."""

    metadata: Optional[ByokV1KeyMetadata] = ReadOnly()
    display_name: Optional[str] = None
    provider: Optional[ByokProvider] = ReadOnly()
    state: Optional[ByokKeyState] = ReadOnly()
    validation: Optional[ByokV1KeyValidation] = ReadOnly()
