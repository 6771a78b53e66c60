"""PageWalk and both page iterators, fed pages directly: tokens, loops of any length, max_pages.

The loopback tests (test_iam_api_keys_api.py, test_aio_behaviour.py, test_pagination_memory.py)
show the generated ``iter_*`` helpers send each token and hold one page at a time; here every
walk's decisions are checked without a server.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Dict, List, Optional
from urllib.parse import quote

import pytest
from hypothesis import given, settings, strategies as st
from property_budget import examples

from openapi_client.aio.pagination import aiter_items, aiter_pages
from openapi_client.exceptions import ApiResponseError, ApiValueError
from openapi_client.pagination import PageWalk, iter_items, iter_pages, next_page_token

BASE = "https://api.confluent.cloud/iam/v2/api-keys"


@dataclass
class Meta:
    next: Optional[str] = None


@dataclass
class FakePage:
    data: List[Any]
    metadata: Meta = field(default_factory=Meta)


def link(token: str) -> str:
    return f"{BASE}?page_size=2&page_token={quote(token, safe='')}"


class Listing:
    """A listing as a server would serve it: the page each token names, and the fetches made."""

    def __init__(self, pages: Dict[Optional[str], FakePage]) -> None:
        self.pages = pages
        self.fetched: List[Optional[str]] = []

    def __call__(self, token: Optional[str]) -> FakePage:
        self.fetched.append(token)
        return self.pages[token]

    async def awaited(self, token: Optional[str]) -> FakePage:
        return self(token)


def chain(tokens: List[str]) -> Listing:
    """Pages linked first -> tokens[0] -> tokens[1] ...; each page holds its own token as data."""
    names: List[Optional[str]] = [None, *tokens]
    pages: Dict[Optional[str], FakePage] = {}
    for index, name in enumerate(names):
        following = tokens[index] if index < len(tokens) else None
        pages.setdefault(name, FakePage([name], Meta(link(following) if following else None)))
    return Listing(pages)


# -- next_page_token --------------------------------------------------------------------------


@pytest.mark.parametrize("last", [None, ""])
def test_no_next_link_is_the_last_page(last: Optional[str]) -> None:
    assert next_page_token(last) is None


@pytest.mark.parametrize(
    ("next_link", "token"),
    [
        (link("abc"), "abc"),
        ("/iam/v2/api-keys?page_token=UvmDWOB1iwfAIBPj6EYb", "UvmDWOB1iwfAIBPj6EYb"),
        ("?page_token=x", "x"),
        (f"{BASE}?page_token=a%3D%3D&page_size=10", "a=="),  # percent-encoding undone, sent again encoded
        (f"{BASE}?page_token=first&page_token=second", "first"),
        (f"{BASE}?page_size=10&page_token=tok#frag", "tok"),
    ],
)
def test_the_token_is_read_from_the_link_whatever_else_it_carries(next_link: str, token: str) -> None:
    assert next_page_token(next_link) == token


@pytest.mark.parametrize("next_link", [BASE, f"{BASE}?page_size=10", f"{BASE}?page_token=", f"{BASE}?page_token"])
def test_a_next_link_without_a_token_is_a_response_error(next_link: str) -> None:
    with pytest.raises(ApiResponseError, match="carries no page_token"):
        next_page_token(next_link)


# -- PageWalk -----------------------------------------------------------------------------------


def test_a_walk_follows_each_token_once_and_ends_on_the_last_page() -> None:
    listing = chain(["t1", "t2", "t3"])
    pages = list(iter_pages(listing))
    assert listing.fetched == [None, "t1", "t2", "t3"]
    assert [page.data for page in pages] == [[None], ["t1"], ["t2"], ["t3"]]


def test_a_single_page_listing_is_one_fetch() -> None:
    listing = Listing({None: FakePage([1, 2])})
    assert list(iter_items(iter_pages(listing))) == [1, 2]
    assert listing.fetched == [None]


def test_a_page_that_links_to_itself_ends_the_walk_with_an_error() -> None:
    listing = Listing({None: FakePage([0], Meta(link("a"))), "a": FakePage([1], Meta(link("a")))})
    pages: List[FakePage] = []
    with pytest.raises(ApiResponseError) as looped:
        pages.extend(iter_pages(listing, operation="list_iam_v2_api_keys"))
    assert str(looped.value) == (
        "list_iam_v2_api_keys: page 2 links back to the page_token first seen on page 1; "
        "the listing would loop, so it stops here"
    )
    assert listing.fetched == [None, "a"]
    assert len(pages) == 2  # every page before the loop was handed out


@settings(max_examples=examples(100), deadline=None)
@given(
    tokens=st.lists(st.text("abcdefgh", min_size=1, max_size=3), min_size=1, max_size=30, unique=True),
    back_to=st.integers(min_value=0),
)
def test_property_a_loop_of_any_length_is_caught_at_its_first_repeat(tokens: List[str], back_to: int) -> None:
    # The last page links back to any earlier token: a cycle of length 1..len(tokens).
    target = tokens[back_to % len(tokens)]
    listing = chain(tokens)
    listing.pages[tokens[-1]] = FakePage([tokens[-1]], Meta(link(target)))
    with pytest.raises(ApiResponseError, match="would loop"):
        list(iter_pages(listing))
    assert listing.fetched == [None, *tokens]  # each page fetched once, the repeat never


@settings(max_examples=examples(100), deadline=None)
@given(tokens=st.lists(st.text(min_size=1, max_size=5), max_size=30, unique=True))
def test_property_distinct_tokens_are_all_followed(tokens: List[str]) -> None:
    listing = chain(tokens)  # each link carries its token percent-encoded
    list(iter_pages(listing))
    assert listing.fetched[1:] == tokens  # each token exactly as the server meant it


@pytest.mark.parametrize("max_pages", [1, 2, 5])
def test_max_pages_stops_before_fetching_past_the_cap(max_pages: int) -> None:
    listing = chain([f"t{n}" for n in range(1, 10)])
    pages: List[FakePage] = []
    with pytest.raises(ApiResponseError) as capped:
        pages.extend(iter_pages(listing, operation="op", max_pages=max_pages))
    assert str(capped.value) == f"op: the listing has more than max_pages={max_pages} pages"
    assert len(listing.fetched) == len(pages) == max_pages


def test_a_listing_of_exactly_max_pages_is_walked_whole() -> None:
    listing = chain(["t1", "t2"])
    assert len(list(iter_pages(listing, max_pages=3))) == 3
    assert len(list(iter_pages(chain(["t1", "t2"]), max_pages=None))) == 3


@pytest.mark.parametrize("max_pages", [0, -1, True, False, 1.5, "3"])
def test_a_bad_max_pages_is_a_value_error_before_any_fetch(max_pages: Any) -> None:
    with pytest.raises(ApiValueError, match="parameter 'max_pages'"):
        PageWalk("op", max_pages)


def test_pages_are_fetched_only_as_they_are_consumed() -> None:
    listing = chain(["t1", "t2"])
    pages = iter_pages(listing)
    assert listing.fetched == []
    next(pages)
    assert listing.fetched == [None]
    next(pages)
    assert listing.fetched == [None, "t1"]


def test_items_come_in_order_across_pages() -> None:
    listing = Listing({None: FakePage([1, 2], Meta(link("b"))), "b": FakePage([], Meta(link("c"))), "c": FakePage([3])})
    assert list(iter_items(iter_pages(listing))) == [1, 2, 3]


def test_the_walk_keeps_tokens_not_pages() -> None:
    walk = PageWalk()
    for n in range(1, 1000):
        assert walk.after(FakePage([object()] * 10, Meta(link(f"t{n}")))) == f"t{n}"
    assert walk.after(FakePage([])) is None


# -- the async iterators: the same walk, awaited ------------------------------------------------


async def collect(pages: AsyncIterator[Any]) -> List[Any]:
    return [page async for page in pages]


async def test_the_async_walk_follows_the_same_tokens() -> None:
    listing = chain(["t1", "t2"])
    items = await collect(aiter_items(aiter_pages(listing.awaited)))
    assert items == [None, "t1", "t2"] and listing.fetched == [None, "t1", "t2"]


async def test_the_async_walk_stops_at_a_loop_and_at_max_pages() -> None:
    looping = Listing({None: FakePage([0], Meta(link("a"))), "a": FakePage([1], Meta(link("a")))})
    with pytest.raises(ApiResponseError, match="would loop"):
        await collect(aiter_pages(looping.awaited))
    capped = chain(["t1", "t2", "t3"])
    with pytest.raises(ApiResponseError, match="max_pages=2"):
        await collect(aiter_pages(capped.awaited, max_pages=2))
    assert capped.fetched == [None, "t1"]


async def test_the_async_walk_is_lazy() -> None:
    listing = chain(["t1"])
    pages = aiter_pages(listing.awaited)
    await asyncio.sleep(0)
    assert listing.fetched == []
    await pages.__anext__()
    assert listing.fetched == [None]
