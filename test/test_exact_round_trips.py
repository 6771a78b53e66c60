"""Exact round trips (issue 18 §2) and masked dumps (issue 19 §5).

Timestamps keep their spelling (Go's nanoseconds, ``.000Z``, ``+00:00``, other offsets)
through ``to_json`` / ``to_dict`` / ``from_json`` / ``from_dict`` while the attribute is a
``datetime``; ``model_dump`` / ``model_dump_json`` mask a create answer's secret the way
pydantic's ``SecretStr`` does, while ``to_dict`` / ``to_json`` carry it.
"""

from __future__ import annotations

import json
import socket
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, Optional

import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer
from hypothesis import given, strategies as st
from pydantic import SecretStr

from openapi_client import Configuration, IamV2ApiKey, IamV2ApiKeyMetadata
from openapi_client.models import ByokV1KeyValidation
from openapi_client.models.responses import IamV2ApiKeyCreated

SECRET = "gtH2gI504c0rqSppdMPqFu7BypmleQVImiJGNxlCNlhR2kNhGY86XGi49Rp3bmaY"
SPELLINGS = [
    "2023-01-20T10:17:45.169836528Z",  # Go's RFC 3339 with nanoseconds
    "2023-01-20T10:17:45.000Z",
    "2023-01-20T10:17:45.1Z",
    "2023-01-20T10:17:45+00:00",
    "2006-01-02T15:04:05-07:00",
    "2023-01-20T10:17:45Z",
    "2023-01-20t10:17:45.5z",
    "2023-01-20T10:17:45.123456",  # no offset: a naive datetime
]


def created_body(created_at: str) -> Dict[str, Any]:
    """A create answer shaped as the Terraform provider's create_kafka_api_key.json."""
    return {
        "api_version": "iam/v2",
        "id": "7FJIYKQ4SGQDQ72H",
        "kind": "ApiKey",
        "metadata": {
            "created_at": created_at,
            "resource_name": "crn://api.confluent.cloud/organization=foo/service-account=sa-12mgdv/api-key=7FJIYKQ4SGQDQ72H",
            "self": "http://api.confluent.cloud/v2/api-keys/7FJIYKQ4SGQDQ72H",
            "updated_at": "2022-03-23T06:16:59.527572Z",
        },
        "spec": {
            "description": "This API key provides kafka access to cluster x",
            "display_name": "CI Kafka API Key",
            "owner": {
                "api_version": "iam/v2",
                "id": "sa-12mgdv",
                "kind": "ServiceAccount",
                "related": "http://api.confluent.cloud/v2/service-accounts/sa-12mgdv",
                "resource_name": "crn://api.confluent.cloud/organization=foo/service-account=sa-12mgdv",
            },
            "resource": {
                "api_version": "cmk/v2",
                "id": "lkc-zmmq63",
                "kind": "Cluster",
                "related": "http://api.confluent.cloud/v2/clusters/lkc-zmmq63",
                "resource_name": "crn://api.confluent.cloud/organization=foo/cluster=lkc-zmmq63",
            },
            "secret": SECRET,
        },
    }


def expected_datetime(text: str) -> datetime:
    """An independent reading of an RFC 3339 spelling (date, separator, time, fraction, offset)."""
    moment = datetime.strptime(text[:10] + " " + text[11:19], "%Y-%m-%d %H:%M:%S")
    rest = text[19:]
    fraction = ""
    if rest.startswith("."):
        rest = rest[1:]
        while rest and rest[0].isdigit():
            fraction, rest = fraction + rest[0], rest[1:]
    offset: Optional[timezone] = None
    if rest in ("Z", "z"):
        offset = timezone.utc
    elif rest:
        sign = -1 if rest[0] == "-" else 1
        offset = timezone(sign * timedelta(hours=int(rest[1:3]), minutes=int(rest[4:6])))
    return moment.replace(microsecond=int(fraction[:6].ljust(6, "0")) if fraction else 0, tzinfo=offset)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_timestamps_keep_their_spelling_and_read_as_datetimes(spelling: str) -> None:
    document = {"self": "https://x/k", "created_at": spelling, "updated_at": spelling}
    meta = IamV2ApiKeyMetadata.from_json(json.dumps(document))
    assert json.loads(meta.to_json()) == document
    assert meta.to_dict() == document
    assert IamV2ApiKeyMetadata.from_dict(meta.to_dict()).to_json() == meta.to_json()
    assert isinstance(meta.created_at, datetime)
    assert meta.created_at == expected_datetime(spelling)
    assert meta.model_dump()["created_at"] == expected_datetime(spelling)  # python mode: datetimes
    assert meta.model_dump(mode="json")["created_at"] == spelling


_offsets = st.one_of(
    st.sampled_from(["Z", "z", "+00:00", "-00:00", ""]),
    st.builds(lambda s, h, m: f"{s}{h:02d}:{m:02d}", st.sampled_from("+-"), st.integers(0, 23), st.integers(0, 59)),
)


