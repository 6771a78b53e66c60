"""Models: exact round trips, forward compatibility, read-only fields, secrets, the key union."""

from __future__ import annotations

import copy
import json
import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Type

import payloads
import pytest
from pydantic import ValidationError

import openapi_client
from openapi_client import models
from openapi_client.api_client import ApiClient
from openapi_client.models import (
    ByokV1AwsKey,
    ByokV1AzureKey,
    ByokV1GcpKey,
    ByokV1Key,
    ByokV1KeyKey,
    ByokV1KeyList,
    ByokV1UnknownKey,
    Failure,
    IamV2ApiKey,
    IamV2ApiKeyList,
    IamV2ApiKeySpec,
    IamV2ApiKeyUpdate,
    ObjectReference,
)

ROUND_TRIPS = [
    (IamV2ApiKey, payloads.API_KEY),
    (IamV2ApiKey, payloads.CREATED_API_KEY),
    (IamV2ApiKey, payloads.CLOUD_API_KEY),
    (IamV2ApiKeyList, payloads.API_KEY_LIST),
    (ByokV1Key, payloads.AWS_KEY),
    (ByokV1Key, payloads.AZURE_KEY),
    (ByokV1Key, payloads.GCP_KEY),
    (ByokV1KeyList, payloads.BYOK_KEY_LIST),
    (Failure, payloads.FAILURE),
    (models.IamV2ApiKeyMetadata, payloads.API_KEY["metadata"]),
    (models.IamV2ApiKeySpec, payloads.CREATED_API_KEY["spec"]),
    (models.ObjectReference, payloads.API_KEY["spec"]["owner"]),
    (models.ListMeta, payloads.API_KEY_LIST["metadata"]),
    (models.ByokV1KeyValidation, payloads.AZURE_KEY["validation"]),
    (models.ByokV1KeyMetadata, payloads.AWS_KEY["metadata"]),
    (ByokV1KeyKey, payloads.AZURE_KEY["key"]),
    (ByokV1AwsKey, payloads.AWS_KEY["key"]),
    (ByokV1AzureKey, payloads.AZURE_KEY["key"]),
    (ByokV1GcpKey, payloads.GCP_KEY["key"]),
    (models.Error, payloads.FAILURE["errors"][0]),
    (models.ErrorSource, {"pointer": "/spec/owner"}),
    (IamV2ApiKeyUpdate, {"spec": {"display_name": "new", "description": "changed"}}),
    (models.IamV2ApiKeySpecUpdate, {"display_name": "new"}),
    (models.ByokV1KeyUpdate, {"display_name": "renamed"}),
]


@pytest.mark.parametrize(
    ("model", "payload"), ROUND_TRIPS, ids=[f"{m.__name__}-{i}" for i, (m, _) in enumerate(ROUND_TRIPS)]
)
def test_json_round_trip_is_exact(model: Type[Any], payload: Dict[str, Any]) -> None:
    text = json.dumps(payload)
    instance = model.from_json(text)
    assert json.loads(instance.to_json()) == payload
    assert instance.to_dict() == payload
    assert model.from_dict(instance.to_dict()).to_dict() == payload


def test_every_model_is_exported_from_both_packages() -> None:
    for name in models.__all__:
        assert getattr(openapi_client, name) is getattr(models, name)
        cls = getattr(models, name)
        for method in ("from_json", "to_json", "from_dict", "to_dict", "to_str"):
            assert callable(getattr(cls, method)), f"{name}.{method}"


def test_from_dict_of_none_is_none() -> None:
    assert IamV2ApiKey.from_dict(None) is None


def test_unknown_fields_are_kept_at_every_level() -> None:
    payload = copy.deepcopy(payloads.AWS_KEY)
    payload["future_top"] = {"nested": [1, 2]}
    payload["metadata"]["generation"] = 7
    payload["key"]["multi_region"] = True
    payload["validation"]["attempts"] = 3
    key = ByokV1Key.from_json(json.dumps(payload))
    assert json.loads(key.to_json()) == payload
    assert key.future_top == {"nested": [1, 2]}  # type: ignore[attr-defined]


