"""The numeric settings of ``Configuration`` are checked when set, on construction and on
assignment alike, naming the setting (issue 19, item 15); ``repr`` shows every credential
provider a call may choose from, and no secret (item 16)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st
from property_budget import examples

from openapi_client import Configuration
from openapi_client.credentials import CloudApiKey
from openapi_client.exceptions import ApiTypeError, ApiValueError, OpenApiException

SECONDS_SETTINGS = ("rate_limit_max_wait", "timeout")
COUNT_SETTINGS = ("max_response_bytes", "connection_pool_maxsize")

NOT_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])
NEGATIVE = st.floats(max_value=-1e-9, allow_nan=False) | st.integers(max_value=-1)


def assert_refused(name: str, value: Any) -> None:
    """``value`` refused for ``name`` both ways, naming the setting; the attribute unchanged."""
    with pytest.raises((ApiValueError, ApiTypeError)) as made:
        Configuration(**{name: value})
    assert name in str(made.value)
    configuration = Configuration()
    before = getattr(configuration, name)
    with pytest.raises((ApiValueError, ApiTypeError)) as assigned:
        setattr(configuration, name, value)
    assert name in str(assigned.value) and isinstance(assigned.value, OpenApiException)
    assert getattr(configuration, name) == before


@settings(max_examples=examples(60), deadline=None)
@given(name=st.sampled_from(SECONDS_SETTINGS + COUNT_SETTINGS), value=NOT_FINITE | NEGATIVE)
def test_property_nan_infinite_and_negative_numbers_are_refused(name: str, value: float) -> None:
    assert_refused(name, value)


@settings(max_examples=examples(30), deadline=None)
@given(value=NOT_FINITE | NEGATIVE | st.just(0), position=st.sampled_from([0, 1]))
def test_property_either_half_of_a_timeout_pair_is_checked(value: float, position: int) -> None:
    pair = [5.0, 5.0]
    pair[position] = value
    assert_refused("timeout", tuple(pair))


@pytest.mark.parametrize(
    "name, value",
    [
        ("timeout", 0),
        ("connection_pool_maxsize", 0),
        ("max_response_bytes", 1.5),
        ("max_response_bytes", "1000"),
        ("rate_limit_max_wait", "60"),
        ("rate_limit_max_wait", True),
        ("connection_pool_maxsize", 4.0),
        ("timeout", (1.0, 2.0, 3.0)),
    ],
)
def test_values_of_the_wrong_kind_are_refused(name: str, value: Any) -> None:
    assert_refused(name, value)


@settings(max_examples=examples(40), deadline=None)
@given(
    wait=st.floats(min_value=0, max_value=1e6),
    size=st.integers(min_value=0, max_value=2**40),
    pool=st.integers(min_value=1, max_value=1000),
    timeout=st.none()
    | st.floats(min_value=1e-3, max_value=1e6)
    | st.tuples(st.floats(min_value=1e-3, max_value=1e3), st.floats(min_value=1e-3, max_value=1e3)),
)
def test_property_usable_values_are_kept_as_given(wait: float, size: int, pool: int, timeout: Any) -> None:
    configuration = Configuration(
        rate_limit_max_wait=wait, max_response_bytes=size, connection_pool_maxsize=pool, timeout=timeout
    )
    assert (configuration.rate_limit_max_wait, configuration.max_response_bytes) == (wait, size)
    assert (configuration.connection_pool_maxsize, configuration.timeout) == (pool, timeout)


def test_the_pool_size_still_defaults_when_not_given() -> None:
    assert Configuration().connection_pool_maxsize >= 1


# -- repr ----------------------------------------------------------------------------------


@settings(max_examples=examples(40), deadline=None)
@given(
    key=st.from_regex(r"\A[A-Z0-9]{4,16}\Z"),
    secret=st.from_regex(r"\As-[a-z0-9+/]{12,64}\Z"),
    token=st.none() | st.from_regex(r"\At-[a-z0-9._]{12,40}\Z"),
    given_too=st.booleans(),
)
def test_property_repr_names_every_provider_and_no_secret(key: str, secret: str, token: Any, given_too: bool) -> None:
    extra = CloudApiKey("OTHERKEY", "other-secret-value-123") if given_too else None
    configuration = Configuration(username=key, password=secret, access_token=token, credentials=extra)
    shown = repr(configuration)
    assert secret not in shown and "other-secret-value-123" not in shown
    assert token is None or token not in shown
    providers = configuration.credentials
    assert f"CloudApiKey(key={key!r}" in shown
    assert len(providers) == 1 + (token is not None) + given_too
    assert shown.count("CloudApiKey(") == 1 + given_too
    assert ("BearerToken" in shown) == (token is not None)


def test_repr_follows_live_changes_and_survives_a_half_set_key() -> None:
    configuration = Configuration(username="KEY1", password="first-secret-0001")
    configuration.access_token = "a-live-bearer-token-01"
    shown = repr(configuration)
    assert "BearerToken" in shown and "a-live-bearer-token-01" not in shown
    configuration.password = None
    shown = repr(configuration)  # never raises, even while the key lacks its secret
    assert "first-secret-0001" not in shown and "incomplete" in shown
