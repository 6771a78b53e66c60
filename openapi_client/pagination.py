"""Following a list operation's ``metadata.next`` links, one page in memory at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, Optional, Protocol, Sequence, TypeVar
from urllib.parse import parse_qs, urlsplit

from openapi_client.exceptions import ApiResponseError, ApiValueError

if TYPE_CHECKING:
    from openapi_client.models.list_meta import ListMeta

__all__ = ["iter_pages", "iter_items", "next_page_token"]


class Page(Protocol):
    @property
    def metadata(self) -> ListMeta: ...

    @property
    def data(self) -> Sequence[Any]: ...


PageT = TypeVar("PageT", bound=Page)


def next_page_token(next_link: Optional[str]) -> Optional[str]:
    """The ``page_token`` of a ``next`` link, exactly as the service wrote it (``None`` at the end).

    The link is opaque: nothing about it is assumed beyond carrying ``page_token``.
    """
    if not next_link:
        return None
    tokens = parse_qs(urlsplit(next_link).query, keep_blank_values=True).get("page_token")
    if not tokens or not tokens[0]:
        raise ApiResponseError(f"the next link {next_link!r} carries no page_token")
    return tokens[0]


def iter_pages(
    fetch_page: Callable[[Optional[str]], PageT],
    *,
    operation: str = "the list operation",
    max_pages: Optional[int] = None,
) -> Iterator[PageT]:
    """Yield pages lazily: ``fetch_page(None)`` first, then one call per ``next`` link.

    The walk never loops: a ``next`` link whose ``page_token`` was already followed (a cycle
    of any length) raises :class:`ApiResponseError` naming ``operation`` and the page that
    first carried the token. ``max_pages`` (``None`` for no cap) stops the walk with
    :class:`ApiResponseError` before fetching a page past the cap. Only tokens, never the
    pages, are kept, so memory grows by one token per page.
    """
    if max_pages is not None and (isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1):
        raise ApiValueError(f"parameter 'max_pages' must be a positive int or None, got {max_pages!r}")
    seen: Dict[str, int] = {}
    token: Optional[str] = None
    fetched = 0
    while True:
        page = fetch_page(token)
        fetched += 1
        yield page
        following = next_page_token(page.metadata.next)
        if following is None:
            return
        if following in seen:
            raise ApiResponseError(
                f"{operation}: page {fetched} links back to the page_token first seen on page {seen[following]}; "
                "the listing would loop, so it stops here"
            )
        if max_pages is not None and fetched >= max_pages:
            raise ApiResponseError(f"{operation}: the listing has more than max_pages={max_pages} pages")
        seen[following] = fetched
        token = following


def iter_items(pages: Iterator[PageT]) -> Iterator[Any]:
    """Every item of every page, in order."""
    for page in pages:
        yield from page.data
