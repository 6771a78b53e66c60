"""The emulator writes what clients depend on and reads the service's real spellings (issue 18, item 6).

Over real loopback HTTP: ``metadata.next`` in the service's form (a client that cuts the
token out after ``?page_token=`` pages through everything, and the SDK still does), and key
shapes from real answers (Cloud, Global, Tableflow, Flink in both forms, clusters; BYOK
``AZURE``, ``application_id: ""``, no ``validation``) kept as sent and found by the
emulator's own filters.
"""

from __future__ import annotations

import base64
import copy
from typing import Any, Dict, List, Optional

import pytest
import urllib3

import openapi_client
from openapi_client import IamApiKeysApi
from openapi_client.testing import FakeConfluentCloud
from openapi_client.testing._records import resource_class, resource_matches


def admin_auth(cloud: FakeConfluentCloud) -> Dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{cloud.api_key}:{cloud.api_secret}".encode()).decode()}


def get(cloud: FakeConfluentCloud, url: str) -> Any:
    answer = urllib3.request("GET", url, headers=admin_auth(cloud), retries=False)
    assert answer.status == 200, answer.data
    return answer.json()


def sliced_walk(cloud: FakeConfluentCloud, first_url: str, filters: str) -> List[str]:
    """Page as a third-party client does: cut the token out of ``next`` after ``?page_token=``
    and send it with the client's own filters."""
    ids: List[str] = []
    page = get(cloud, first_url)
    while True:
        ids.extend(item["id"] for item in page["data"])
        link = page["metadata"].get("next")
        if not link:
            return ids
        token = link.split("?page_token=")[1].split("&")[0]
        page = get(cloud, f"{first_url.split('?')[0]}?page_token={token}&{filters}")


# -- metadata.next ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "only_mine"),
    [("page_size=7", False), ("spec.owner=sa-mine&page_size=3", True), ("spec.resource=lkc-x", True)],
)
def test_a_client_slicing_the_token_out_of_next_pages_through_every_api_key(filters: str, only_mine: bool) -> None:
    with FakeConfluentCloud() as cloud:
        other = cloud.seed_api_keys(5, owner="sa-other", resource="lkc-y")
        mine = cloud.seed_api_keys(23, owner="sa-mine", resource="lkc-x")

        seen = sliced_walk(cloud, f"{cloud.host}/iam/v2/api-keys?{filters}", filters)

    assert seen == (mine if only_mine else other + mine)


def test_next_starts_with_page_token_then_keeps_the_filters_and_page_size() -> None:
    with FakeConfluentCloud() as cloud:
        cloud.seed_api_keys(4, owner="sa-a b&c")
        page = get(cloud, f"{cloud.host}/iam/v2/api-keys?spec.owner=sa-a+b%26c&page_size=2")
        link = page["metadata"]["next"]

        assert link.startswith(f"{cloud.host}/iam/v2/api-keys?page_token=")
        assert link.split("&", 1)[1] == "spec.owner=sa-a+b%26c&page_size=2"
        assert page["metadata"]["first"] == f"{cloud.host}/iam/v2/api-keys?spec.owner=sa-a+b%26c&page_size=2"
        # Followed as given, the link leads to the rest.
        rest = get(cloud, link)
        assert len(rest["data"]) == 2 and "next" not in rest["metadata"]


def test_a_client_slicing_the_token_pages_through_every_byok_key() -> None:
    with FakeConfluentCloud() as cloud:
        ids = [cloud.seed_byok_key({"kind": "GcpKey", "key_id": f"projects/p/keys/k{n}"}) for n in range(12)]
        ids += [
            cloud.seed_byok_key({"kind": "AwsKey", "key_arn": f"arn:aws:kms:us-east-1:1:key/{n}"}) for n in range(3)
        ]

        link = get(cloud, f"{cloud.host}/byok/v1/keys?provider=GCP&page_size=5")["metadata"]["next"]
        assert link.startswith(f"{cloud.host}/byok/v1/keys?page_token=") and link.endswith("&provider=GCP&page_size=5")
        seen = sliced_walk(cloud, f"{cloud.host}/byok/v1/keys?provider=GCP&page_size=5", "provider=GCP&page_size=5")

    assert seen == ids[:12]


