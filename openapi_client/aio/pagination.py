"""Following a list operation's ``metadata.next`` links with ``async for``, one page in memory at a time."""

from __future__ import annotations

from typing import AsyncIterator, Awaitable, Callable, Optional

from openapi_client.pagination import ItemT, Page, PageT, PageWalk

__all__ = ["aiter_items", "aiter_pages"]


async def aiter_pages(
    fetch_page: Callable[[Optional[str]], Awaitable[PageT]],
    *,
    operation: str = "the list operation",
    max_pages: Optional[int] = None,
) -> AsyncIterator[PageT]:
    """Yield pages lazily: ``await fetch_page(None)`` first, then one call per ``next`` link,
    as the sync iterator's :class:`~openapi_client.pagination.PageWalk` allows."""
    walk = PageWalk(operation, max_pages)
    token: Optional[str] = None
    while True:
        page = await fetch_page(token)
        yield page
        token = walk.after(page)
        del page  # not held while the next one is fetched and decoded
        if token is None:
            return


async def aiter_items(pages: AsyncIterator[Page[ItemT]]) -> AsyncIterator[ItemT]:
    """Every item of every page, in order; a page is let go before the next is fetched."""
    async for page in pages:
        items = page.data
        del page
        for item in items:
            yield item
        del items
