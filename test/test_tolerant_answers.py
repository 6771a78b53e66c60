"""Answers as the service really sends them (issue 18 §1): decoded tolerantly by default, the
deviations named on ``ApiResponse.deviations`` and ``model_deviations`` and logged once,
refused with ``Configuration(strict_answers=True)``. Both clients, over loopback.

The bodies are the shapes Confluent's own tools record: the Terraform provider's test data
(``internal/testdata/byok/azure_key.json`` has no ``validation``, a 2023 key) and list
pages holding one odd item.
"""

from __future__ import annotations

import json
import logging
import socket
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Tuple

import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer
from hypothesis import given, settings, strategies as st
from property_budget import examples

from openapi_client import ApiResponseError, Configuration
from openapi_client.models._deviation import Deviation
from openapi_client.models.responses import ByokV1KeyListItem, ByokV1KeyRead, IamV2ApiKeyCreated

# confluentinc/terraform-provider-confluent, internal/testdata/byok/azure_key.json (2023: no validation).
AZURE_2023: Dict[str, Any] = {
    "api_version": "byok/v1",
    "id": "cck-abcde",
    "key": {
        "application_id": "11111111-1111-1111-1111-111111111111",
        "key_id": "https://test-vault.vault.azure.net/keys/test-key/dd554e3117e74ed8bbcd43390e1e3824",
        "key_vault_id": "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/test-vault"
        "/providers/Microsoft.KeyVault/vaults/test-vault",
        "kind": "AzureKey",
        "tenant_id": "11111111-1111-1111-1111-111111111111",
    },
    "kind": "Key",
    "metadata": {
        "created_at": "2023-01-19T17:01:53.870945835Z",
        "resource_name": "crn://confluent.cloud/organization=11111111-1111-1111-111111111111/key=cck-abcde",
        "self": "https://api.confluent.cloud/byok/v1/keys/cck-l8n0l",
    },
    "provider": "Azure",
    "state": "AVAILABLE",
}
# The same provider's internal/testdata/byok_key/read_created_aws_key.json (with validation).
AWS_KEY: Dict[str, Any] = {
    "api_version": "byok/v1",
    "display_name": "Key for billing cluster",
    "id": "dlz-f3a90de",
    "key": {
        "key_arn": "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "kind": "AwsKey",
        "roles": ["arn:aws:iam::123456789876:role/block_storage_manager"],
    },
    "kind": "Key",
    "metadata": {
        "created_at": "2006-01-02T15:04:05-07:00",
        "resource_name": "crn://confluent.cloud/organization=9bb441c4-edef-46ac-8a41-c49e44a3fd9a/key=cck-12345",
        "self": "https://api.confluent.cloud/byok/v1/keys/cck-12345",
        "updated_at": "2006-01-02T15:04:05-07:00",
    },
    "provider": "AWS",
    "state": "IN_USE",
    "validation": {
        "message": "Access to key denied.",
        "phase": "VALID",
        "region": "us-west-2",
        "since": "2024-03-20T15:30:00Z",
    },
}
SECRET = "gtH2gI504c0rqSppdMPqFu7BypmleQVImiJGNxlCNlhR2kNhGY86XGi49Rp3bmaY"


def page(*items: Dict[str, Any]) -> Dict[str, Any]:
    return {"api_version": "byok/v1", "kind": "KeyList", "metadata": {"first": "", "next": ""}, "data": list(items)}


def with_metadata_null(item: Dict[str, Any]) -> Dict[str, Any]:
    return {**item, "id": "cck-nullmeta", "metadata": None}


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def serving(body: Any, status: int = 200) -> Callable[[socket.socket, Request], None]:
    raw = json.dumps(body).encode()

    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(answer(status, raw))

    return handle


def configuration(server: HostileServer, **settings: Any) -> Configuration:
    return Configuration(
        host=server.url, username="TOLERANTKEY00000", password="tolerant-secret", retries=False, **settings
    )


