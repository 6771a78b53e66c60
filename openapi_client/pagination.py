"""Following a list operation's ``metadata.next`` links, one page in memory at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional, Protocol, Sequence, TypeVar
from urllib.parse import parse_qs, urlsplit

from openapi_client.exceptions import ApiResponseError

if TYPE_CHECKING:
    from openapi_client.models.list_meta import ListMeta

__all__ = ["iter_pages", "iter_items", "next_page_token"]


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
        raise ApiResponseError(f"the next link {next_link!r} carries no page_token")
    return tokens[0]


def iter_pages(fetch_page: Callable[[Optional[str]], PageT]) -> Iterator[PageT]:
    """Yield pages lazily: ``fetch_page(None)`` first, then one call per ``next`` link."""
    token: Optional[str] = None
    while True:
        page = fetch_page(token)
        yield page
        following = next_page_token(page.metadata.next)
        if following is None:
            return
        if following == token:
            raise ApiResponseError(f"the service returned the same page_token twice ({following!r})")
        token = following


def iter_items(pages: Iterator[Page[ItemT]]) -> Iterator[ItemT]:
    """Every item of every page, in order."""
    for page in pages:
        yield from page.data
