"""ByokV1KeyValidation: the outcome of the service's last check of a BYOK key."""

from __future__ import annotations

from typing import Optional

from openapi_client.models._base import ApiModel, ReadOnly, Timestamp
from openapi_client.models.enums import ByokValidationPhase


class ByokV1KeyValidation(ApiModel):
    """Whether Confluent Cloud can use the key.

    ``phase`` is ``INITIALIZING`` until the first check ends, then ``VALID`` or
    ``INVALID`` (with ``message`` saying why). Other values may appear in newer service
    versions and are kept as they are.
    """

    phase: ByokValidationPhase
    message: Optional[str] = None
    since: Timestamp
    region: Optional[str] = ReadOnly()
