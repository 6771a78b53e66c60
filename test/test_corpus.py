"""Real answers, through both clients over loopback: the bodies Confluent's own tools record.

``test/corpus/`` holds answer bodies as data, one JSON file per source (Confluent's Terraform
provider test data, the Confluent CLI's test server, the official document's examples), each
answer with its source path, commit, operation and status. Every answer is served by a raw
socket server (``hostile.py``) to the sync client and to ``openapi_client.aio``, and must:

- decode into the operation's answer type (2xx), or raise the error of its status with the
  service's words (4xx);
- give back the same values with the same spellings from ``to_dict()`` and ``to_json()``;
- be classified by ``api_key_kind`` as the key it is (API keys);
- for a read answered with an error, say whether the key is gone by ``readiness.is_gone``.

Some real bodies break the API document (a field it requires is missing): they decode
tolerantly, kept as sent, and name what they break on ``model_deviations``; every other body
names nothing. Timestamps come back with the service's spelling (nanoseconds, ``.000Z``).
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer

import openapi_client
from openapi_client import Configuration
from openapi_client.api_key_kinds import ApiKeyKind, api_key_kind
from openapi_client.exceptions import exception_for_status
from openapi_client.readiness import is_gone

CORPUS = Path(__file__).parent / "corpus"

# The request each operation is called with: the server answers the corpus body whatever it is.
CALLS: Dict[str, Tuple[str, Tuple[Any, ...]]] = {
    "create_iam_v2_api_key": (
        "iam",
        ({"spec": {"owner": {"id": "sa-12mgdv"}, "resource": {"id": "lkc-zmmq63", "environment": "env-3732nw"}}},),
    ),
    "get_iam_v2_api_key": ("iam", ("HRVR6K4VMXYD2LDZ",)),
    "list_iam_v2_api_keys": ("iam", ()),
    "create_byok_v1_key": ("byok", ({"key": {"kind": "AwsKey", "key_arn": "arn:aws:kms:us-west-2:111:key/abc"}},)),
    "get_byok_v1_key": ("byok", ("cck-abcde",)),
    "list_byok_v1_keys": ("byok", ()),
}

# What each API key answer is, by source file and answer name (lists: every item).
KINDS_OF_KEYS: Dict[str, ApiKeyKind] = {
    "terraform-provider-confluent:create_cloud_api_key": ApiKeyKind.CLOUD,
    "terraform-provider-confluent:read_created_cloud_api_key": ApiKeyKind.CLOUD,
    "terraform-provider-confluent:create_flink_api_key (current form)": ApiKeyKind.FLINK,
    "terraform-provider-confluent:create_flink_api_key (older form)": ApiKeyKind.FLINK,
    "terraform-provider-confluent:read_created_flink_api_key (older form)": ApiKeyKind.FLINK,
    "terraform-provider-confluent:read_created_flink_api_key (current form)": ApiKeyKind.FLINK,
    "terraform-provider-confluent:create_global_api_key": ApiKeyKind.GLOBAL,
    "terraform-provider-confluent:read_created_global_api_key": ApiKeyKind.GLOBAL,
    "terraform-provider-confluent:create_kafka_api_key": ApiKeyKind.KAFKA,
    "terraform-provider-confluent:read_created_kafka_api_key": ApiKeyKind.KAFKA,
    "terraform-provider-confluent:create_tableflow_api_key": ApiKeyKind.TABLEFLOW,
    "terraform-provider-confluent:read_created_tableflow_api_key": ApiKeyKind.TABLEFLOW,
    "confluent-cli-test-server:iam api key MYKEY1": ApiKeyKind.KAFKA,
    "official-document:api key created": ApiKeyKind.KAFKA,
    "official-document:api key read": ApiKeyKind.KAFKA,
    "official-document:api key page": ApiKeyKind.KAFKA,
}

# Reads answered with an error: is the key gone? (A read after a delete, or of an unknown key.)
GONE = {
    "terraform-provider-confluent:read_deleted_kafka_api_key": True,
    "terraform-provider-confluent:read_deleted_flink_api_key": True,
    "terraform-provider-confluent:read_deleted_tableflow_api_key": True,
    "terraform-provider-confluent:read_deleted_global_api_key": True,
    "confluent-cli-test-server:iam api key unknown": True,
    "confluent-cli-test-server:byok key unknown": True,
}

# Answers that break the document: fields it requires are missing.
BREAKS_DOCUMENT = {
    # A read without validation (bodies from 2023): the document requires it on reads.
    "terraform-provider-confluent:byok aws_key_updated",
    "terraform-provider-confluent:byok azure_key_updated",
    # The CLI's test server writes only what its Go values hold: no api_version or kind, no
    # references' related/resource_name, a Flink create answer with only id and secret.
    "confluent-cli-test-server:iam api key MYKEY1",
    "confluent-cli-test-server:iam flink api key created",
    "confluent-cli-test-server:byok cck-001",
    "confluent-cli-test-server:byok cck-002",
    "confluent-cli-test-server:byok cck-003",
    "confluent-cli-test-server:byok cck-004",
}


def load_corpus() -> List[Tuple[str, Dict[str, Any]]]:
    answers = []
    for path in sorted(CORPUS.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["source"], f"{path.name} names no source"
        for item in document["answers"]:
            assert item.get("commit") or "document" in document["source"], f"{path.name}: {item['name']} has no commit"
            answers.append((f"{path.stem}:{item['name']}", item))
    return answers


ANSWERS = load_corpus()


def cases() -> Iterator[Any]:
    for name, item in ANSWERS:
        yield pytest.param(name, item, id=name)


def serving(item: Dict[str, Any]) -> Callable[[socket.socket, Request], None]:
    body = json.dumps(item["body"]).encode()

    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(answer(item["status"], body))

    return handle


def configuration(server: HostileServer) -> Configuration:
    return Configuration(
        host=server.url, username="CORPUSKEY0000000", password="corpus-secret-value", retries=False, timeout=(2.0, 2.0)
    )


async def call(kind: str, item: Dict[str, Any]) -> Any:
    api, args = CALLS[item["operation"]]
    with HostileServer(serving(item)) as server:
        async with Clients(kind, configuration(server)) as clients:
            return await getattr(clients, api)(item["operation"], *args)


def test_the_corpus_is_there_and_covers_every_source_and_operation() -> None:
    sources = {name.split(":")[0] for name, _ in ANSWERS}
    assert sources == {"terraform-provider-confluent", "confluent-cli-test-server", "official-document"}
    assert {item["operation"] for _, item in ANSWERS} == set(CALLS)
    assert set(KINDS_OF_KEYS) | set(GONE) | BREAKS_DOCUMENT <= {name for name, _ in ANSWERS}


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.parametrize(("name", "item"), [c for c in cases() if c.values[1]["status"] < 300])
async def test_each_answer_decodes_and_gives_back_the_same_values(kind: str, name: str, item: Dict[str, Any]) -> None:
    result = await call(kind, item)
    assert result.to_dict() == item["body"]
    assert json.loads(result.to_json()) == item["body"]
    assert bool(result.model_deviations) is (name in BREAKS_DOCUMENT), result.model_deviations
    if name in KINDS_OF_KEYS:
        keys = result.data if item["operation"].startswith("list_") else [result]
        assert keys and all(api_key_kind(key) is KINDS_OF_KEYS[name] for key in keys)


@pytest.mark.parametrize(("name", "item"), [c for c in cases() if c.values[1]["status"] >= 300])
async def test_each_error_answer_raises_its_status_with_the_services_words(
    kind: str, name: str, item: Dict[str, Any]
) -> None:
    with pytest.raises(openapi_client.ApiException) as raised:
        await call(kind, item)
    error = raised.value
    assert error.status == item["status"]
    assert type(error) is exception_for_status(item["status"])
    words = [e.get("detail") for e in item["body"].get("errors", [])] or [item["body"].get("message")]
    assert all(word and word in str(error) for word in words), str(error)
    if item["operation"].startswith("get_"):
        assert is_gone(error) is GONE[name]


def test_reads_of_api_keys_carry_an_empty_secret_kept_as_sent() -> None:
    reads = [item for name, item in ANSWERS if item["operation"] == "get_iam_v2_api_key" and item["status"] == 200]
    assert any(item["body"]["spec"].get("secret") == "" for item in reads)
    for item in reads:
        key = openapi_client.IamV2ApiKey.from_json(json.dumps(item["body"]))
        assert key is not None and key.spec is not None and not key.spec.secret
        assert key.to_dict()["spec"].get("secret") == item["body"]["spec"].get("secret")


# List metadata as Confluent's Go services write it when there is no other page: empty links.
# (Confluent's Terraform provider test data, internal/testdata/apikey/read_list_regions.json at
# 1b7d49596dd08af03eae9e7e5a1228c78408f6c6: the fcpm/v2 region list a Flink key's resource names.)
EMPTY_LINKS = {"first": "", "next": "", "total_size": 1}


@pytest.mark.parametrize("operation", ["list_iam_v2_api_keys", "list_byok_v1_keys"])
async def test_a_page_with_empty_links_is_the_last_and_keeps_them(kind: str, operation: str) -> None:
    iam = operation == "list_iam_v2_api_keys"
    item_name = "read_created_flink_api_key (current form)" if iam else "byok_key read_created_aws_key"
    (item,) = [i for n, i in ANSWERS if n == f"terraform-provider-confluent:{item_name}"]
    page = {
        "api_version": "iam/v2" if iam else "byok/v1",
        "kind": "ApiKeyList" if iam else "KeyList",
        "metadata": EMPTY_LINKS,
        "data": [item["body"]],
    }
    served = {"status": 200, "body": page}
    handler = serving(served)
    requests: List[Request] = []

    def counting(conn: socket.socket, request: Request) -> None:
        requests.append(request)
        handler(conn, request)

    with HostileServer(counting) as server:
        async with Clients(kind, configuration(server)) as clients:
            api = getattr(clients, "iam" if iam else "byok")
            listed = await api(operation)
            if iam:
                items = await clients.iam_iterated("iter_iam_v2_api_keys")
                assert [api_key_kind(key) for key in items] == [ApiKeyKind.FLINK]
    assert listed.to_dict() == page and json.loads(listed.to_json()) == page
    assert len(requests) == (2 if iam else 1)  # the iteration read one page: "" is no next page
