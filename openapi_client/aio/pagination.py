"""Following a list operation's ``metadata.next`` links with ``async for``, one page in memory at a time."""

from __future__ import annotations

from typing import Any, AsyncIterator, Awaitable, Callable, Optional

from openapi_client.exceptions import ApiResponseError
from openapi_client.pagination import PageT, next_page_token

__all__ = ["aiter_items", "aiter_pages"]


async def aiter_pages(fetch_page: Callable[[Optional[str]], Awaitable[PageT]]) -> AsyncIterator[PageT]:
    """Yield pages lazily: ``await fetch_page(None)`` first, then one call per ``next`` link."""
    token: Optional[str] = None
    while True:
        page = await fetch_page(token)
        yield page
        following = next_page_token(page.metadata.next)
        if following is None:
            return
        if following == token:
            raise ApiResponseError(f"the service returned the same page_token twice ({following!r})")
        token = following


async def aiter_items(pages: AsyncIterator[PageT]) -> AsyncIterator[Any]:
    """Every item of every page, in order."""
    async for page in pages:
        for item in page.data:
            yield item