@given(
    moment=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
    fraction=st.text("0123456789", min_size=0, max_size=12),
    offset=_offsets,
    separator=st.sampled_from("Tt "),
)
def test_any_rfc3339_spelling_round_trips(moment: datetime, fraction: str, offset: str, separator: str) -> None:
    stamp = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}{separator}{moment:%H:%M:%S}"
    spelling = stamp + (f".{fraction}" if fraction else "") + offset
    validation = ByokV1KeyValidation.from_json(json.dumps({"phase": "VALID", "since": spelling}))
    assert json.loads(validation.to_json())["since"] == spelling
    assert validation.since == expected_datetime(spelling)
    assert (validation.since.tzinfo is None) == (offset == "")


def test_a_datetime_given_in_python_is_spelled_as_pydantic_spells_it() -> None:
    meta = IamV2ApiKeyMetadata(created_at=datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc))
    assert meta.to_dict() == {"created_at": "2024-05-01T08:00:00Z"}
    meta.updated_at = datetime(2024, 5, 1, 8, 0, 0, 250000, tzinfo=timezone(timedelta(hours=2)))
    assert meta.to_dict()["updated_at"] == "2024-05-01T08:00:00.250000+02:00"
    assert meta.updated_at == datetime(2024, 5, 1, 6, 0, 0, 250000, tzinfo=timezone.utc)


def test_a_bad_timestamp_is_refused_by_the_precise_model() -> None:
    with pytest.raises(ValueError, match="RFC 3339"):
        IamV2ApiKeyMetadata.from_json('{"created_at": "2023-13-01T00:00:00Z"}')
    with pytest.raises(ValueError, match="RFC 3339"):
        IamV2ApiKeyMetadata.from_json('{"created_at": "2023-01-01T00:00:00\u0661Z"}')  # a non-ASCII digit


def test_values_of_every_other_type_keep_their_value() -> None:
    """Strings, enums (open, plain strings), integers and unknown fields are kept as given; a
    number in an unknown field keeps its value (JSON numbers compare by value)."""
    body = created_body("2023-01-20T10:17:45.169836528Z")
    body["spec"]["owner"]["kind"] = "IdentityPoolPrincipal"
    body["extension"] = {"big": 123456789012345678901234567890, "flag": True, "ratio": 0.1, "none": None, "é": "ü"}
    key = IamV2ApiKey.from_json(json.dumps(body))
    assert json.loads(key.to_json()) == body
    assert key.to_dict() == body


def serving(body: Any, status: int) -> Callable[[socket.socket, Request], None]:
    raw = json.dumps(body).encode()

    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(answer(status, raw))

    return handle


@pytest.mark.parametrize("kind", KINDS)
async def test_answers_round_trip_exactly_through_both_clients(kind: str) -> None:
    body = created_body("2023-01-20T10:17:45.169836528Z")
    body["metadata"]["updated_at"] = "2023-01-20T10:17:45.000Z"
    with HostileServer(serving(body, 202)) as server:
        config = Configuration(
            host=server.url, username="ROUNDTRIPKEY0000", password="round-trip-secret", retries=False
        )
        async with Clients(kind, config) as c:
            key = await c.iam("create_iam_v2_api_key", {"spec": {"owner": {"id": "sa-12mgdv"}}})
    assert type(key) is IamV2ApiKeyCreated
    assert json.loads(key.to_json()) == body
    assert IamV2ApiKeyCreated.from_json(key.to_json()).to_dict() == body
    assert key.metadata.updated_at == datetime(2023, 1, 20, 10, 17, 45, tzinfo=timezone.utc)

    # Issue 19 §5: pydantic's own dumps mask the secret, as pydantic's SecretStr does.
    dumped = key.model_dump()
    assert isinstance(dumped["spec"]["secret"], SecretStr) and str(dumped["spec"]["secret"]) == "**********"
    assert SECRET not in str(dumped) and SECRET not in key.model_dump_json()
    assert json.loads(key.model_dump_json())["spec"]["secret"] == "**********"
    assert key.model_dump(mode="json")["spec"]["secret"] == "**********"
    assert SECRET not in repr(key) and SECRET not in str(key)
    # ... while to_dict/to_json carry it, for the round trip.
    assert key.to_dict()["spec"]["secret"] == SECRET
    assert json.loads(key.to_json())["spec"]["secret"] == SECRET


def test_the_json_schema_still_says_date_time() -> None:
    schema = IamV2ApiKeyMetadata.model_json_schema()["properties"]["created_at"]
    assert {"type": "string", "format": "date-time"} in schema["anyOf"]
    assert ByokV1KeyValidation.model_json_schema()["properties"]["since"]["format"] == "date-time"
