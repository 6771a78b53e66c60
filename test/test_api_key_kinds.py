"""api_key_kind: the kind of an API key, from its resource, for every input and over the wire."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

import pytest
from hostile import HostileServer, answer
from hypothesis import given, strategies as st

import openapi_client
from openapi_client import GlobalObjectReference, IamV2ApiKey, IamV2ApiKeySpec, ObjectReference
from openapi_client.api_key_kinds import ApiKeyKind, api_key_kind
from openapi_client.testing import FakeConfluentCloud

# The resource ids the official document names, one per kind.
EXAMPLES = {
    "lkc-c29js0": ApiKeyKind.KAFKA,
    "lsrc-12345": ApiKeyKind.SCHEMA_REGISTRY,
    "lksqlc-12345": ApiKeyKind.KSQLDB,
    "env-abc123.aws.us-east-2": ApiKeyKind.FLINK,
    "env-abc123.gcp.europe-west3": ApiKeyKind.FLINK,
    "CLOUD": ApiKeyKind.CLOUD,
    "TABLEFLOW": ApiKeyKind.TABLEFLOW,
    "GLOBAL": ApiKeyKind.GLOBAL,
}


@pytest.mark.parametrize(("resource_id", "kind"), EXAMPLES.items())
def test_each_documented_resource_id_has_its_kind(resource_id: str, kind: ApiKeyKind) -> None:
    assert api_key_kind(resource_id) is kind
    reference = ObjectReference(id=resource_id)
    spec = IamV2ApiKeySpec(resource=reference)
    assert api_key_kind(reference) is api_key_kind(spec) is api_key_kind(IamV2ApiKey(spec=spec)) is kind


@pytest.mark.parametrize("resource_id", ["cloud", "Cloud", "tableflow", "TableFlow", "global", "gLoBaL"])
def test_reserved_ids_are_read_in_any_letter_case(resource_id: str) -> None:
    assert api_key_kind(resource_id) is EXAMPLES[resource_id.upper()]


@pytest.mark.parametrize(
    "resource_id",
    ["", "lkc-", "lsrc", "env-abc123", "env-abc123.aws", "lfcp-9xq7", "sa-123", "CLOUDS", "pool-1", "lkc c29"],
)
def test_ids_of_no_known_form_are_other(resource_id: str) -> None:
    assert api_key_kind(resource_id) is ApiKeyKind.OTHER


def test_no_resource_is_a_cloud_key() -> None:
    assert api_key_kind(None) is ApiKeyKind.CLOUD
    assert api_key_kind(IamV2ApiKeySpec(owner=GlobalObjectReference(id="u-1"))) is ApiKeyKind.CLOUD
    spec = IamV2ApiKeySpec.from_json('{"owner": {"id": "u-1"}, "resource": null}')
    assert spec is not None and api_key_kind(spec) is ApiKeyKind.CLOUD


def test_a_key_without_spec_is_refused_naming_the_reason() -> None:
    with pytest.raises(ValueError, match="no spec"):
        api_key_kind(IamV2ApiKey())


def test_other_types_are_refused_naming_what_is_taken() -> None:
    with pytest.raises(TypeError, match="IamV2ApiKey, IamV2ApiKeySpec, ObjectReference, resource id or None, not int"):
        api_key_kind(42)  # type: ignore[arg-type]


def test_kinds_are_strings() -> None:
    assert ApiKeyKind.KAFKA == "kafka" and f"{ApiKeyKind.FLINK.value}" == "flink"
    assert {kind.value for kind in ApiKeyKind} == {
        "kafka",
        "schema_registry",
        "ksqldb",
        "flink",
        "cloud",
        "tableflow",
        "global",
        "other",
    }


@given(st.one_of(st.none(), st.text(max_size=300)))
def test_every_id_has_a_kind(resource_id: Optional[str]) -> None:
    assert isinstance(api_key_kind(resource_id), ApiKeyKind)


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60))
def test_letter_case_never_changes_the_kind(resource_id: str) -> None:
    assert api_key_kind(resource_id.swapcase()) is api_key_kind(resource_id)


@given(st.sampled_from(sorted(EXAMPLES)), st.text(min_size=1, max_size=20).filter(lambda s: not s.isspace()))
def test_prefix_kinds_do_not_depend_on_the_rest_of_a_cluster_id(resource_id: str, suffix: str) -> None:
    kind = EXAMPLES[resource_id]
    if kind in (ApiKeyKind.KAFKA, ApiKeyKind.SCHEMA_REGISTRY, ApiKeyKind.KSQLDB):
        prefix = resource_id.split("-", 1)[0] + "-"
        assert api_key_kind(prefix + suffix) is kind


def test_each_kind_is_created_listed_and_read_back_over_the_wire(cloud: FakeConfluentCloud) -> None:
    with openapi_client.ApiClient(cloud.configuration()) as api_client:
        api = openapi_client.IamApiKeysApi(api_client)
        created = {}
        for resource_id, kind in EXAMPLES.items():
            environment = "env-abc123" if kind is not ApiKeyKind.CLOUD and "-" in resource_id else None
            resource = ObjectReference(id=resource_id, environment=environment)
            key = api.create_iam_v2_api_key(
                IamV2ApiKey(spec=IamV2ApiKeySpec(owner=GlobalObjectReference(id="sa-1"), resource=resource))
            )
            assert api_key_kind(key) is kind
            created[key.id] = kind
        listed = {key.id: api_key_kind(key) for key in api.iter_iam_v2_api_keys(spec_owner="sa-1")}
        assert listed == created
        for key_id, kind in created.items():
            assert api_key_kind(api.get_iam_v2_api_key(key_id)) is kind
        cloud_keys = list(api.iter_iam_v2_api_keys(spec_resource="CLOUD"))
        assert [api_key_kind(key) for key in cloud_keys] == [ApiKeyKind.CLOUD]


# Resources as Confluent Cloud writes them in answers (test/corpus holds the whole bodies):
# the id decides when it has a known form, else the kind and the API group of api_version.
ANSWERED_RESOURCES = [
    ({"id": "cloud", "kind": "Cloud", "related": "cloud", "resource_name": "cloud", "api_version": "iam/v2"}, "cloud"),
    ({"id": "global", "kind": "Global", "related": "global", "api_version": "global/v1"}, "global"),
    ({"id": "tableflow", "kind": "Tableflow", "api_version": "tableflow/v1"}, "tableflow"),
    ({"id": "lkc-zmmq63", "kind": "Cluster", "api_version": "cmk/v2"}, "kafka"),
    (
        {"id": "aws.us-east-1", "environment": "env-3732nw", "kind": "Region", "api_version": "fcpm/v2"},
        "flink",
    ),
    ({"id": "gcp.europe-west3", "environment": "env-3732nw", "kind": "Region", "api_version": "fcpm/v2"}, "flink"),
    ({"id": "lsrc-1234", "kind": "SchemaRegistry"}, "schema_registry"),
    # An id of no known form: the kind decides.
    ({"id": "flink-eu", "kind": "Region", "api_version": "fcpm/v2"}, "flink"),
    ({"id": "pool-7", "kind": "Cluster", "api_version": "cmk/v2"}, "kafka"),
    ({"id": "sr-7", "kind": "Cluster", "api_version": "srcm/v3"}, "schema_registry"),
    ({"id": "ks-7", "kind": "Cluster", "api_version": "ksqldbcm/v2"}, "ksqldb"),
    ({"id": "ks-7", "kind": "ksqlDB"}, "ksqldb"),
    ({"id": "x-7", "kind": "CLOUD"}, "cloud"),
    # A Region of another API group, a Cluster of an unknown one, or no kind at all: OTHER.
    ({"id": "eu-7", "kind": "Region", "api_version": "networking/v1"}, "other"),
    ({"id": "pool-7", "kind": "Cluster", "api_version": "newthing/v1"}, "other"),
    ({"id": "pool-7"}, "other"),
]


@pytest.mark.parametrize(("resource", "kind"), ANSWERED_RESOURCES)
def test_resources_as_the_service_answers_them_have_their_kind(resource: dict, kind: str) -> None:
    reference = ObjectReference.from_dict(resource)
    assert reference is not None
    spec = IamV2ApiKeySpec(resource=reference)
    assert api_key_kind(reference) is api_key_kind(spec) is api_key_kind(IamV2ApiKey(spec=spec)) is ApiKeyKind(kind)


@pytest.mark.parametrize("resource_id", ["aws.us-east-1", "AZURE.westeurope", "gcp.europe-west3"])
def test_the_current_flink_id_alone_is_a_flink_key(resource_id: str) -> None:
    assert api_key_kind(resource_id) is ApiKeyKind.FLINK


@pytest.mark.parametrize("resource_id", ["aws", "aws.", "oci.us-east-1", "aws.us-east-1.extra", "aws.us_east"])
def test_ids_only_resembling_a_flink_region_are_other(resource_id: str) -> None:
    assert api_key_kind(resource_id) is ApiKeyKind.OTHER


@given(
    st.text(min_size=1, max_size=255),
    st.one_of(st.none(), st.sampled_from(["Region", "Cluster", "Cloud", "Global", "ksqlDB"]), st.text(min_size=1)),
    st.one_of(st.none(), st.sampled_from(["fcpm/v2", "cmk/v2", "srcm/v3", "global/v1"]), st.text(min_size=1)),
)
def test_any_resource_has_a_kind_and_a_known_id_outranks_its_kind(
    resource_id: str, kind: Optional[str], api_version: Optional[str]
) -> None:
    fields = {"id": resource_id, "kind": kind, "api_version": api_version}
    reference = ObjectReference.from_dict({name: value for name, value in fields.items() if value is not None})
    assert reference is not None
    by_reference = api_key_kind(reference)
    assert isinstance(by_reference, ApiKeyKind)
    by_id = api_key_kind(resource_id)
    if by_id is not ApiKeyKind.OTHER:
        assert by_reference is by_id
    elif kind is None:
        assert by_reference is ApiKeyKind.OTHER


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "Cluster"},
        {"id": None, "kind": "Cluster", "api_version": "cmk/v2"},
        {"id": 5, "kind": 7, "api_version": ["cmk"]},
        {"id": {"nested": "lkc-1"}, "kind": None, "api_version": None},
    ],
)
def test_a_reference_holding_other_json_is_other_or_its_kind_never_an_error(fields: Dict[str, Any]) -> None:
    # Tolerant decoding keeps a value of the wrong type as sent; api_key_kind must still answer.
    reference = GlobalObjectReference.model_construct(**fields)
    expected = ApiKeyKind.KAFKA if fields.get("api_version") == "cmk/v2" else ApiKeyKind.OTHER
    assert api_key_kind(reference) is expected


def test_a_listed_key_whose_resource_breaks_the_document_is_classified_without_error() -> None:
    body = {
        "api_version": "iam/v2",
        "kind": "ApiKeyList",
        "metadata": {},
        "data": [
            {"id": "K1", "spec": {"resource": {"id": 5, "kind": "Cluster", "api_version": "cmk/v2"}}},
            {"id": "K2", "spec": {"resource": {"id": None, "kind": ["x"]}}},
        ],
    }
    page = json.dumps(body).encode()
    with HostileServer(lambda conn, request: conn.sendall(answer(200, page))) as server:
        configuration = openapi_client.Configuration(host=server.url, username="K", password="S", retries=False)
        with openapi_client.ApiClient(configuration) as client:
            listed = openapi_client.IamApiKeysApi(client).list_iam_v2_api_keys()
    assert listed.model_deviations
    assert [api_key_kind(key) for key in listed.data] == [ApiKeyKind.KAFKA, ApiKeyKind.OTHER]