def test_unknown_enum_like_values_do_not_raise() -> None:
    payload = copy.deepcopy(payloads.AWS_KEY)
    payload.update(api_version="byok/v2", state="RETIRING", provider="OCI")
    payload["validation"]["phase"] = "REVALIDATING"
    key = ByokV1Key.from_json(json.dumps(payload))
    assert (key.api_version, key.state, key.provider) == ("byok/v2", "RETIRING", "OCI")
    assert key.validation is not None and key.validation.phase == "REVALIDATING"
    assert json.loads(key.to_json()) == payload


def test_unknown_key_kind_is_kept_as_unknown_variant() -> None:
    payload = copy.deepcopy(payloads.AWS_KEY)
    payload["key"] = {"kind": "OciKey", "vault_ocid": "ocid1.vault.oc1..x"}
    key = ByokV1Key.from_json(json.dumps(payload))
    assert key.key is not None
    variant = key.key.actual_instance
    assert isinstance(variant, ByokV1UnknownKey)
    assert variant.kind == "OciKey"
    assert json.loads(key.to_json()) == payload


@pytest.mark.parametrize(
    ("payload", "variant"),
    [(payloads.AWS_KEY, ByokV1AwsKey), (payloads.AZURE_KEY, ByokV1AzureKey), (payloads.GCP_KEY, ByokV1GcpKey)],
)
def test_key_union_picks_variant_by_kind(payload: Dict[str, Any], variant: type) -> None:
    key = ByokV1Key.from_dict(payload)
    assert key is not None and key.key is not None
    assert type(key.key.actual_instance) is variant


@pytest.mark.parametrize("decode", [ByokV1KeyKey.from_json, lambda text: ByokV1KeyKey.from_dict(json.loads(text))])
def test_key_union_validates_only_the_named_variant(decode: Callable[[str], ByokV1KeyKey]) -> None:
    # Chosen by discriminator: the field errors name the AzureKey variant alone, not every
    # schema tried, and a known kind with a bad body never passes as an unknown key.
    with pytest.raises(ValidationError) as info:
        decode('{"kind": "AzureKey", "key_id": "k"}')
    errors = {err["loc"]: err for err in info.value.errors()}
    missing = {("known", "AzureKey", "key_vault_id"), ("known", "AzureKey", "tenant_id")}
    assert set(errors) == missing | {("unknown", "kind")}
    assert "ByokV1AzureKey" in errors[("unknown", "kind")]["msg"]


def test_unknown_key_refuses_a_known_kind() -> None:
    assert ByokV1UnknownKey(kind="OciKey").kind == "OciKey"
    with pytest.raises(ValidationError, match="ByokV1GcpKey"):
        ByokV1UnknownKey(kind="GcpKey")


def test_key_without_kind_is_an_unknown_key() -> None:
    key = ByokV1KeyKey.from_json('{"key_ocid": "ocid1.key.oc1..x"}')
    assert isinstance(key.actual_instance, ByokV1UnknownKey) and key.actual_instance.kind is None
    assert key.to_json() == '{"key_ocid":"ocid1.key.oc1..x"}'


def test_key_wrapper_accepts_generated_style_construction() -> None:
    aws = ByokV1AwsKey(key_arn="arn:aws:kms:us-west-2:1:key/x")
    wrapped = ByokV1KeyKey(actual_instance=aws)
    assert wrapped.actual_instance is aws
    assert ByokV1KeyKey(aws).actual_instance is aws and ByokV1KeyKey(root=aws).actual_instance is aws
    unknown = ByokV1UnknownKey(kind="OciKey")
    assert ByokV1KeyKey(actual_instance=unknown).actual_instance is unknown
    assert wrapped.to_dict() == {"key_arn": "arn:aws:kms:us-west-2:1:key/x", "kind": "AwsKey"}
    assert ByokV1Key(key=aws).to_dict() == {"key": {"key_arn": "arn:aws:kms:us-west-2:1:key/x", "kind": "AwsKey"}}


def test_variant_kind_is_written_even_when_defaulted() -> None:
    assert ByokV1GcpKey(key_id="projects/p/k").to_dict() == {"key_id": "projects/p/k", "kind": "GcpKey"}
    with pytest.raises(ValidationError):
        ByokV1GcpKey(key_id="k", kind="AwsKey")  # type: ignore[arg-type]


