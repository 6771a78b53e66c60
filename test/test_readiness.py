"""The waiters' conditions judge a read the same way whether it was awaited or not."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, List, Optional

import pytest

from openapi_client import KeyValidationFailedError, NotFoundException, models
from openapi_client.models import enums
from openapi_client.readiness import API_KEY_READABLE, BYOK_KEY_VALIDATED, Readiness


def byok_key(phase: str) -> models.ByokV1Key:
    return models.ByokV1Key.from_dict(
        {
            "id": "cck-1",
            "key": {"kind": "AwsKey", "key_arn": "arn:aws:kms:us-west-2:111:key/abc"},
            "validation": {"phase": phase, "since": "2026-01-01T00:00:00Z", "message": "no access"},
        }
    )


def judge_both(readiness: Readiness, read: Callable[[], Any]) -> List[Optional[Any]]:
    """The sync and the async poll's answers to the same read."""

    async def read_async() -> Any:
        return read()

    return [readiness.poller(read)(), asyncio.run(readiness.async_poller(read_async)())]


def test_a_validated_key_is_ready_and_one_still_initializing_is_not() -> None:
    valid = byok_key(enums.VALID)
    assert judge_both(BYOK_KEY_VALIDATED, lambda: valid) == [valid, valid]
    assert judge_both(BYOK_KEY_VALIDATED, lambda: byok_key(enums.INITIALIZING)) == [None, None]
    assert judge_both(BYOK_KEY_VALIDATED, lambda: byok_key("REVALIDATING")) == [None, None]


def test_an_invalid_key_raises_naming_its_cloud_and_identifier() -> None:
    with pytest.raises(KeyValidationFailedError, match=r"cck-1 \(AWS key arn:aws:kms:.*\) is INVALID: no access"):
        BYOK_KEY_VALIDATED.poller(lambda: byok_key(enums.INVALID))()
    with pytest.raises(KeyValidationFailedError):
        judge_both(BYOK_KEY_VALIDATED, lambda: byok_key(enums.INVALID))


def test_not_found_means_not_yet_for_a_new_api_key_and_other_errors_pass() -> None:
    def missing() -> Any:
        raise NotFoundException(status=404)

    assert judge_both(API_KEY_READABLE, missing) == [None, None]
    assert API_KEY_READABLE.describe("KEY1") == "API key KEY1"

    def broken() -> Any:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        API_KEY_READABLE.poller(broken)()


def test_variants_carry_their_kind_provider_and_identifier() -> None:
    from openapi_client.models.byok_v1_key_key import KEY_KINDS, VARIANTS

    assert [(v.KIND, v.PROVIDER, v.IDENTIFIER_FIELD) for v in VARIANTS] == [
        ("AwsKey", "AWS", "key_arn"),
        ("AzureKey", "Azure", "key_id"),
        ("GcpKey", "GCP", "key_id"),
    ]
    assert {v.KIND: v for v in VARIANTS} == KEY_KINDS
    gcp = models.ByokV1GcpKey(key_id="projects/p/locations/l/keyRings/r/cryptoKeys/k")
    assert gcp.identifier == gcp.key_id
