"""How old an API key is, and which keys are older than a given age (pure, no I/O)."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Iterator, Optional, TypeVar

from openapi_client.exceptions import ApiValueError
from openapi_client.models.iam_v2_api_key import IamV2ApiKey

__all__ = ["key_age", "older_than", "utc_now"]

K = TypeVar("K", bound=IamV2ApiKey)


def utc_now() -> dt.datetime:
    """The current time, timezone-aware (UTC): what ages are measured against."""
    return dt.datetime.now(dt.timezone.utc)


def key_age(key: IamV2ApiKey, now: Optional[dt.datetime] = None) -> Optional[dt.timedelta]:
    """How long ago ``key`` was created (``metadata.created_at``), or ``None`` when unknown.

    A ``created_at`` without a timezone is taken as UTC, the service's clock. A key created
    "in the future" (clock skew) has age zero, never a negative one.
    """
    created = key.metadata.created_at if key.metadata is not None else None
    if created is None:
        return None
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.timezone.utc)
    reference = now if now is not None else utc_now()
    if reference.tzinfo is None:
        raise ApiValueError("parameter 'now' must be timezone-aware (e.g. datetime.now(timezone.utc))")
    return max(reference - created, dt.timedelta(0))


def older_than(keys: Iterable[K], age: dt.timedelta, now: Optional[dt.datetime] = None) -> Iterator[K]:
    """The keys created more than ``age`` before ``now``, lazily and in the given order.

    Keys whose creation time is unknown are left out: rotating a key nobody can date is a
    decision for a person, not a filter.
    """
    if age < dt.timedelta(0):
        raise ApiValueError(f"parameter 'age' must not be negative, got {age}")
    reference = now if now is not None else utc_now()
    for key in keys:
        current = key_age(key, reference)
        if current is not None and current > age:
            yield key