def test_required_read_only_fields_are_not_required_to_build_a_request() -> None:
    owner = ObjectReference(id="sa-123")
    key = IamV2ApiKey(spec=IamV2ApiKeySpec(owner=owner, display_name="ci"))
    assert key.to_dict() == {"spec": {"owner": {"id": "sa-123"}, "display_name": "ci"}}


def test_read_only_fields_are_left_out_of_request_bodies_only() -> None:
    key = IamV2ApiKey.from_dict(payloads.CREATED_API_KEY)
    assert key is not None
    body = ApiClient.sanitize_for_serialization(key)
    assert body == {
        "spec": {
            "display_name": "CI kafka access key",
            "description": "Lets the nightly job produce to the orders topic",
            "owner": {"id": "sa-r7d2m1"},
            "resource": {"id": "lkc-c29js0", "environment": "env-abc123"},
        },
    }
    # ...while to_dict keeps every read-only field the service sent.
    assert key.to_dict() == payloads.CREATED_API_KEY

    byok = ByokV1Key.from_dict(payloads.AWS_KEY)
    assert byok is not None
    assert ApiClient.sanitize_for_serialization(byok) == {
        "key": {"kind": "AwsKey", "key_arn": payloads.AWS_KEY["key"]["key_arn"]},
        "display_name": "Key for billing cluster",
    }


def test_read_only_field_sets_follow_the_spec() -> None:
    assert ObjectReference.read_only_fields() == {"related", "resource_name", "api_version", "kind"}
    assert IamV2ApiKeySpec.read_only_fields() == {"secret"}
    assert ByokV1Key.read_only_fields() == {"api_version", "kind", "id", "metadata", "provider", "state", "validation"}


def test_secret_is_masked_in_every_rendering() -> None:
    key = IamV2ApiKey.from_dict(payloads.CREATED_API_KEY)
    assert key is not None and key.spec is not None and key.spec.secret is not None
    renderings = [
        repr(key),
        str(key),
        key.to_str(),
        repr(key.spec),
        str(key.spec),
        f"{key}",
        f"{key!r}",
        repr([key]),
        str(key.spec.secret),
        repr(key.spec.secret),
        json.dumps(key.to_redacted_dict()),
    ]
    for text in renderings:
        assert payloads.SECRET not in text
    assert "**********" in key.to_str()


def test_secret_is_readable_explicitly_and_kept_by_serialization() -> None:
    key = IamV2ApiKey.from_json(json.dumps(payloads.CREATED_API_KEY))
    assert key.spec is not None and key.spec.secret is not None
    assert key.spec.secret.get_secret_value() == payloads.SECRET
    assert key.to_dict()["spec"]["secret"] == payloads.SECRET
    assert json.loads(key.to_json())["spec"]["secret"] == payloads.SECRET


def test_secret_stays_out_of_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    key = IamV2ApiKey.from_dict(payloads.CREATED_API_KEY)
    logger = logging.getLogger("user.automation")
    with caplog.at_level(logging.DEBUG):
        logger.info("created %s", key)
        logger.info("created %r", key)
        logger.info("spec %s", key.spec if key else None)
    assert caplog.text and payloads.SECRET not in caplog.text


def test_validation_errors_name_the_field_and_hide_the_input() -> None:
    payload = copy.deepcopy(payloads.CREATED_API_KEY)
    payload["spec"]["owner"] = {"id": ""}
    with pytest.raises(ValidationError) as info:
        IamV2ApiKey.from_dict(payload)
    assert ("spec", "owner", "id") in {err["loc"] for err in info.value.errors()}
    assert payloads.SECRET not in str(info.value)


def test_assignment_is_validated() -> None:
    ref = ObjectReference(id="sa-1")
    with pytest.raises(ValidationError):
        ref.id = ""
    with pytest.raises(ValidationError):
        ByokV1KeyList.from_dict({"api_version": "byok/v1", "kind": "KeyList", "metadata": {}})


def test_metadata_self_is_self_underscore_in_python() -> None:
    meta = models.IamV2ApiKeyMetadata.from_dict({"self": "https://x/iam/v2/api-keys/K"})
    assert meta is not None and meta.self_ == "https://x/iam/v2/api-keys/K"
    assert models.IamV2ApiKeyMetadata(self_="u").to_dict() == {"self": "u"}


