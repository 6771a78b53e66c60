"""1. Model decode/encode: the SDK's models against plain pydantic models of the same shape.

Floor: ``model_validate_json`` for ``from_json``, ``model_dump_json`` for ``to_json`` and
``model_dump(mode="json")`` for ``to_dict`` (the SDK's ``to_dict`` returns JSON-ready data,
datetimes as strings, so the floor is asked for the same output).

Two more rows time a page as the client decodes it (tolerantly: each item a union of the
precise item model and its lenient form): a conforming page against the plain floor, and a
page whose one item lacks ``validation`` against a conforming page plus one more decode of
that item (issue 18 §7: an odd item costs at most one more decode of it).
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
    results.extend(_client_decode(settings, rounds))
    return results


def _client_decode(settings: Settings, rounds: int) -> List[Result]:
    from openapi_client.models._tolerant import TOLERATED, fast_validator
    from openapi_client.models.responses import ByokV1KeyListItem

    decoder = fast_validator(ByokV1KeyList)
    assert decoder is not None
    page = payloads.byok_key_list()
    body = payloads.dumps(page)
    odd_page = json.loads(body)
    odd_item = odd_page["data"][len(odd_page["data"]) // 2]
    del odd_item["validation"]
    odd_body = payloads.dumps(odd_page)
    item_body = payloads.dumps(page["data"][len(page["data"]) // 2])
    context: dict = {}
    decoded = decoder.validate_json(odd_body, context)
    if TOLERATED not in context or json.loads(decoded.to_json()) != odd_page:
        raise AssertionError("the page with an odd item is not decoded tolerantly as sent")
    if json.loads(decoder.validate_json(body, {}).to_json()) != page:
        raise AssertionError("the client's page decode does not reproduce the payload")

    def conforming_plus_one_item() -> None:
        decoder.validate_json(body, {})
        ByokV1KeyListItem.from_json(item_body)

    number = settings.scale(8)
    results = []
    sdk_time, floor_time = compare(
        lambda: decoder.validate_json(body, {}),
        partial(floor_models.KeyList.model_validate_json, body),
        number=number,
        rounds=rounds,
    )
    results.append(
        Result("models", "ByokV1KeyList (100) as the client decodes it", sdk_time * 1e6, floor_time * 1e6, "µs", TARGET)
    )
    sdk_time, floor_time = compare(
        lambda: decoder.validate_json(odd_body, {}), conforming_plus_one_item, number=number, rounds=rounds
    )
    results.append(
        Result(
            "models",
            "ByokV1KeyList (100), one item without validation, vs conforming + one item decode",
            sdk_time * 1e6,
            floor_time * 1e6,
            "µs",
            1.05,
            "target 1x (at most one more decode of the odd item); 1.05 leaves room for noise",
        )
    )
    return results
