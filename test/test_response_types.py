"""Answers are decoded into the response models their schemas call for, and dict bodies are
checked like models before anything is sent."""

from __future__ import annotations

import importlib.util
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, Tuple

import pytest

import openapi_client
from openapi_client import ApiResponseError, ApiValueError, ByokV1Key, IamV2ApiKey
from openapi_client.models.responses import (
    ByokV1KeyCreated,
    ByokV1KeyListItem,
    ByokV1KeyRead,
    IamV2ApiKeyCreated,
    IamV2ApiKeyListItem,
    IamV2ApiKeyRead,
)
from openapi_client.testing import FakeConfluentCloud

_TOOL = Path(__file__).resolve().parent.parent / "tools" / "request_dicts.py"
_spec = importlib.util.spec_from_file_location("request_dicts", _TOOL)
assert _spec is not None and _spec.loader is not None
request_dicts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(request_dicts)

OWNER = {"id": "sa-1", "related": "https://x/sa-1", "resource_name": "crn://x/sa-1"}
API_KEY: Dict[str, Any] = {
    "api_version": "iam/v2",
    "kind": "ApiKey",
    "id": "KEY1",
    "metadata": {"self": "https://x/KEY1"},
    "spec": {"owner": OWNER, "display_name": "k"},
}
BYOK_KEY: Dict[str, Any] = {
    "api_version": "byok/v1",
    "kind": "Key",
    "id": "cck-1",
    "metadata": {"self": "https://x/cck-1"},
    "key": {"kind": "AwsKey", "key_arn": "arn:aws:kms:us-west-2:1:key/a"},
    "provider": "AWS",
    "state": "AVAILABLE",
    "validation": {"phase": "VALID", "since": "2024-03-20T15:30:00Z"},
}