def test_the_sdk_still_pages_through_the_links_in_both_collections(cloud: FakeConfluentCloud) -> None:
    mine = cloud.seed_api_keys(27, owner="sa-sdk")
    cloud.seed_api_keys(4, owner="sa-other")
    byok_ids = [cloud.seed_byok_key({"kind": "GcpKey", "key_id": f"projects/p/keys/{n}"}) for n in range(11)]
    with cloud.api_client() as client:
        iam = IamApiKeysApi(client)
        assert [key.id for key in iam.iter_iam_v2_api_keys(spec_owner="sa-sdk", page_size=4)] == mine
        assert [key.id for key in openapi_client.ByokKeysApi(client).iter_byok_v1_keys(page_size=3)] == byok_ids
    # Each page after the first was asked for with the token from next, filters kept.
    later = [r for r in cloud.requests if "page_token" in r.query and r.path == "/iam/v2/api-keys"]
    assert len(later) == 6 and all(r.query["spec.owner"] == ["sa-sdk"] for r in later)


# -- real key shapes ----------------------------------------------------------------------------

FLINK_CURRENT = {
    "id": "aws.us-east-1",
    "environment": "env-3732nw",
    "related": "https://api.confluent.cloud/fcpm/v2/regions?cloud=AWS",
    "resource_name": "crn://confluent.cloud/organization=o/environment=env-3732nw/flink-region=aws.us-east-1",
    "kind": "Region",
    "api_version": "fcpm/v2",
}
RESOURCES: Dict[str, Optional[Dict[str, Any]]] = {
    "cloud-object": {"id": "cloud", "kind": "Cloud", "related": "https://api.confluent.cloud/", "resource_name": "crn"},
    "cloud-upper": {"id": "CLOUD"},
    "cloud-none": None,
    "global": {
        "id": "global",
        "kind": "Global",
        "related": "global",
        "resource_name": "crn://confluent.cloud/",
        "api_version": "global/v1",
    },
    "tableflow": {"id": "tableflow", "kind": "Tableflow"},
    "flink-current": FLINK_CURRENT,
    "flink-older": {"id": "env-3732nw.aws.us-east-1", "related": "x", "resource_name": "y"},
    "flink-other-env": {**FLINK_CURRENT, "environment": "env-other"},
    "kafka": {"id": "lkc-abc123", "environment": "env-3732nw", "kind": "Cluster", "api_version": "cmk/v2"},
    "schema-registry": {"id": "lsrc-abc123", "environment": "env-3732nw"},
    "ksqldb": {"id": "lksqlc-abc123"},
}


def key_document(name: str, resource: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    spec: Dict[str, Any] = {
        "secret": "",
        "display_name": name,
        "description": "",
        "owner": {"id": "sa-real", "related": "https://api.confluent.cloud/iam/v2/service-accounts/sa-real"},
    }
    if resource is not None:
        spec["resource"] = resource
    return {
        "api_version": "iam/v2",
        "kind": "ApiKey",
        "id": f"KEY{name.upper().replace('-', '')}"[:16],
        "metadata": {
            "self": f"http://api.confluent.cloud/iam/v2/api-keys/{name}",
            "created_at": "2023-01-20T10:17:45.169836528Z",
            "updated_at": "2023-01-20T10:17:45.000Z",
        },
        "spec": spec,
        "unknown_field": {"kept": True},
    }


@pytest.fixture
def real_keys(cloud: FakeConfluentCloud) -> Dict[str, Dict[str, Any]]:
    documents = {name: key_document(name, resource) for name, resource in RESOURCES.items()}
    cloud.seed_api_key_documents(list(documents.values()))
    return documents


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("CLOUD", ["cloud-object", "cloud-upper", "cloud-none"]),
        ("cloud", ["cloud-object", "cloud-upper", "cloud-none"]),
        ("Global", ["global"]),
        ("TABLEFLOW", ["tableflow"]),
        ("aws.us-east-1", ["flink-current", "flink-older", "flink-other-env"]),
        ("env-3732nw.aws.us-east-1", ["flink-current", "flink-older"]),
        ("env-other.aws.us-east-1", ["flink-other-env"]),
        ("aws.us-west-2", []),
        ("lkc-abc123", ["kafka"]),
        ("lsrc-abc123", ["schema-registry"]),
        ("lksqlc-abc123", ["ksqldb"]),
        ("lkc-abc", []),
    ],
)
def test_the_resource_filter_knows_every_real_spelling(
    cloud: FakeConfluentCloud, real_keys: Dict[str, Dict[str, Any]], wanted: str, expected: List[str]
) -> None:
    page = get(cloud, f"{cloud.host}/iam/v2/api-keys?spec.resource={wanted}&page_size=100")

    assert [item["spec"]["display_name"] for item in page["data"]] == expected


