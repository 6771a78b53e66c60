"""The base of the cloud-specific BYOK key variants."""

from __future__ import annotations

from typing import Any

from openapi_client.models._base import ApiModel


class KeyVariantModel(ApiModel):
    """A variant of ``ByokV1KeyKey``; its ``kind`` is always written out.

    ``kind`` has a default so that users need not repeat it, yet the service needs it to
    tell the variants apart, so it counts as set even when it was not given.
    """

    def model_post_init(self, context: Any, /) -> None:
        self.model_fields_set.add("kind")
