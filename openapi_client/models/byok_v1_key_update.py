"""ByokV1KeyUpdate: the body of a BYOK key update (PATCH)."""

from __future__ import annotations

from openapi_client.models._byok_resource import ByokResource


class ByokV1KeyUpdate(ByokResource):
    """The changes to apply to a BYOK key; today only ``display_name`` can change."""
