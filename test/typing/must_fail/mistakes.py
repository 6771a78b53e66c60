"""Mistakes the SDK's types must catch: each line marked ``expect-error`` is an error for both
mypy and pyright, and no other line is (tools/typecheck.py checks both)."""

from __future__ import annotations

import openapi_client
from openapi_client import ByokV1Key, ByokV1KeyKey
from openapi_client.models.enums import ByokKeyState
from openapi_client.models.responses import IamV2ApiKeyCreated, IamV2ApiKeyRead


def mistakes(iam: openapi_client.IamApiKeysApi, byok: openapi_client.ByokKeysApi) -> None:
    iam.create_iam_v2_api_key({"spec": {"owner": {"id": "sa-1"}, "dispaly_name": "typo"}})  # expect-error
    iam.create_iam_v2_api_key({"spec": {"display_name": "no owner"}})  # expect-error
    iam.create_iam_v2_api_key({"spec": {"owner": {"id": "sa-1"}, "secret": "server-set"}})  # expect-error
    iam.update_iam_v2_api_key("KEY", {"spec": {"owner": {"id": "sa-2"}}})  # expect-error
    byok.create_byok_v1_key({"key": {"key_arn": "arn:aws:kms:x"}})  # expect-error
    byok.create_byok_v1_key({"key": {"kind": "AwsKey", "key_id": "wrong field"}})  # expect-error
    byok.update_byok_v1_key("cck-1", {"key": {"kind": "GcpKey", "key_id": "immutable"}})  # expect-error
    ByokV1Key(key="AwsKey")  # expect-error
    ByokV1KeyKey(actual_instance="not a variant")  # expect-error
    created: IamV2ApiKeyCreated = iam.get_iam_v2_api_key("KEY")  # expect-error
    read: IamV2ApiKeyRead = iam.get_iam_v2_api_key("KEY")
    read.spec.secret.get_secret_value()  # expect-error
    state: ByokKeyState = byok.get_byok_v1_key("cck-1").state
    state.no_such_method()  # expect-error
    openapi_client.Configuration(timeout="5")  # expect-error
    openapi_client.Configuration(retries="3")  # expect-error
    print(created)