def test_seeded_documents_come_back_exactly_as_given(
    cloud: FakeConfluentCloud, real_keys: Dict[str, Dict[str, Any]]
) -> None:
    listed = get(cloud, f"{cloud.host}/iam/v2/api-keys?page_size=100")["data"]
    assert listed == list(real_keys.values())
    one = real_keys["flink-current"]
    assert get(cloud, f"{cloud.host}/iam/v2/api-keys/{one['id']}") == one

    renamed = urllib3.request(
        "PATCH",
        f"{cloud.host}/iam/v2/api-keys/{one['id']}",
        json={"spec": {"description": "now described"}},
        headers=admin_auth(cloud),
    ).json()
    changed = copy.deepcopy(one)
    changed["spec"]["description"] = "now described"
    assert renamed == changed == get(cloud, f"{cloud.host}/iam/v2/api-keys/{one['id']}")


def test_keys_created_with_real_resource_spellings_authenticate_and_render_by_their_kind(
    cloud: FakeConfluentCloud,
) -> None:
    def create(resource: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        body: Dict[str, Any] = {"spec": {"owner": {"id": "sa-1"}}}
        if resource is not None:
            body["spec"]["resource"] = resource
        answer = urllib3.request("POST", f"{cloud.host}/iam/v2/api-keys", json=body, headers=admin_auth(cloud))
        assert answer.status == 202, answer.data
        return dict(answer.json())

    def status_with(key: Dict[str, Any], path: str) -> int:
        basic = base64.b64encode(f"{key['id']}:{key['spec']['secret']}".encode()).decode()
        return urllib3.request("GET", cloud.host + path, headers={"Authorization": f"Basic {basic}"}).status

    cloud_key = create({"id": "cloud", "kind": "Cloud"})  # kind is read-only: the id says Cloud
    global_key = create({"id": "global"})
    flink = create({"id": "aws.us-east-1", "environment": "env-3732nw"})

    assert cloud_key["spec"]["resource"]["id"] == "cloud" and cloud_key["spec"]["resource"]["kind"] == "Cloud"
    assert (status_with(cloud_key, "/iam/v2/api-keys"), status_with(cloud_key, "/byok/v1/keys")) == (200, 200)
    assert global_key["spec"]["resource"]["kind"] == "Global"
    assert (status_with(global_key, "/iam/v2/api-keys"), status_with(global_key, "/byok/v1/keys")) == (401, 200)
    resource = flink["spec"]["resource"]
    assert (resource["id"], resource["environment"], resource["kind"], resource["api_version"]) == (
        "aws.us-east-1",
        "env-3732nw",
        "Region",
        "fcpm/v2",
    )
    assert resource["resource_name"].endswith("/environment=env-3732nw/flink-region=aws.us-east-1")
    assert status_with(flink, "/iam/v2/api-keys") == 401


@pytest.mark.parametrize(
    ("resource", "iam", "byok"),
    [
        ({"id": "cloud", "kind": "Cloud"}, 200, 200),
        (None, 200, 200),
        ({"id": "global", "kind": "Global", "related": "global", "api_version": "global/v1"}, 401, 200),
        (FLINK_CURRENT, 401, 401),
        ({"id": "tableflow", "kind": "Tableflow"}, 401, 401),
        ({"id": "lkc-abc123"}, 401, 401),
    ],
)
def test_seeded_documents_with_a_secret_authenticate_as_their_resource_allows(
    cloud: FakeConfluentCloud, resource: Optional[Dict[str, Any]], iam: int, byok: int
) -> None:
    document = key_document("with-secret", resource)
    document["spec"]["secret"] = "doc-secret-123"
    (key_id,) = cloud.seed_api_key_documents([document])
    basic = urllib3.make_headers(basic_auth=f"{key_id}:doc-secret-123")

    assert urllib3.request("GET", f"{cloud.host}/iam/v2/api-keys", headers=basic).status == iam
    assert urllib3.request("GET", f"{cloud.host}/byok/v1/keys", headers=basic).status == byok
    wrong = urllib3.make_headers(basic_auth=f"{key_id}:other")
    assert urllib3.request("GET", f"{cloud.host}/byok/v1/keys", headers=wrong).status == 401


@pytest.mark.parametrize(
    ("reference", "kind"),
    [
        (None, ("Cloud",)),
        ({"id": "CLOUD"}, ("Cloud",)),
        ({"id": "anything", "kind": "Cloud"}, ("Cloud",)),
        ({"id": "Global", "kind": "Global"}, ("Global",)),
        ({"id": "TableFlow"}, ("Tableflow",)),
        ({"id": "env-1.gcp.europe-west1"}, ("Flink", "env-1", "gcp.europe-west1")),
        ({"id": "AWS.us-east-1", "environment": "env-1", "kind": "Region"}, ("Flink", "env-1", "aws.us-east-1")),
        ({"id": "azure.eastus", "api_version": "fcpm/v2"}, ("Flink", None, "azure.eastus")),
        ({"id": "aws.us-east-1"}, ("Id", "aws.us-east-1")),  # no sign of Flink: an id like any other
        ({"id": "lkc-1", "environment": "env-1"}, ("Id", "lkc-1")),
        ({"id": 7}, ("Id", "")),
    ],
)
def test_resource_classes(reference: Optional[Dict[str, Any]], kind: Any) -> None:
    assert resource_class(reference) == kind


def test_an_exact_id_always_matches_its_own_key() -> None:
    assert resource_matches("aws.us-east-1", {"id": "aws.us-east-1"})
    assert not resource_matches("lkc-1", {"id": "LKC-1"})


# -- BYOK keys as the service sent them -----------------------------------------------------------

AZURE_2023 = {
    "api_version": "byok/v1",
    "kind": "Key",
    "id": "cck-2023az",
    "metadata": {"self": "https://api.confluent.cloud/byok/v1/keys/cck-2023az", "created_at": "2023-05-01T00:00:00Z"},
    "key": {
        "kind": "AzureKey",
        "key_id": "https://vault.vault.azure.net/keys/key/1",
        "key_vault_id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.KeyVault/vaults/v",
        "tenant_id": "00000000-0000-0000-0000-000000000000",
        "application_id": "",
    },
    "provider": "AZURE",
    "state": "AVAILABLE",
}


def test_byok_documents_keep_their_spelling_and_filters_read_them(cloud: FakeConfluentCloud) -> None:
    made = cloud.seed_byok_key(
        {"kind": "AzureKey", "key_id": "https://other/keys/k", "key_vault_id": "v", "tenant_id": "t"}
    )
    cloud.seed_byok_key_documents([AZURE_2023])

    def ids(query: str) -> List[str]:
        return [item["id"] for item in get(cloud, f"{cloud.host}/byok/v1/keys?{query}")["data"]]

    assert ids("provider=Azure") == ids("provider=AZURE") == ids("provider=azure") == [made, "cck-2023az"]
    assert ids("validation_phase=VALID") == [made]  # the 2023 key has no validation at all
    assert ids("key=vault.vault.azure") == ["cck-2023az"]
    assert ids("state=AVAILABLE") == [made, "cck-2023az"]
    assert get(cloud, f"{cloud.host}/byok/v1/keys/cck-2023az") == AZURE_2023

    cloud.set_byok_state("cck-2023az", "IN_USE")
    assert ids("state=IN_USE") == ["cck-2023az"]
    assert get(cloud, f"{cloud.host}/byok/v1/keys/cck-2023az") == {**AZURE_2023, "state": "IN_USE"}


@pytest.mark.parametrize(
    "documents",
    [[{"id": 5}], [{"id": ""}], [{"id": "same"}, {"id": "same"}], ["not an object"]],
    ids=["number-id", "empty-id", "twice", "not-object"],
)
def test_bad_documents_are_refused_and_nothing_is_stored(cloud: FakeConfluentCloud, documents: List[Any]) -> None:
    for seed in (cloud.seed_api_key_documents, cloud.seed_byok_key_documents):
        with pytest.raises(ValueError):
            seed(documents)
    assert get(cloud, f"{cloud.host}/iam/v2/api-keys")["data"] == []
    assert get(cloud, f"{cloud.host}/byok/v1/keys")["data"] == []


def test_documents_without_an_id_get_one(cloud: FakeConfluentCloud) -> None:
    (key_id,) = cloud.seed_api_key_documents([{"spec": {"owner": {"id": "sa-1"}}}])
    (byok_id,) = cloud.seed_byok_key_documents([{"provider": "GCP"}])

    assert get(cloud, f"{cloud.host}/iam/v2/api-keys/{key_id}") == {"id": key_id, "spec": {"owner": {"id": "sa-1"}}}
    assert get(cloud, f"{cloud.host}/byok/v1/keys/{byok_id}") == {"id": byok_id, "provider": "GCP"}
    assert [item["id"] for item in get(cloud, f"{cloud.host}/iam/v2/api-keys?spec.owner=sa-1")["data"]] == [key_id]