def test_timestamps_are_datetimes() -> None:
    key = IamV2ApiKey.from_dict(payloads.API_KEY)
    assert key is not None and key.metadata is not None and key.metadata.updated_at is not None
    assert key.metadata.updated_at.microsecond == 123456
    assert key.metadata.updated_at.utcoffset() is not None


def test_none_is_left_out_of_request_bodies_except_where_null_is_meaningful() -> None:
    key = ByokV1Key(key=ByokV1AwsKey(key_arn="arn:aws:kms:us-west-2:1:key/x"), display_name=None)
    expected = {"key": {"key_arn": "arn:aws:kms:us-west-2:1:key/x", "kind": "AwsKey"}}
    assert ApiClient.sanitize_for_serialization(key) == expected
    cloud_key = IamV2ApiKey(
        spec=IamV2ApiKeySpec(owner=ObjectReference(id="u-1", environment=None), resource=None, description=None)
    )
    # A null resource is how a Cloud API key (tied to no cluster) is asked for.
    assert ApiClient.sanitize_for_serialization(cloud_key) == {"spec": {"owner": {"id": "u-1"}, "resource": None}}
    # ...while to_dict still reports exactly what was set.
    assert cloud_key.to_dict()["spec"]["description"] is None


def test_package_names_load_lazily_and_all_resolve() -> None:
    probe = "import sys, openapi_client; print('pydantic' in sys.modules, 'urllib3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]  # cheap for pytest sessions that only load the plugin
    for name in openapi_client.__all__:
        assert getattr(openapi_client, name) is not None, name
    # Type checkers see the same names the runtime serves.
    source = Path(openapi_client.__file__).read_text()
    re_exported = set(re.findall(r"\b(\w+) as \1\b", source))
    assert re_exported == set(openapi_client.__all__) - {"__version__"}


def test_owner_is_a_global_reference_and_an_object_reference_still_fits() -> None:
    spec = IamV2ApiKeySpec(owner=ObjectReference(id="sa-1"))
    assert type(spec.owner) is models.GlobalObjectReference and spec.to_dict() == {"owner": {"id": "sa-1"}}
    # An environment given on an owner is not dropped: it travels as an unknown field.
    spec = IamV2ApiKeySpec(owner=ObjectReference(id="sa-1", environment="env-1"))
    assert spec.to_request_dict() == {"owner": {"id": "sa-1", "environment": "env-1"}}
    spec.owner = ObjectReference(id="u-2", related="https://x/u-2")
    assert type(spec.owner) is models.GlobalObjectReference and spec.owner.related == "https://x/u-2"
    assert spec.to_request_dict() == {"owner": {"id": "u-2"}}
    # An owner read from the wire keeps whatever it carries.
    text = '{"owner":{"id":"u-3","environment":"env-9","related":"https://x/u-3"},"resource":null}'
    read = IamV2ApiKeySpec.from_json(text)
    assert json.loads(read.to_json()) == json.loads(text)
    assert read.owner is not None and "environment" not in type(read.owner).model_fields


def test_spec_resources_of_older_services_is_kept_as_an_unknown_field() -> None:
    text = '{"owner":{"id":"u-1"},"resources":[{"id":"lkc-1","environment":"env-1"}]}'
    assert IamV2ApiKeySpec.from_json(text).to_json() == text


def test_an_answer_spec_takes_another_reference_as_owner_and_decodes_json_owners_as_sent() -> None:
    from openapi_client.models.responses import GlobalObjectReferenceRead, IamV2ApiKeySpecRead, ObjectReferenceRead

    owner = ObjectReferenceRead(id="sa-1", related="https://x/sa-1", resource_name="crn://x/sa-1", environment="env-1")
    spec = IamV2ApiKeySpecRead(owner=owner)
    assert type(spec.owner) is GlobalObjectReferenceRead
    assert spec.to_dict()["owner"]["environment"] == "env-1"  # kept as an unknown field
    text = '{"owner":{"id":"u-3","related":"https://x/u-3","resource_name":"crn://x/u-3","environment":"env-9"}}'
    read = IamV2ApiKeySpecRead.from_json(text)
    assert type(read.owner) is GlobalObjectReferenceRead and json.loads(read.to_json()) == json.loads(text)
