"""ByokV1KeyKey: the cloud-specific part of a BYOK key, one of AWS, Azure or GCP."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple, Type, Union, overload

from pydantic import Field, GetCoreSchemaHandler, Tag, field_validator
from pydantic_core import CoreSchema, PydanticCustomError
from typing_extensions import Annotated

from openapi_client.models._base import ApiModel, ApiRootModel, before_python_input
from openapi_client.models._key_variant import KeyVariantModel
from openapi_client.models.byok_v1_aws_key import ByokV1AwsKey
from openapi_client.models.byok_v1_azure_key import ByokV1AzureKey
from openapi_client.models.byok_v1_gcp_key import ByokV1GcpKey

KNOWN_KIND_ERROR = "known_kind"
"""The error type of a key of a known kind refused as an unknown one: it only says that the
fallback did not apply, next to the known variant's own errors."""
BRANCH_TAGS = ("known", "unknown")
"""How validation errors name the two branches of the key union (``key.known.AwsKey.key_arn``)."""

VARIANTS: Tuple[Type[KeyVariantModel], ...] = (ByokV1AwsKey, ByokV1AzureKey, ByokV1GcpKey)
KEY_KINDS: Dict[str, Type[KeyVariantModel]] = {variant.KIND: variant for variant in VARIANTS}


class ByokV1UnknownKey(ApiModel):
    """A key of a ``kind`` this client does not know yet; all its fields are kept as given."""

    kind: Optional[str] = None

    @field_validator("kind")
    @classmethod
    def _refuse_known_kind(cls, kind: Optional[str]) -> Optional[str]:
        # A key of a known kind whose body is invalid must stay an error; it must not pass
        # as an unknown key. Decoding reaches this only after the known variants refused.
        if kind in KEY_KINDS:
            raise PydanticCustomError(
                KNOWN_KIND_ERROR,
                "kind {kind!r} is known: the key must be a valid {model}",
                {"kind": kind, "model": KEY_KINDS[kind].__name__},
            )
        return kind


AnyKeyVariant = Union[ByokV1AwsKey, ByokV1AzureKey, ByokV1GcpKey, ByokV1UnknownKey]
"""What ``ByokV1KeyKey.actual_instance`` may be, and what ``ByokV1Key(key=...)`` takes directly."""


def _unwrap_actual_instance(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1 and "actual_instance" in value:
        return value["actual_instance"]
    return value


class _ActualInstanceFromPython:
    """Accepts ``{"actual_instance": variant}``, which ``ByokV1KeyKey(actual_instance=x)`` passes on.

    Only Python input can hold it, so JSON decoding keeps a schema with no Python step.
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return before_python_input(_unwrap_actual_instance, handler(source))


# pydantic-core picks the known variant by ``kind`` (a bad body's errors name that
# variant's fields, no other's); what the known variants refuse is tried as an unknown
# key, which refuses the known kinds in turn (its error joins the variant's).
KeyVariant = Annotated[
    Union[
        Annotated[
            Union[ByokV1AwsKey, ByokV1AzureKey, ByokV1GcpKey],
            Field(discriminator="kind"),
            Tag(BRANCH_TAGS[0]),
        ],
        Annotated[ByokV1UnknownKey, Tag(BRANCH_TAGS[1])],
    ],
    Field(union_mode="left_to_right"),
    _ActualInstanceFromPython,
]


class ByokV1KeyKey(ApiRootModel):
    """The key material reference, chosen by its ``kind``.

    The variant is in ``actual_instance`` (a :class:`ByokV1AwsKey`, :class:`ByokV1AzureKey`
    or :class:`ByokV1GcpKey`); a kind unknown to this client gives a
    :class:`ByokV1UnknownKey` instead of an error.
    """

    root: KeyVariant

    if TYPE_CHECKING:
        # What the type checkers see; pydantic's own ``__init__`` runs, and the schema
        # above turns ``actual_instance=`` into the root.
        @overload
        def __init__(self, root: AnyKeyVariant, /) -> None: ...

        @overload
        def __init__(self, *, root: AnyKeyVariant) -> None: ...

        @overload
        def __init__(self, *, actual_instance: AnyKeyVariant) -> None: ...

        def __init__(self, root: Any = None, **data: Any) -> None: ...

    @property
    def actual_instance(self) -> AnyKeyVariant:
        """The variant this key is."""
        return self.root

    @classmethod
    def variant_kinds(cls) -> Dict[str, Type[KeyVariantModel]]:
        """The known variants by ``kind`` (what a tolerant decode of a broken key chooses from)."""
        return KEY_KINDS
