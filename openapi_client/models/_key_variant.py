"""The base of the cloud-specific BYOK key variants."""

from __future__ import annotations

from typing import Any, ClassVar

from openapi_client.models._base import ApiModel


class KeyVariantModel(ApiModel):
    """A variant of ``ByokV1KeyKey``; its ``kind`` is always written out.

    Each variant carries the facts about its kind of key, and everything else (the union,
    the errors, the docs) reads them from here: ``KIND`` (the discriminator value, taken
    from the ``kind`` field's default), ``PROVIDER`` (the cloud, as the key's ``provider``
    reads) and ``IDENTIFIER_FIELD`` (the field naming the key in its cloud).

    ``kind`` has a default so that users need not repeat it, yet the service needs it to
    tell the variants apart, so it counts as set even when it was not given.
    """

    KIND: ClassVar[str]
    PROVIDER: ClassVar[str]
    IDENTIFIER_FIELD: ClassVar[str]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.KIND = cls.model_fields["kind"].default

    def model_post_init(self, context: Any, /) -> None:
        self.model_fields_set.add("kind")

    @property
    def identifier(self) -> str:
        """The key's name in its cloud (the value of ``IDENTIFIER_FIELD``)."""
        return str(getattr(self, self.IDENTIFIER_FIELD))
