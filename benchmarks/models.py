"""1. Model decode/encode: the SDK's models against plain pydantic models of the same shape.

Floor: ``model_validate_json`` for ``from_json``, ``model_dump_json`` for ``to_json`` and
``model_dump(mode="json")`` for ``to_dict`` (the SDK's ``to_dict`` returns JSON-ready data,
datetimes as strings, so the floor is asked for the same output).
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any, List, Tuple, Type

from benchmarks import floor_models, payloads
from benchmarks.harness import Result, Settings, compare
from openapi_client import ByokV1Key, ByokV1KeyList, IamV2ApiKey, IamV2ApiKeyList

__all__ = ["run"]

TARGET = 1.5


def _cases() -> List[Tuple[str, Type[Any], Type[Any], bytes, int]]:
    # (name, SDK model, floor model, JSON body, calls per round at full size)
    return [
        ("IamV2ApiKey", IamV2ApiKey, floor_models.ApiKey, payloads.dumps(payloads.api_key()), 500),
        ("ByokV1Key (AWS)", ByokV1Key, floor_models.Key, payloads.dumps(payloads.byok_key("AwsKey")), 500),
        ("ByokV1Key (Azure)", ByokV1Key, floor_models.Key, payloads.dumps(payloads.byok_key("AzureKey")), 500),
        ("ByokV1Key (GCP)", ByokV1Key, floor_models.Key, payloads.dumps(payloads.byok_key("GcpKey")), 500),
        ("IamV2ApiKeyList (100)", IamV2ApiKeyList, floor_models.ApiKeyList, payloads.dumps(payloads.api_key_list()), 8),
        ("ByokV1KeyList (100)", ByokV1KeyList, floor_models.KeyList, payloads.dumps(payloads.byok_key_list()), 8),
    ]


def run(settings: Settings) -> List[Result]:
    results: List[Result] = []
    rounds = settings.rounds(41)
    for name, model, floor, body, number in _cases():
        number = settings.scale(number)
        sdk_obj = model.from_json(body)
        floor_obj = floor.model_validate_json(body)
        # Both sides must do the same work: the same document in, the same document out.
        if json.loads(sdk_obj.to_json()) != json.loads(body):
            raise AssertionError(f"{name}: to_json does not reproduce the payload")
        if floor_obj.model_dump(mode="json", by_alias=True, exclude_none=True) != json.loads(body):
            raise AssertionError(f"{name}: the floor model does not match the payload")
        pairs = (
            ("from_json", partial(model.from_json, body), partial(floor.model_validate_json, body)),
            ("to_json", sdk_obj.to_json, partial(floor_obj.model_dump_json, by_alias=True)),
            ("to_dict", sdk_obj.to_dict, partial(floor_obj.model_dump, mode="json", by_alias=True)),
        )
        for op, subject, floor_fn in pairs:
            sdk_time, floor_time = compare(subject, floor_fn, number=number, rounds=rounds)
            results.append(Result("models", f"{name} {op}", sdk_time * 1e6, floor_time * 1e6, "µs", TARGET))
    return results
