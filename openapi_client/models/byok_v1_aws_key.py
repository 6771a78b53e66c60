"""ByokV1AwsKey: a customer-managed key held in AWS KMS."""

from __future__ import annotations

from typing import ClassVar, List, Literal, Optional

from openapi_client.models._base import ReadOnly
from openapi_client.models._key_variant import KeyVariantModel


class ByokV1AwsKey(KeyVariantModel):
    """An AWS KMS key, named by its ARN.

    ``roles`` is filled in by the service: the IAM roles that must be granted access to
    the key in its key policy.
    """

    PROVIDER: ClassVar[str] = "AWS"
    IDENTIFIER_FIELD: ClassVar[str] = "key_arn"

    key_arn: str
    roles: Optional[List[str]] = ReadOnly()
    kind: Literal["AwsKey"] = "AwsKey"