class _FixedAnswer(BaseHTTPRequestHandler):
    """Answers every request with the server's one status and JSON body."""

    # Head and body go out in two writes: without this, Nagle holds the body ~40 ms for the ACK.
    disable_nagle_algorithm = True
    server: Any

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps(self.server.answer_body).encode()
        self.send_response(self.server.answer_status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = _answer  # noqa: N815 - the names http.server looks up

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(strict: bool) -> Iterator[Tuple[ThreadingHTTPServer, openapi_client.ApiClient]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FixedAnswer)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    config = openapi_client.Configuration(
        host=f"http://127.0.0.1:{server.server_port}", username="k", password="s", strict_answers=strict
    )
    try:
        with openapi_client.ApiClient(config) as client:
            yield server, client
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fixed_server() -> Iterator[Tuple[ThreadingHTTPServer, openapi_client.ApiClient]]:
    """A server answering what the test sets, and a client decoding tolerantly (the default)."""
    yield from _serve(strict=False)


@pytest.fixture
def strict_server() -> Iterator[Tuple[ThreadingHTTPServer, openapi_client.ApiClient]]:
    """The same with ``Configuration(strict_answers=True)``: answers breaking the document are refused."""
    yield from _serve(strict=True)


def _without(document: Dict[str, Any], dotted: str) -> Dict[str, Any]:
    copy = json.loads(json.dumps(document))
    *parents, last = dotted.split(".")
    target = copy
    for name in parents:
        target = target[name]
    del target[last]
    return copy


CASES = [
    ("get_iam_v2_api_key", 200, API_KEY, "spec.owner"),
    ("get_iam_v2_api_key", 200, API_KEY, "kind"),
    ("get_iam_v2_api_key", 200, API_KEY, "spec.owner.related"),
    ("get_byok_v1_key", 200, BYOK_KEY, "metadata.self"),
    ("update_iam_v2_api_key", 200, API_KEY, "id"),
    ("create_iam_v2_api_key", 202, {**API_KEY, "spec": {**API_KEY["spec"], "secret": "s3cr3t-value"}}, "spec.secret"),
    ("create_iam_v2_api_key", 202, {**API_KEY, "spec": {**API_KEY["spec"], "secret": "s3cr3t-value"}}, "spec.owner"),
    ("get_byok_v1_key", 200, BYOK_KEY, "validation"),
    ("get_byok_v1_key", 200, BYOK_KEY, "state"),
    ("update_byok_v1_key", 200, BYOK_KEY, "provider"),
    ("create_byok_v1_key", 201, BYOK_KEY, "key"),
]


def _call(client: openapi_client.ApiClient, operation: str) -> Any:
    iam = openapi_client.IamApiKeysApi(client)
    byok = openapi_client.ByokKeysApi(client)
    calls = {
        "get_iam_v2_api_key": lambda: iam.get_iam_v2_api_key("KEY1"),
        "update_iam_v2_api_key": lambda: iam.update_iam_v2_api_key("KEY1", {"spec": {"display_name": "n"}}),
        "create_iam_v2_api_key": lambda: iam.create_iam_v2_api_key({"spec": {"owner": {"id": "sa-1"}}}),
        "list_iam_v2_api_keys": lambda: iam.list_iam_v2_api_keys(),
        "get_byok_v1_key": lambda: byok.get_byok_v1_key("cck-1"),
        "update_byok_v1_key": lambda: byok.update_byok_v1_key("cck-1", {"display_name": "n"}),
        "create_byok_v1_key": lambda: byok.create_byok_v1_key({"key": {"kind": "GcpKey", "key_id": "projects/p"}}),
        "list_byok_v1_keys": lambda: byok.list_byok_v1_keys(),
    }
    return calls[operation]()


@pytest.mark.parametrize(("operation", "status", "document", "field"), CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_an_answer_lacking_a_required_field_names_it_and_the_operation(
    strict_server: Tuple[ThreadingHTTPServer, openapi_client.ApiClient],
    operation: str,
    status: int,
    document: Dict[str, Any],
    field: str,
) -> None:
    server, client = strict_server
    server.answer_status, server.answer_body = status, document  # type: ignore[attr-defined]
    _call(client, operation)  # the complete answer decodes
    server.answer_body = _without(document, field)  # type: ignore[attr-defined]
    with pytest.raises(ApiResponseError) as refused:
        _call(client, operation)
    message = str(refused.value)
    assert f"'{field}'" in message and operation in message
    assert "s3cr3t-value" not in message and "s3cr3t-value" not in repr(refused.value.__dict__)


@pytest.mark.parametrize(
    ("operation", "page", "field"),
    [
        (
            "list_iam_v2_api_keys",
            {"api_version": "iam/v2", "kind": "ApiKeyList", "metadata": {}, "data": [API_KEY, API_KEY]},
            "data[1].spec.owner",
        ),
        (
            "list_byok_v1_keys",
            {"api_version": "byok/v1", "kind": "KeyList", "metadata": {}, "data": [BYOK_KEY, BYOK_KEY]},
            "data[1].metadata",
        ),
    ],
)
def test_a_list_item_lacking_a_required_field_is_named_with_its_index(
    strict_server: Tuple[ThreadingHTTPServer, openapi_client.ApiClient],
    operation: str,
    page: Dict[str, Any],
    field: str,
) -> None:
    server, client = strict_server
    server.answer_status, server.answer_body = 200, page  # type: ignore[attr-defined]
    _call(client, operation)
    broken = json.loads(json.dumps(page))
    item = broken["data"][1]
    if field.endswith("spec.owner"):
        del item["spec"]["owner"]
    else:
        del item["metadata"]
    server.answer_body = broken  # type: ignore[attr-defined]
    with pytest.raises(ApiResponseError) as refused:
        _call(client, operation)
    assert f"lacks '{field}'" in str(refused.value) and operation in str(refused.value)


def test_answers_are_the_seed_models_and_round_trip_like_them(cloud: FakeConfluentCloud) -> None:
    with openapi_client.ApiClient(cloud.configuration()) as client:
        iam = openapi_client.IamApiKeysApi(client)
        byok = openapi_client.ByokKeysApi(client)
        created = iam.create_iam_v2_api_key(IamV2ApiKey.from_dict({"spec": {"owner": {"id": "sa-9"}}}))
        read = iam.get_iam_v2_api_key(created.id)
        listed = next(iam.iter_iam_v2_api_keys())
        registered = byok.create_byok_v1_key(ByokV1Key(key=openapi_client.ByokV1GcpKey(key_id="projects/p/k")))
        byok_read = byok.get_byok_v1_key(registered.id)
        byok_listed = next(byok.iter_byok_v1_keys())
    for answer, answer_class, seed in (
        (created, IamV2ApiKeyCreated, IamV2ApiKey),
        (read, IamV2ApiKeyRead, IamV2ApiKey),
        (listed, IamV2ApiKeyListItem, IamV2ApiKey),
        (registered, ByokV1KeyCreated, ByokV1Key),
        (byok_read, ByokV1KeyRead, ByokV1Key),
        (byok_listed, ByokV1KeyListItem, ByokV1Key),
    ):
        assert type(answer) is answer_class and isinstance(answer, seed)
        assert seed.from_json(answer.to_json()).to_dict() == answer.to_dict()
        assert answer_class.from_json(answer.to_json()).to_json() == answer.to_json()
    assert created.spec.secret.get_secret_value() not in repr(created)


def test_a_dict_body_without_the_key_kind_is_refused_before_sending(cloud: FakeConfluentCloud) -> None:
    with openapi_client.ApiClient(cloud.configuration()) as client:
        byok = openapi_client.ByokKeysApi(client)
        before = len(cloud.requests)
        with pytest.raises(ApiValueError, match=r"'key\.kind'"):
            byok.create_byok_v1_key({"key": {"key_arn": "arn:aws:kms:us-west-2:1:key/a"}})  # type: ignore[arg-type]
        assert len(cloud.requests) == before


def test_a_dict_body_with_a_future_key_kind_is_sent_as_given(cloud: FakeConfluentCloud) -> None:
    with openapi_client.ApiClient(cloud.configuration()) as client:
        byok = openapi_client.ByokKeysApi(client)
        with pytest.raises(openapi_client.ApiException) as refused:
            byok.create_byok_v1_key({"key": {"kind": "HsmKey", "slot": "7"}})  # type: ignore[arg-type]
        assert refused.value.status == 422  # the emulator, not the SDK, refused it
        assert cloud.requests[-1].method == "POST"


def test_request_dicts_module_is_fresh() -> None:
    assert request_dicts.OUTPUT.read_text(encoding="utf-8") == request_dicts.render(), (
        "openapi_client/models/request_dicts.py is stale: run python tools/request_dicts.py"
    )


def test_answers_keep_enum_values_newer_than_the_sdk(
    fixed_server: Tuple[ThreadingHTTPServer, openapi_client.ApiClient],
) -> None:
    server, client = fixed_server
    newer = {**BYOK_KEY, "provider": "OCI", "state": "RETIRING", "validation": {**BYOK_KEY["validation"]}}
    newer["validation"]["phase"] = "REVALIDATING"
    newer["key"] = {"kind": "OciKey", "vault_key_id": "ocid1.key.oc1..x"}
    server.answer_status, server.answer_body = 200, newer  # type: ignore[attr-defined]
    read = openapi_client.ByokKeysApi(client).get_byok_v1_key("cck-1")
    assert type(read) is ByokV1KeyRead
    assert (read.provider, read.state, read.validation.phase) == ("OCI", "RETIRING", "REVALIDATING")
    assert json.loads(read.to_json()) == newer
    server.answer_body = {"api_version": "byok/v1", "kind": "KeyList", "metadata": {}, "data": [newer]}  # type: ignore[attr-defined]
    (listed,) = openapi_client.ByokKeysApi(client).list_byok_v1_keys().data
    assert type(listed) is ByokV1KeyListItem and listed.state == "RETIRING"


def test_a_key_of_a_known_kind_lacking_its_identifier_is_named_by_its_json_path(
    strict_server: Tuple[ThreadingHTTPServer, openapi_client.ApiClient],
) -> None:
    """The key union also tries a known kind as an unknown key (which refuses it); that
    refusal and the union's branch names stay out of the message, as for any other field."""
    server, client = strict_server
    broken = json.loads(json.dumps(BYOK_KEY))
    del broken["key"]["key_arn"]
    server.answer_status, server.answer_body = 200, broken  # type: ignore[attr-defined]
    with pytest.raises(ApiResponseError) as refused:
        _call(client, "get_byok_v1_key")
    message = str(refused.value)
    assert "lacks 'key.AwsKey.key_arn'" in message and "get_byok_v1_key" in message
    assert "known" not in message
