"""ByokV1KeyKey: the cloud-specific part of a BYOK key, one of AWS, Azure or GCP."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple, Type, Union, overload

from pydantic import Discriminator, Tag, model_validator
from typing_extensions import Annotated

from openapi_client.models._base import ApiModel, ApiRootModel
from openapi_client.models._key_variant import KeyVariantModel
from openapi_client.models.byok_v1_aws_key import ByokV1AwsKey
from openapi_client.models.byok_v1_azure_key import ByokV1AzureKey
from openapi_client.models.byok_v1_gcp_key import ByokV1GcpKey

VARIANTS: Tuple[Type[KeyVariantModel], ...] = (ByokV1AwsKey, ByokV1AzureKey, ByokV1GcpKey)
KEY_KINDS: Dict[str, Type[KeyVariantModel]] = {variant.KIND: variant for variant in VARIANTS}


class ByokV1UnknownKey(ApiModel):
    """A key of a ``kind`` this client does not know yet; all its fields are kept as given."""

    kind: Optional[str] = None


_UNKNOWN = "unknown"


def _key_kind(value: Any) -> str:
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return kind if isinstance(kind, str) and kind in KEY_KINDS else _UNKNOWN


AnyKeyVariant = Union[ByokV1AwsKey, ByokV1AzureKey, ByokV1GcpKey, ByokV1UnknownKey]
"""What ``ByokV1KeyKey.actual_instance`` may be, and what ``ByokV1Key(key=...)`` takes directly."""

KeyVariant = Annotated[
    Union[
        Annotated[ByokV1AwsKey, Tag(ByokV1AwsKey.KIND)],
        Annotated[ByokV1AzureKey, Tag(ByokV1AzureKey.KIND)],
        Annotated[ByokV1GcpKey, Tag(ByokV1GcpKey.KIND)],
        Annotated[ByokV1UnknownKey, Tag(_UNKNOWN)],
    ],
    Discriminator(_key_kind),
]


class ByokV1KeyKey(ApiRootModel):
    """The key material reference, chosen by its ``kind`` in a single step.

    The variant is in ``actual_instance`` (a :class:`ByokV1AwsKey`, :class:`ByokV1AzureKey`
    or :class:`ByokV1GcpKey`); a kind unknown to this client gives a
    :class:`ByokV1UnknownKey` instead of an error.
    """

    root: KeyVariant

    if TYPE_CHECKING:
        # What the type checkers see; pydantic's own ``__init__`` runs, and the validator
        # below turns ``actual_instance=`` into the root.
        @overload
        def __init__(self, root: AnyKeyVariant, /) -> None: ...

        @overload
        def __init__(self, *, root: AnyKeyVariant) -> None: ...

        @overload
        def __init__(self, *, actual_instance: AnyKeyVariant) -> None: ...

        def __init__(self, root: Any = None, **data: Any) -> None: ...

    @model_validator(mode="before")
    @classmethod
    def _unwrap_actual_instance(cls, value: Any) -> Any:
        # ``ByokV1KeyKey(actual_instance=x)`` reaches pydantic as ``{"actual_instance": x}``.
        # A validator rather than a custom ``__init__``: pydantic calls a custom ``__init__``
        # for every key it decodes, which made decoding ~25% slower.
        if isinstance(value, dict) and len(value) == 1 and "actual_instance" in value:
            return value["actual_instance"]
        return value

    @property
    def actual_instance(self) -> AnyKeyVariant:
        """The variant this key is."""
        return self.root
