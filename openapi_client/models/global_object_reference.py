"""GlobalObjectReference: a pointer to an object outside any environment (a user, a service account)."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field, GetCoreSchemaHandler
from pydantic_core import CoreSchema
from typing_extensions import Annotated

from openapi_client.models._base import ApiModel, ReadOnly, before_python_input

__all__ = ["GlobalObjectReference", "FromAnyReference"]


class GlobalObjectReference(ApiModel):
    """Names an object that belongs to the organization as a whole, by its id; responses add
    its URL and resource name. The owner of an API key is one: ``GlobalObjectReference(id="sa-123")``.

    The document calls this schema ``TypedGlobalObjectReference``. ``related`` and
    ``resource_name`` are required there but set by the server, so a request names the
    object by ``id`` alone.
    """

    id: Annotated[str, Field(min_length=1, max_length=255)]
    related: Optional[Annotated[str, Field(min_length=1)]] = ReadOnly()
    resource_name: Optional[Annotated[str, Field(min_length=1)]] = ReadOnly()
    api_version: Optional[Annotated[str, Field(min_length=1)]] = ReadOnly()
    kind: Optional[Annotated[str, Field(min_length=1)]] = ReadOnly()


class FromAnyReference:
    """Marks a field typed with a :class:`GlobalObjectReference` class that also takes any other
    reference object (an :class:`ObjectReference`, say): ``Annotated[GlobalObjectReference,
    FromAnyReference()]``.

    A reference of another class would be written out by the field's class alone, silently
    dropping what it adds; its data is read afresh instead, so a value it adds is kept as an
    unknown field (an unset one, ``None``, is left out).

    The conversion is part of validating Python objects only (:func:`before_python_input`):
    as a ``mode="before"`` validator it took about a fifth of the time a page of 100 API
    keys takes to decode (``benchmarks/``).
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        schema = handler(source)

        def converted(value: Any) -> Any:
            if isinstance(value, GlobalObjectReference) and type(value) is not source:
                added = set(type(value).model_fields) - set(GlobalObjectReference.model_fields)
                return {k: v for k, v in value.to_dict().items() if not (k in added and v is None)}
            return value

        return before_python_input(converted, schema)
