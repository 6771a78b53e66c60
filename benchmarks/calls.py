"""2. Per-call client overhead: CPU time of the client process per call through IamApiKeysApi.

Floor: ``urllib3.PoolManager().request(...)`` plus ``json.loads`` on the same server and
the same bodies, with the same headers. The server runs in another process, so
``time.process_time`` counts only the client's work.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Callable, Dict, List, Optional, Tuple

import urllib3

from benchmarks import floor_models, payloads, real_generated
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
            results.extend(_against_generated(server.url, api, settings))
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


def _against_generated(server_url: str, api: IamApiKeysApi, settings: Settings) -> List[Result]:
    """get and list against the openapi-generator client, or its stand-in when it cannot be built.

    With the real client the stand-in rows stay, as information: the stand-in decodes every
    field the SDK decodes, the generated client only part of them (see the note).
    """
    expected = payloads.api_key_list(100)
    if api.list_iam_v2_api_keys(page_size=100).to_dict() != expected:
        raise AssertionError("the SDK does not decode the page as sent")
    client = real_generated.load()
    if isinstance(client, str):
        return _generated_style(server_url, api, settings, 1.0, f"openapi-generator client unavailable ({client}); ")
    return [
        *_real_generated(client, server_url, api, settings),
        *_generated_style(server_url, api, settings, None, ""),
    ]


def _real_generated(
    client: real_generated.GeneratedClient, server_url: str, api: IamApiKeysApi, settings: Settings
) -> List[Result]:
    generated = real_generated.configured_api(client, server_url, USERNAME, PASSWORD)

    def decoded(model: Any) -> Any:
        return model.model_dump(mode="json", by_alias=True, exclude_none=True)

    # Whatever the generated models keep must be what was sent; what they drop is named.
    def note(sent: Any, answer: Any, what: str) -> str:
        dropped = real_generated.dropped_fields(sent, decoded(answer))
        return f"floor: {client.describe()}; its models drop {', '.join(dropped) or 'nothing'} of {what}"

    list_note = note(payloads.api_key_list(100), generated.list_iam_v2_api_keys(page_size=100), "the page")
    get_note = note(payloads.api_key(), generated.get_iam_v2_api_key(API_KEY_ID), "the key")
    return [
        _versus(
            "get vs openapi-generator client",
            lambda: api.get_iam_v2_api_key(API_KEY_ID),
            lambda: generated.get_iam_v2_api_key(API_KEY_ID),
            2000,
            None,
            get_note,
            settings,
        ),
        _versus(
            "list (100 keys) vs openapi-generator client",
            lambda: api.list_iam_v2_api_keys(page_size=100),
            lambda: generated.list_iam_v2_api_keys(page_size=100),
            100,
            1.0,
            list_note,
            settings,
        ),
    ]


def _generated_style(
    server_url: str, api: IamApiKeysApi, settings: Settings, list_target: Optional[float], why: str
) -> List[Result]:
    """get and list against a stand-in for the openapi-generator client (``generated_style.py``)."""
    generated = GeneratedStyleApi(server_url, USERNAME, PASSWORD)
    # The stand-in has no field for what the document does not list (``spec.resources`` of
    # older services) and drops it, as a generated client does; the SDK keeps it.
    expected = payloads.api_key_list(100)
    for item in expected["data"]:
        item["spec"].pop("resources", None)
    page = generated.list_iam_v2_api_keys(page_size=100)
    if page.model_dump(mode="json", by_alias=True, exclude_none=True) != expected:
        raise AssertionError("the generated-style client does not decode the page as sent")
    note = f"{why}floor: benchmarks/generated_style.py, a stand-in for the openapi-generator client"
    return [
        _versus(
            "get vs generated-style client",
            lambda: api.get_iam_v2_api_key(API_KEY_ID),
            lambda: generated.get_iam_v2_api_key(API_KEY_ID),
            2000,
            None,
            note,
            settings,
        ),
        _versus(
            "list (100 keys) vs generated-style client",
            lambda: api.list_iam_v2_api_keys(page_size=100),
            lambda: generated.list_iam_v2_api_keys(page_size=100),
            100,
            list_target,
            note,
            settings,
        ),
    ]


def _versus(
    case: str, sdk_call: Call, other_call: Call, number: int, target: Optional[float], note: str, settings: Settings
) -> Result:
    sdk_time, other_time = compare(
        sdk_call, other_call, number=settings.scale(number) // 10 or 1, rounds=settings.rounds(30)
    )
    return Result("calls", case, sdk_time * 1e6, other_time * 1e6, "µs CPU", target, note)