async def byok_pages(c: Clients) -> List[Any]:
    """Everything ``iter_byok_v1_keys`` yields, through either client."""
    api = c._byok
    if c.kind == "aio":
        return [item async for item in api.iter_byok_v1_keys()]
    import asyncio

    return await asyncio.to_thread(lambda: list(api.iter_byok_v1_keys()))


async def test_a_2023_byok_key_without_validation_is_read_as_sent(kind: str) -> None:
    with HostileServer(serving(AZURE_2023)) as server:
        async with Clients(kind, configuration(server)) as c:
            key = await c.byok("get_byok_v1_key", "cck-abcde")
            info = await c.byok("get_byok_v1_key_with_http_info", "cck-abcde")
    assert type(key) is ByokV1KeyRead
    assert key.validation is None and "validation" not in key.model_fields_set
    assert key.key.actual_instance.identifier.startswith("https://test-vault")
    assert key.model_deviations == (Deviation("validation", "missing", "Field required"),)
    assert info.deviations == key.model_deviations
    assert json.loads(key.to_json()) == AZURE_2023
    assert key.to_json().count("870945835Z") == 1  # nanoseconds kept
    assert key.metadata.created_at == datetime(2023, 1, 19, 17, 1, 53, 870945, tzinfo=timezone.utc)


async def test_a_page_with_odd_items_yields_every_item(kind: str) -> None:
    body = page(AWS_KEY, AZURE_2023, with_metadata_null(AWS_KEY))
    with HostileServer(serving(body)) as server:
        async with Clients(kind, configuration(server)) as c:
            info = await c.byok("list_byok_v1_keys_with_http_info")
            iterated = await byok_pages(c)
    listed = info.data
    assert [item.id for item in listed.data] == ["dlz-f3a90de", "cck-abcde", "cck-nullmeta"]
    assert [item.id for item in iterated] == ["dlz-f3a90de", "cck-abcde", "cck-nullmeta"]
    assert all(type(item) is ByokV1KeyListItem for item in listed.data)
    assert listed.data[0].model_deviations == ()
    assert listed.data[1].validation is None
    assert listed.data[2].metadata is None and "metadata" in listed.data[2].model_fields_set
    assert sorted(d.path for d in info.deviations) == ["data[1].validation", "data[2].metadata"]
    assert info.deviations == listed.model_deviations
    assert json.loads(listed.to_json()) == body
    assert json.loads(info.raw_data) == body


