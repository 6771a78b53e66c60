"""2. Per-call client overhead: CPU time of the client process per call through IamApiKeysApi.

Floor: ``urllib3.PoolManager().request(...)`` plus ``json.loads`` on the same server and
the same bodies, with the same headers. The server runs in another process, so
``time.process_time`` counts only the client's work.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Callable, Dict, List, Tuple

import urllib3

from benchmarks import floor_models, payloads
from benchmarks.generated_style import GeneratedStyleApi
from benchmarks.harness import Result, Settings, compare
from benchmarks.loopback import API_KEY_ID, CannedServer
from openapi_client import (
    ApiClient,
    Configuration,
    IamApiKeysApi,
    IamV2ApiKey,
    IamV2ApiKeySpec,
    IamV2ApiKeySpecUpdate,
    IamV2ApiKeyUpdate,
    ObjectReference,
)

__all__ = ["run", "operations"]

TARGET = 1.3
# Issue 13 §6: the list call against urllib3 + a plain pydantic model of the same shape.
TYPED_TARGET = 1.1
USERNAME = "BENCHKEY"
PASSWORD = "bench-secret"

Call = Callable[[], Any]


def operations(server_url: str, api: IamApiKeysApi) -> List[Tuple[str, Call, Call, int]]:
    """(name, SDK call, floor call, calls per round at full size) for each operation."""
    pool = urllib3.PoolManager()
    token = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "Accept": "application/json", "User-Agent": "bench/1.0"}
    json_headers = dict(headers, **{"Content-Type": "application/json"})
    collection = f"{server_url}/iam/v2/api-keys"
    item = f"{collection}/{API_KEY_ID}"

    new_key = IamV2ApiKey(
        spec=IamV2ApiKeySpec(
            display_name="ci-deployer",
            description="Deploys connectors from the release pipeline",
            owner=ObjectReference(id="sa-12mgdv"),
            resource=ObjectReference(id="lkc-95w6wy", environment="env-a12b3"),
        )
    )
    new_key_dict: Dict[str, Any] = {
        "spec": {
            "display_name": "ci-deployer",
            "description": "Deploys connectors from the release pipeline",
            "owner": {"id": "sa-12mgdv"},
            "resource": {"id": "lkc-95w6wy", "environment": "env-a12b3"},
        }
    }
    update = IamV2ApiKeyUpdate(spec=IamV2ApiKeySpecUpdate(display_name="renamed", description="rotated monthly"))
    update_dict = {"spec": {"display_name": "renamed", "description": "rotated monthly"}}

    def body(value: Dict[str, Any]) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()

    def floor_get() -> Any:
        return json.loads(pool.request("GET", item, headers=headers).data)

    def floor_list() -> Any:
        return json.loads(pool.request("GET", collection + "?page_size=100", headers=headers).data)

    def floor_create() -> Any:
        return json.loads(pool.request("POST", collection, body=body(new_key_dict), headers=json_headers).data)

    def floor_update() -> Any:
        return json.loads(pool.request("PATCH", item, body=body(update_dict), headers=json_headers).data)

    def floor_delete() -> Any:
        return pool.request("DELETE", item, headers=headers).status

    return [
        ("get", lambda: api.get_iam_v2_api_key(API_KEY_ID), floor_get, 2000),
        ("list (100 keys)", lambda: api.list_iam_v2_api_keys(page_size=100), floor_list, 100),
        ("create", lambda: api.create_iam_v2_api_key(new_key), floor_create, 2000),
        ("update", lambda: api.update_iam_v2_api_key(API_KEY_ID, update), floor_update, 2000),
        ("delete", lambda: api.delete_iam_v2_api_key(API_KEY_ID), floor_delete, 2000),
    ]


def run(settings: Settings) -> List[Result]:
    results: List[Result] = []
    with CannedServer() as server:
        config = Configuration(host=server.url, username=USERNAME, password=PASSWORD)
        with ApiClient(config) as client:
            api = IamApiKeysApi(client)
            for name, sdk_call, floor_call, number in operations(server.url, api):
                sdk_time, floor_time = compare(
                    sdk_call,
                    floor_call,
                    number=settings.scale(number) // 10 or 1,
                    rounds=settings.rounds(30),
                )
                results.append(Result("calls", name, sdk_time * 1e6, floor_time * 1e6, "µs CPU", TARGET))
            results.append(_typed_list(server.url, api, settings))
            results.extend(_generated_style(server.url, api, settings))
    return results


def _typed_list(server_url: str, api: IamApiKeysApi, settings: Settings) -> Result:
    """The list call against a typed floor: urllib3 plus a plain pydantic model of the page.

    Decoding 100 keys into models costs more than ``json.loads`` into dicts whoever does
    it; this row shows how much of the list figure is the SDK rather than typing itself.
    """
    pool = urllib3.PoolManager()
    token = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "Accept": "application/json", "User-Agent": "bench/1.0"}
    url = f"{server_url}/iam/v2/api-keys?page_size=100"

    def typed_floor() -> Any:
        return floor_models.ApiKeyList.model_validate_json(pool.request("GET", url, headers=headers).data)

    sdk_time, floor_time = compare(
        lambda: api.list_iam_v2_api_keys(page_size=100),
        typed_floor,
        number=settings.scale(100) // 10 or 1,
        rounds=settings.rounds(30),
    )
    return Result(
        "calls",
        "list (100 keys) vs typed floor",
        sdk_time * 1e6,
        floor_time * 1e6,
        "µs CPU",
        TYPED_TARGET,
        "floor: urllib3 + plain pydantic model_validate_json",
    )


def _generated_style(server_url: str, api: IamApiKeysApi, settings: Settings) -> List[Result]:
    """get and list against a stand-in for the openapi-generator client (``generated_style.py``)."""
    generated = GeneratedStyleApi(server_url, USERNAME, PASSWORD)
    # Both sides must decode the same answers to the same data. A generated client has no
    # field for what the document does not list (``spec.resources`` of older services) and
    # drops it; the SDK keeps it.
    expected = payloads.api_key_list(100)
    if api.list_iam_v2_api_keys(page_size=100).to_dict() != expected:
        raise AssertionError("the SDK does not decode the page as sent")
    for item in expected["data"]:
        item["spec"].pop("resources", None)
    page = generated.list_iam_v2_api_keys(page_size=100)
    if page.model_dump(mode="json", by_alias=True, exclude_none=True) != expected:
        raise AssertionError("the generated-style client does not decode the page as sent")
    # Issue 13 sets the target on the list call; the get row shows the fixed cost per call.
    cases = (
        (
            "get",
            lambda: api.get_iam_v2_api_key(API_KEY_ID),
            lambda: generated.get_iam_v2_api_key(API_KEY_ID),
            2000,
            None,
        ),
        (
            "list (100 keys)",
            lambda: api.list_iam_v2_api_keys(page_size=100),
            lambda: generated.list_iam_v2_api_keys(page_size=100),
            100,
            1.0,
        ),
    )
    results = []
    for name, sdk_call, generated_call, number, target in cases:
        sdk_time, generated_time = compare(
            sdk_call, generated_call, number=settings.scale(number) // 10 or 1, rounds=settings.rounds(30)
        )
        results.append(
            Result(
                "calls",
                f"{name} vs generated-style client",
                sdk_time * 1e6,
                generated_time * 1e6,
                "µs CPU",
                target,
                "floor: benchmarks/generated_style.py, a stand-in for the openapi-generator client",
            )
        )
    return results
