"""The host a configuration accepts is the host both clients connect to: the sync client's
parser (urllib3's ``parse_url``) and the async client's (yarl, through aiohttp) read the same
host from every URL ``Configuration(host=...)`` lets through; spellings they read apart are
refused at configuration time (issue 9, item 2)."""

from __future__ import annotations

import pytest
import yarl
from hypothesis import given, settings, strategies as st
from property_budget import examples
from urllib3.util import parse_url

import openapi_client
from openapi_client import Configuration

PIECES = [
    *"abcl0127.:@[]/\\%?#;,!$&'()*+=-_~",
    "localhost",
    "127.0.0.1",
    "::1",
    "%2e",
    "%6c",
    "%31",
    "evil.example",
    "\u3002",
    "\uff0e",
    "\u24db",
    "xn--",
    "0x7f",
    "\u00ad",
]


def connected_host_sync(url: str) -> str:
    return (parse_url(url).host or "").strip("[]").lower()


def connected_host_async(url: str) -> str:
    return (yarl.URL(url).raw_host or "").strip("[]").lower()


@settings(max_examples=examples(1500), deadline=None)
@given(tail=st.lists(st.sampled_from(PIECES), max_size=8).map("".join))
def test_property_both_clients_parsers_read_the_same_host_from_any_accepted_url(tail: str) -> None:
    url = "http://" + tail
    try:
        accepted = Configuration(host=url).host
    except openapi_client.ApiValueError:
        return
    try:
        async_host = connected_host_async(accepted)
    except ValueError:
        return  # the async client cannot send to it at all
    assert connected_host_sync(accepted) == async_host, url


@pytest.mark.parametrize("host", ["http://%6cocalhost:8080", "http://%31%327.0.0.1", "http://127.0.0.1%2eevil.example"])
def test_a_percent_encoded_host_name_is_refused(host: str) -> None:
    with pytest.raises(openapi_client.ApiValueError, match="percent-encoded"):
        Configuration(host=host)


def test_a_proxy_password_may_still_be_percent_encoded() -> None:
    assert Configuration(proxy="http://user:p%40ss@127.0.0.1:3128").proxy == "http://user:p%40ss@127.0.0.1:3128"