async def test_values_of_another_type_are_kept_as_sent(kind: str) -> None:
    odd = json.loads(json.dumps(AWS_KEY))
    odd["state"] = 5
    odd["validation"]["since"] = "yesterday"
    odd["key"]["roles"] = "not-a-list"
    with HostileServer(serving(odd)) as server:
        async with Clients(kind, configuration(server)) as c:
            key = await c.byok("get_byok_v1_key", "dlz-f3a90de")
    assert key.state == 5
    assert key.validation.since == "yesterday" and key.validation.phase == "VALID"
    assert key.key.actual_instance.roles == "not-a-list" and key.key.actual_instance.key_arn.startswith("arn:")
    assert {(d.path, d.problem) for d in key.model_deviations} == {
        ("state", "string_type"),
        ("validation.since", "timestamp_format"),
        ("key.roles", "list_type"),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a value kept as sent is written without complaint
        assert json.loads(key.to_json()) == odd
        assert key.to_dict() == odd and key.model_dump()["state"] == 5 and '"state":5' in key.model_dump_json()
        repr(key)


async def test_strict_answers_refuses_as_before(kind: str) -> None:
    with HostileServer(serving(page(AWS_KEY, AZURE_2023))) as server:
        async with Clients(kind, configuration(server, strict_answers=True)) as c:
            with pytest.raises(ApiResponseError) as refused:
                await c.byok("list_byok_v1_keys")
    assert "'data[1].validation'" in str(refused.value) and "list_byok_v1_keys" in str(refused.value)


async def test_strict_answers_names_a_field_of_another_type(kind: str) -> None:
    odd = {**AWS_KEY, "state": 5}
    with HostileServer(serving(odd)) as server:
        async with Clients(kind, configuration(server, strict_answers=True)) as c:
            with pytest.raises(ApiResponseError) as refused:
                await c.byok("get_byok_v1_key", "dlz-f3a90de")
    assert "state (string_type)" in str(refused.value) and "get_byok_v1_key" in str(refused.value)


async def test_a_body_that_is_not_an_object_is_still_refused(kind: str) -> None:
    with HostileServer(serving(["not", "a", "key"])) as server:
        async with Clients(kind, configuration(server)) as c:
            with pytest.raises(ApiResponseError, match="not a valid ByokV1KeyRead"):
                await c.byok("get_byok_v1_key", "cck-1")


async def test_each_deviation_is_logged_once_per_operation_and_field(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = page(AZURE_2023, {**AZURE_2023, "id": "cck-other"}, with_metadata_null(AWS_KEY))
    caplog.set_level(logging.WARNING, logger="openapi_client")
    with HostileServer(serving(body)) as server:
        async with Clients(kind, configuration(server)) as c:
            for _ in range(3):
                await c.byok("list_byok_v1_keys")
        first_client = [r.getMessage() for r in caplog.records if r.name == "openapi_client"]
        async with Clients(kind, configuration(server)) as c:
            await c.byok("list_byok_v1_keys")
    assert len(first_client) == 2, first_client
    assert any("data[*].validation (missing)" in m and "list_byok_v1_keys" in m for m in first_client)
    assert any("data[*].metadata (model_type)" in m for m in first_client)
    every = [r.getMessage() for r in caplog.records if r.name == "openapi_client"]
    assert len(every) == 4  # a new client reports again
    for message in every:
        assert "cck-" not in message and "11111111" not in message and "AVAILABLE" not in message


async def test_a_create_answer_lacking_its_id_keeps_the_secret_out_of_logs_and_deviations(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    created = {
        "api_version": "iam/v2",
        "kind": "ApiKey",
        "metadata": {"created_at": "2022-03-23T06:16:59.527572Z", "self": "http://api.confluent.cloud/v2/api-keys/X"},
        "spec": {"owner": {"id": "sa-12mgdv", "related": "x", "resource_name": "y"}, "secret": SECRET},
    }
    caplog.set_level(logging.DEBUG, logger="openapi_client")
    with HostileServer(serving(created, 202)) as server:
        async with Clients(kind, configuration(server)) as c:
            key = await c.iam("create_iam_v2_api_key", {"spec": {"owner": {"id": "sa-12mgdv"}}})
    assert type(key) is IamV2ApiKeyCreated and key.id is None
    assert key.spec.secret.get_secret_value() == SECRET
    assert [d.path for d in key.model_deviations] == ["id"]
    assert SECRET not in caplog.text and SECRET not in repr(key.model_deviations) and SECRET not in repr(key)
    assert json.loads(key.to_json()) == created


async def test_conforming_answers_have_no_deviations(kind: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="openapi_client")
    with HostileServer(serving(page(AWS_KEY, AWS_KEY))) as server:
        async with Clients(kind, configuration(server)) as c:
            info = await c.byok("list_byok_v1_keys_with_http_info")
    assert info.deviations == () and info.data.model_deviations == ()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_the_deviations_accessor_cannot_be_shadowed_by_a_field() -> None:
    """A field the service adds under the accessor's name is kept as data, not in its place."""
    from openapi_client.models import ByokV1Key

    key = ByokV1Key.from_json(json.dumps({**AWS_KEY, "model_deviations": ["x"]}))
    assert key.model_deviations == ()
    assert json.loads(key.to_json())["model_deviations"] == ["x"]


def test_offsets_are_kept_and_read_as_aware_datetimes() -> None:
    key = ByokV1KeyRead.from_json(json.dumps(AWS_KEY))
    assert key.metadata.created_at == datetime(2006, 1, 2, 15, 4, 5, tzinfo=timezone(timedelta(hours=-7)))
    assert key.to_dict()["metadata"]["created_at"] == "2006-01-02T15:04:05-07:00"


# -- properties: whatever breaks the document, nothing is lost and nothing invented ----------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, prefix: Tuple[Any, ...] = ()) -> List[Tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


@st.composite
def broken(draw: st.DrawFn, document: Dict[str, Any]) -> Dict[str, Any]:
    """``document`` with a few of its values removed or replaced by any JSON value."""
    copy = json.loads(json.dumps(document))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(copy)
        if not paths:
            break
        *parents, last = draw(st.sampled_from(paths))
        target = copy
        for part in parents:
            target = target[part]
        if isinstance(target, dict) and draw(st.booleans()):
            del target[last]
        else:
            target[last] = draw(_json_values)
    return copy


def _decode(cls: Any, body: bytes) -> Tuple[Any, Dict[str, Any]]:
    from openapi_client.models._tolerant import fast_validator, lenient_validator

    context: Dict[str, Any] = {}
    fast = fast_validator(cls)
    try:
        return (fast.validate_json(body, context) if fast else cls.from_json(body)), context
    except ValueError:
        context = {}
        return lenient_validator(cls).validate_json(body, context), context


@settings(max_examples=examples(150), deadline=None)
@given(document=broken(AWS_KEY))
def test_any_broken_key_decodes_as_sent(document: Dict[str, Any]) -> None:
    body = json.dumps(document).encode()
    key, _ = _decode(ByokV1KeyRead, body)
    assert json.loads(key.to_json()) == document
    try:
        ByokV1KeyRead.from_json(body)
    except ValueError:
        assert key.model_deviations, "a refused answer must name what it breaks"
    else:
        assert key.model_deviations == ()


@settings(max_examples=examples(100), deadline=None)
@given(document=broken(page(AWS_KEY, AZURE_2023)))
def test_any_broken_page_decodes_as_sent(document: Dict[str, Any]) -> None:
    from openapi_client.models import ByokV1KeyList
    from openapi_client.models._tolerant import TOLERATED, mark_odd_items

    body = json.dumps(document).encode()
    decoded, context = _decode(ByokV1KeyList, body)
    if TOLERATED in context:
        mark_odd_items(decoded)
    assert json.loads(decoded.to_json()) == document
    try:
        ByokV1KeyList.from_json(body)
    except ValueError:
        assert decoded.model_deviations
    else:
        assert decoded.model_deviations == ()


@pytest.mark.parametrize("metadata", [None, {"next": 5}, "first-page"], ids=["null", "number-link", "string"])
async def test_a_page_whose_metadata_breaks_the_document_ends_the_walk(kind: str, metadata: Any) -> None:
    body = {**page(AWS_KEY, AZURE_2023), "metadata": metadata}
    with HostileServer(serving(body)) as server:
        async with Clients(kind, configuration(server)) as c:
            info = await c.byok("list_byok_v1_keys_with_http_info")
            iterated = await byok_pages(c)
        assert len(server.requests) == 2  # one page each, no link followed
    assert [item.id for item in iterated] == ["dlz-f3a90de", "cck-abcde"]
    assert {d.path for d in info.deviations} >= {"data[1].validation"}
    assert any(d.path.startswith("metadata") for d in info.deviations)
    assert json.loads(info.data.to_json()) == body


async def test_no_deviation_quotes_a_value(kind: str, caplog: pytest.LogCaptureFixture) -> None:
    """pydantic quotes a union tag it does not know; deviations and logs do not."""
    odd = {**AWS_KEY, "key": {"kind": 987654321, "key_arn": "arn:aws:kms:us-west-2:1:key/a"}}
    caplog.set_level(logging.WARNING, logger="openapi_client")
    with HostileServer(serving(odd)) as server:
        async with Clients(kind, configuration(server)) as c:
            key = await c.byok("get_byok_v1_key", "dlz-f3a90de")
    assert key.key == odd["key"] and key.model_deviations
    assert all(d.path.startswith("key") for d in key.model_deviations)
    assert "987654321" not in repr(key.model_deviations) and "987654321" not in caplog.text
