"""Bad input is refused before anything is sent, with an error naming the parameter."""

from __future__ import annotations

from typing import Any, Callable, Dict
from urllib.parse import unquote

import pytest

import openapi_client
from openapi_client import ByokKeysApi, IamApiKeysApi
from openapi_client.testing import FakeConfluentCloud

Call = Callable[[IamApiKeysApi, ByokKeysApi], Any]

BAD_CALLS: Dict[str, tuple[Call, type[Exception], str]] = {
    "page_size zero": (lambda i, b: i.list_iam_v2_api_keys(page_size=0), openapi_client.ApiValueError, "page_size"),
    "page_size 101": (lambda i, b: b.list_byok_v1_keys(page_size=101), openapi_client.ApiValueError, "page_size"),
    "page_size str": (lambda i, b: i.list_iam_v2_api_keys(page_size="10"), openapi_client.ApiTypeError, "page_size"),
    "page_size bool": (lambda i, b: i.list_iam_v2_api_keys(page_size=True), openapi_client.ApiTypeError, "page_size"),
    "page_token long": (
        lambda i, b: i.list_iam_v2_api_keys(page_token="t" * 256),
        openapi_client.ApiValueError,
        "page_token",
    ),
    "filter int": (lambda i, b: b.list_byok_v1_keys(provider=3), openapi_client.ApiTypeError, "provider"),
    "owner filter list": (
        lambda i, b: i.list_iam_v2_api_keys(spec_owner=["sa-1"]),
        openapi_client.ApiTypeError,
        "spec_owner",
    ),
    "empty id": (lambda i, b: i.get_iam_v2_api_key(""), openapi_client.ApiValueError, "'id'"),
    "long id": (lambda i, b: b.delete_byok_v1_key("k" * 256), openapi_client.ApiValueError, "'id'"),
    "id int": (lambda i, b: i.delete_iam_v2_api_key(12), openapi_client.ApiTypeError, "'id'"),
    "id None": (lambda i, b: b.get_byok_v1_key(None), openapi_client.ApiTypeError, "'id'"),
    "body wrong model": (
        lambda i, b: i.create_iam_v2_api_key(openapi_client.ByokV1Key()),
        openapi_client.ApiTypeError,
        "iam_v2_api_key",
    ),
    "body str": (lambda i, b: b.update_byok_v1_key("cck-1", "x"), openapi_client.ApiTypeError, "byok_v1_key_update"),
    "unknown option": (
        lambda i, b: i.get_iam_v2_api_key("K", _request_timout=1),
        openapi_client.ApiTypeError,
        "_request_timout",
    ),
    "non-JSON content type": (
        lambda i, b: b.update_byok_v1_key("cck-1", _content_type="text/plain"),
        openapi_client.ApiValueError,
        "_content_type",
    ),
    "second server": (
        lambda i, b: i.get_iam_v2_api_key("K", _host_index=1),
        openapi_client.ApiValueError,
        "_host_index",
    ),
    "waiter timeout": (
        lambda i, b: i.wait_for_iam_v2_api_key("K", timeout=-1),
        openapi_client.ApiValueError,
        "timeout",
    ),
    "waiter interval": (
        lambda i, b: b.wait_for_byok_v1_key("cck-1", poll_interval=0),
        openapi_client.ApiValueError,
        "poll_interval",
    ),
    "bad timeout": (
        lambda i, b: i.get_iam_v2_api_key("K", _request_timeout="soon"),
        openapi_client.ApiTypeError,
        "_request_timeout",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_bad_input_is_refused_and_nothing_is_sent(
    case: str, iam: IamApiKeysApi, byok: ByokKeysApi, cloud: FakeConfluentCloud
) -> None:
    call, error, name = BAD_CALLS[case]
    with pytest.raises(error, match=name):
        call(iam, byok)
    assert cloud.requests == []


def test_refused_input_errors_are_also_the_builtin_kinds() -> None:
    assert issubclass(openapi_client.ApiValueError, ValueError)
    assert issubclass(openapi_client.ApiTypeError, TypeError)


def test_page_size_bounds_are_inclusive(iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    iam.list_iam_v2_api_keys(page_size=1)
    iam.list_iam_v2_api_keys(page_size=100, page_token=None)
    assert [r.query["page_size"] for r in cloud.requests] == [["1"], ["100"]]


@pytest.mark.parametrize("hostile_id", ["../x", "a/b?c", "..", ".", "x#frag", "%2F", "sp ace", "ключ", "a&b=c"])
def test_path_parameters_cannot_change_the_path(hostile_id: str, iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    with pytest.raises(openapi_client.NotFoundException):
        iam.get_iam_v2_api_key(hostile_id)
    request = cloud.requests[-1]
    prefix = "/iam/v2/api-keys/"
    assert request.raw_path.startswith(prefix)
    segment = request.raw_path[len(prefix) :]
    assert "/" not in segment and "?" not in segment and "#" not in segment
    assert unquote(segment) == hostile_id
    assert request.query == {}


def test_query_values_are_encoded_not_interpreted(byok: ByokKeysApi, cloud: FakeConfluentCloud) -> None:
    byok.list_byok_v1_keys(display_name="a&page_size=1#x", key="k=v?")
    assert cloud.requests[-1].query == {"display_name": ["a&page_size=1#x"], "key": ["k=v?"]}
