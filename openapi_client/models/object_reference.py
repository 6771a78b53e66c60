"""ObjectReference: a pointer to an object that may live in an environment (a cluster)."""

from __future__ import annotations

from typing import Optional

from pydantic import Field
from typing_extensions import Annotated

from openapi_client.models.global_object_reference import GlobalObjectReference


class ObjectReference(GlobalObjectReference):
    """A :class:`GlobalObjectReference` plus the ``environment`` the object lives in: what an
    API key opens, e.g. ``ObjectReference(id="lkc-abc123", environment="env-a1b2c3")``.

    The document calls this schema ``TypedEnvScopedObjectReference``. Being a
    ``GlobalObjectReference`` too, it is accepted wherever one is (as an owner, say);
    there it is converted, and an ``environment`` it carries is kept as an unknown field.
    """

    environment: Optional[Annotated[str, Field(min_length=1, max_length=255)]] = None
