"""Gone means gone: ``readiness.is_gone`` and the deletion waiters, in both clients over loopback.

Confluent Cloud answers a read of a deleted API key ``403 forbidden_access`` (the bodies are
Confluent's Terraform provider's test data, in ``test/corpus``). The provider counts a 404, or
a 403 whose body does not say the caller's API key is invalid, as gone; so does the SDK.
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer

import openapi_client
from openapi_client import Configuration
from openapi_client.exceptions import ApiException, exception_for_status
from openapi_client.readiness import is_gone

CORPUS = Path(__file__).parent / "corpus"


def corpus_answer(source: str, name: str) -> Dict[str, Any]:
    document = json.loads((CORPUS / f"{source}.json").read_text(encoding="utf-8"))
    (item,) = [item for item in document["answers"] if item["name"] == name]
    return dict(item)


READ_KEY = corpus_answer("terraform-provider-confluent", "read_created_kafka_api_key")
DELETED_KEY = corpus_answer("terraform-provider-confluent", "read_deleted_kafka_api_key")
DELETED_GLOBAL_KEY = corpus_answer("terraform-provider-confluent", "read_deleted_global_api_key")
UNKNOWN_TO_THE_CLI = corpus_answer("confluent-cli-test-server", "byok key unknown")
READ_BYOK_KEY = corpus_answer("official-document", "byok aws key read")
# The provider's own test of its 403 rule uses this body for a caller whose key is invalid.
INVALID_API_KEY = {"errors": [{"detail": "403 forbidden: invalid API key for this operation"}]}


def error(status: int, body: Any) -> ApiException:
    return exception_for_status(status)(status=status, body=body if isinstance(body, str) else json.dumps(body))


@pytest.mark.parametrize(
    ("status", "body", "gone"),
    [
        (404, {"errors": [{"status": "404", "code": "api_key_not_found"}]}, True),
        (404, "", True),
        (403, DELETED_KEY["body"], True),
        (403, DELETED_GLOBAL_KEY["body"], True),
        (403, UNKNOWN_TO_THE_CLI["body"], True),
        (403, "<html>Forbidden</html>", True),
        (403, INVALID_API_KEY, False),
        (403, {"error": "Invalid API Key"}, False),
        (401, {"errors": [{"status": "401", "code": "unauthorized"}]}, False),
        (400, {"errors": [{"code": "not_found"}]}, False),
        (409, "", False),
        (429, "", False),
        (500, "not found", False),
    ],
)
def test_gone_is_404_or_a_403_not_refusing_the_callers_key(status: int, body: Any, gone: bool) -> None:
    assert is_gone(error(status, body)) is gone


@pytest.mark.parametrize("raised", [ValueError("404"), TimeoutError(), openapi_client.ApiValueError("x")])
def test_errors_that_are_not_answers_never_mean_gone(raised: BaseException) -> None:
    assert is_gone(raised) is False


class Scripted:
    """Answers GETs from a script of (status, body), the last one repeated; counts them."""

    def __init__(self, script: List[Dict[str, Any]]) -> None:
        self.script = script
        self.gets = 0
        self._lock = threading.Lock()

    def __call__(self, conn: socket.socket, request: Request) -> None:
        with self._lock:
            item = self.script[min(self.gets, len(self.script) - 1)]
            self.gets += request.method == "GET"
        conn.sendall(answer(item["status"], json.dumps(item["body"]).encode()))


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def configuration(server: HostileServer) -> Configuration:
    return Configuration(
        host=server.url, username="GONEKEY000000000", password="gone-secret-value", retries=False, timeout=(2.0, 2.0)
    )


async def wait(kind: str, api: str, method: str, key_id: str, script: List[Dict[str, Any]]) -> Optional[int]:
    """Run a deletion waiter against the script; the number of reads it made."""
    handler = Scripted(script)
    with HostileServer(handler) as server:
        async with Clients(kind, configuration(server)) as clients:
            result = await getattr(clients, api)(method, key_id, timeout=10, poll_interval=0.01)
    assert result is None
    return handler.gets


async def test_a_deleted_api_key_is_gone_once_reads_answer_403_forbidden_access(kind: str) -> None:
    script = [READ_KEY, READ_KEY, DELETED_KEY]
    reads = await wait(kind, "iam", "wait_for_iam_v2_api_key_deleted", "7FJIYKQ4SGQDQ72H", script)
    assert reads == 3


async def test_a_deleted_api_key_is_gone_once_reads_answer_404(kind: str) -> None:
    not_found = {"status": 404, "body": {"errors": [{"status": "404", "code": "api_key_not_found"}]}}
    assert await wait(kind, "iam", "wait_for_iam_v2_api_key_deleted", "7FJIYKQ4SGQDQ72H", [READ_KEY, not_found]) == 2


async def test_a_deleted_byok_key_is_gone_once_reads_are_refused(kind: str) -> None:
    reads = await wait(kind, "byok", "wait_for_byok_v1_key_deleted", "cck-abcde", [READ_BYOK_KEY, UNKNOWN_TO_THE_CLI])
    assert reads == 2


@pytest.mark.parametrize(
    ("status", "body", "exception"),
    [
        (403, INVALID_API_KEY, openapi_client.ForbiddenException),
        (401, {"errors": [{"status": "401", "detail": "no such credentials"}]}, openapi_client.UnauthorizedException),
    ],
)
async def test_a_refusal_of_the_callers_own_credentials_is_raised_at_once(
    kind: str, status: int, body: Any, exception: type
) -> None:
    handler = Scripted([READ_KEY, {"status": status, "body": body}])
    with HostileServer(handler) as server:
        async with Clients(kind, configuration(server)) as clients:
            with pytest.raises(exception):
                await clients.iam("wait_for_iam_v2_api_key_deleted", "KEY", timeout=10, poll_interval=0.01)
    assert handler.gets == 2


async def test_a_key_that_stays_readable_times_out_naming_it(kind: str) -> None:
    with HostileServer(Scripted([READ_KEY])) as server:
        async with Clients(kind, configuration(server)) as clients:
            with pytest.raises(openapi_client.WaiterTimeoutError, match="API key KEY7 to be deleted"):
                await clients.iam("wait_for_iam_v2_api_key_deleted", "KEY7", timeout=0.2, poll_interval=0.01)


def test_the_emulators_deleted_keys_are_gone(cloud: Any, iam: openapi_client.IamApiKeysApi) -> None:
    [key_id] = cloud.seed_api_keys(1, owner="sa-12mgdv")
    iam.delete_iam_v2_api_key(key_id)
    iam.wait_for_iam_v2_api_key_deleted(key_id, timeout=5, poll_interval=0.01)
    with pytest.raises(ApiException) as again:
        iam.delete_iam_v2_api_key(key_id)
    assert is_gone(again.value)
