"""ListMeta: the paging links and count of a collection response."""

from __future__ import annotations

from typing import Optional

from pydantic import Field
from typing_extensions import Annotated

from openapi_client.models._base import ApiModel


class ListMeta(ApiModel):
    """Links to other pages of a list; ``next`` is absent or null on the last page.

    The links are opaque: follow them as given, never build them by hand.
    """

    first: Optional[str] = None
    last: Optional[str] = None
    prev: Optional[str] = None
    next: Optional[str] = None
    total_size: Optional[Annotated[int, Field(ge=0, le=2**31 - 1)]] = None
