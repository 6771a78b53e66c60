"""Following a list operation's ``metadata.next`` links, one page in memory at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, Optional, Protocol, Sequence, TypeVar
from urllib.parse import parse_qs, urlsplit

from openapi_client._redaction import link_for_message
from openapi_client.exceptions import ApiResponseError, ApiValueError

if TYPE_CHECKING:
    from openapi_client.models.list_meta import ListMeta

__all__ = ["PageWalk", "iter_pages", "iter_items", "next_page_token"]


ItemT = TypeVar("ItemT", covariant=True)


class Page(Protocol[ItemT]):
    @property
    def metadata(self) -> ListMeta: ...

    @property
    def data(self) -> Sequence[ItemT]: ...


PageT = TypeVar("PageT", bound="Page[Any]")


def next_page_token(next_link: Optional[str]) -> Optional[str]:
    """The ``page_token`` of a ``next`` link, exactly as the service wrote it (``None`` at the end).

    The link is opaque: nothing about it is assumed beyond carrying ``page_token``.
    """
    if not next_link:
        return None
    tokens = parse_qs(urlsplit(next_link).query, keep_blank_values=True).get("page_token")
    if not tokens or not tokens[0]:
        raise ApiResponseError(f"the next link {link_for_message(next_link)!r} carries no page_token")
    return tokens[0]


class PageWalk:
    """One walk through a listing, with no I/O (the sync and async iterators share it): the
    token of the next page, and the checks that keep the walk finite.

    The walk never loops: a ``next`` link whose ``page_token`` was already followed (a cycle
    of any length) raises :class:`ApiResponseError` naming ``operation`` and the page that
    first carried the token. ``max_pages`` (``None`` for no cap) stops the walk with
    :class:`ApiResponseError` before fetching a page past the cap. Only tokens, never the
    pages, are kept, so memory grows by one token per page.
    """

    __slots__ = ("_fetched", "_max_pages", "_operation", "_seen")

    def __init__(self, operation: str = "the list operation", max_pages: Optional[int] = None) -> None:
        if max_pages is not None and (isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1):
            raise ApiValueError(f"parameter 'max_pages' must be a positive int or None, got {max_pages!r}")
        self._operation = operation
        self._max_pages = max_pages
        self._seen: Dict[str, int] = {}
        self._fetched = 0

    def after(self, page: Page[Any]) -> Optional[str]:
        """The ``page_token`` to fetch after ``page`` (the page just fetched), or ``None``
        when it was the last."""
        self._fetched += 1
        # A page decoded tolerantly may hold its metadata, or its link, as the service sent
        # it (null, say): without a link to follow, it is the last page.
        link = getattr(page.metadata, "next", None)
        following = next_page_token(link if isinstance(link, str) else None)
        if following is None:
            return None
        if following in self._seen:
            raise ApiResponseError(
                f"{self._operation}: page {self._fetched} links back to the page_token first seen on page "
                f"{self._seen[following]}; the listing would loop, so it stops here"
            )
        if self._max_pages is not None and self._fetched >= self._max_pages:
            raise ApiResponseError(f"{self._operation}: the listing has more than max_pages={self._max_pages} pages")
        self._seen[following] = self._fetched
        return following


def iter_pages(
    fetch_page: Callable[[Optional[str]], PageT],
    *,
    operation: str = "the list operation",
    max_pages: Optional[int] = None,
) -> Iterator[PageT]:
    """Yield pages lazily: ``fetch_page(None)`` first, then one call per ``next`` link, as
    :class:`PageWalk` allows."""
    walk = PageWalk(operation, max_pages)
    token: Optional[str] = None
    while True:
        page = fetch_page(token)
        yield page
        token = walk.after(page)
        del page  # not held while the next one is fetched and decoded
        if token is None:
            return


def iter_items(pages: Iterator[Page[ItemT]]) -> Iterator[ItemT]:
    """Every item of every page, in order; a page is let go before the next is fetched."""
    for page in pages:
        items = page.data
        del page
        yield from items
        del items
