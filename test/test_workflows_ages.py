"""Key ages and selection by age (pure logic, plus dates as the emulator renders them)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pytest
from hypothesis import given, strategies as st

import openapi_client
from openapi_client import IamApiKeysApi, IamV2ApiKey
from openapi_client.testing import FakeConfluentCloud
from openapi_client.workflows import key_age, older_than

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)


def key(created: Optional[dt.datetime], key_id: str = "K") -> IamV2ApiKey:
    metadata = {"created_at": created.isoformat()} if created is not None else {}
    return IamV2ApiKey.from_dict({"id": key_id, "metadata": metadata})


def test_age_is_measured_from_created_at() -> None:
    assert key_age(key(NOW - dt.timedelta(days=3)), NOW) == dt.timedelta(days=3)


def test_unknown_creation_time_has_no_age_and_is_never_selected() -> None:
    assert key_age(key(None), NOW) is None
    assert list(older_than([key(None)], dt.timedelta(0), NOW)) == []


def test_a_key_from_the_future_is_zero_days_old() -> None:
    assert key_age(key(NOW + dt.timedelta(hours=1)), NOW) == dt.timedelta(0)


def test_naive_times_are_refused_for_now_and_read_as_utc_for_keys() -> None:
    with pytest.raises(openapi_client.ApiValueError, match="now"):
        key_age(key(NOW), NOW.replace(tzinfo=None))
    naive = IamV2ApiKey.from_dict({"id": "K", "metadata": {"created_at": "2026-05-31T12:00:00"}})
    assert key_age(naive, NOW) == dt.timedelta(days=1)


def test_negative_ages_are_refused() -> None:
    with pytest.raises(openapi_client.ApiValueError, match="age"):
        list(older_than([], dt.timedelta(days=-1)))


@given(st.lists(st.integers(min_value=0, max_value=1000), max_size=20), st.integers(min_value=0, max_value=1000))
def test_older_than_keeps_exactly_the_keys_past_the_age_in_order(days: list, limit: int) -> None:
    keys = [key(NOW - dt.timedelta(days=d), f"K{i}") for i, d in enumerate(days)]
    chosen = [k.id for k in older_than(keys, dt.timedelta(days=limit), NOW)]
    assert chosen == [f"K{i}" for i, d in enumerate(days) if d > limit]


def test_ages_of_keys_read_from_the_emulator(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    old = set(cloud.seed_api_keys(2, created_at=NOW - dt.timedelta(days=400)))
    cloud.seed_api_keys(1)
    assert {k.id for k in older_than(iam.iter_iam_v2_api_keys(), dt.timedelta(days=90))} == old
