"""How the emulator writes a stored key as the service answers it: the object with its
metadata (absolute links, CRNs, times in UTC) and each reference expanded with its URL, CRN,
version and kind."""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Optional, Tuple
from urllib.parse import quote

from openapi_client.testing._records import ApiKeyRecord, ByokRecord, JsonDict, Record, resource_class

# Where the objects an API key can point at live: id prefix, collection path, api_version,
# kind, CRN segment name, and whether the CRN is scoped to an environment.
_REFERENCE_KINDS: Tuple[Tuple[str, str, str, str, str, bool], ...] = (
    ("sa-", "/iam/v2/service-accounts/", "iam/v2", "ServiceAccount", "service-account", False),
    ("u-", "/iam/v2/users/", "iam/v2", "User", "user", False),
    ("pool-", "/iam/v2/identity-pools/", "iam/v2", "IdentityPool", "identity-pool", False),
    ("env-", "/org/v2/environments/", "org/v2", "Environment", "environment", False),
    ("lkc-", "/cmk/v2/clusters/", "cmk/v2", "Cluster", "cloud-cluster", True),
    ("lsrc-", "/srcm/v2/clusters/", "srcm/v2", "Cluster", "schema-registry", True),
    ("lksqlc-", "/ksqldbcm/v2/clusters/", "ksqldbcm/v2", "Cluster", "ksql", True),
    ("lfcp-", "/fcpm/v2/compute-pools/", "fcpm/v2", "ComputePool", "flink-compute-pool", True),
)


def _timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC, as the service writes times: ``2024-03-20T15:30:00.123456Z``."""
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class Renderer:
    """Renders records for one organization; ``base_url`` (the emulator's address) is set once
    the server knows its port."""

    def __init__(self, organization_id: str) -> None:
        self.organization_id = organization_id
        self.base_url = ""

    def api_key(self, record: ApiKeyRecord, *, with_secret: bool = False) -> JsonDict:
        if record.document is not None:
            return copy.deepcopy(record.document)
        spec: JsonDict = {}
        if with_secret:
            spec["secret"] = record.secret
        spec["display_name"] = record.display_name
        spec["description"] = record.description
        spec["owner"] = self.reference(record.owner)
        if record.resource is not None:
            spec["resource"] = self.reference(record.resource)
        return {
            "api_version": "iam/v2",
            "kind": "ApiKey",
            "id": record.id,
            "metadata": self.metadata(record, "/iam/v2/api-keys/", "api-key"),
            "spec": spec,
        }

    def byok(self, record: ByokRecord) -> JsonDict:
        if record.document is not None:
            return copy.deepcopy(record.document)
        validation = self.validation(record)
        rendered: JsonDict = {
            "api_version": "byok/v1",
            "kind": "Key",
            "id": record.id,
            "metadata": self.metadata(record, "/byok/v1/keys/", "key"),
            "key": dict(record.key),
            "provider": record.provider,
            "state": record.state,
            "validation": validation,
        }
        if record.display_name is not None:
            rendered["display_name"] = record.display_name
        return rendered

    def validation(self, record: ByokRecord) -> JsonDict:
        validation: JsonDict = {"phase": record.phase, "since": _timestamp(record.since)}
        if record.message is not None:
            validation["message"] = record.message
        if record.region is not None:
            validation["region"] = record.region
        return validation

    def metadata(self, record: Record, collection: str, crn_kind: str) -> JsonDict:
        return {
            "self": f"{self.base_url}{collection}{quote(record.id, safe='')}",
            "resource_name": f"crn://confluent.cloud/organization={self.organization_id}/{crn_kind}={record.id}",
            "created_at": _timestamp(record.created_at),
            "updated_at": _timestamp(record.updated_at),
        }

    def reference(self, ref: JsonDict) -> JsonDict:
        """An ObjectReference as the service returns it: with its URL, CRN, version and kind."""
        ref_id: str = ref["id"]
        environment: Optional[str] = ref.get("environment")
        crn = f"crn://confluent.cloud/organization={self.organization_id}"
        expanded: JsonDict = {"id": ref_id}
        if environment is not None:
            expanded["environment"] = environment
        # Ids are percent-encoded inside the links so that any id still gives a valid URI.
        quoted_id = quote(ref_id, safe="")
        named = resource_class(ref)
        if named[0] in ("Cloud", "Global", "Tableflow"):
            expanded["related"] = f"{self.base_url}/"
            expanded["resource_name"] = crn
            expanded["kind"] = named[0]
            return expanded
        if named[0] == "Flink":
            env, cloud_region = named[1], str(named[2])
            cloud = cloud_region.split(".", 1)[0]
            scope = f"/environment={quote(env, safe='')}" if env else ""
            expanded["related"] = f"{self.base_url}/fcpm/v2/regions?cloud={quote(cloud, safe='')}"
            expanded["resource_name"] = f"{crn}{scope}/flink-region={quote(cloud_region, safe='')}"
            expanded["api_version"] = "fcpm/v2"
            expanded["kind"] = "Region"
            return expanded
        for prefix, path, api_version, kind, crn_kind, scoped in _REFERENCE_KINDS:
            if ref_id.startswith(prefix):
                if scoped and environment is not None:
                    crn += f"/environment={quote(environment, safe='')}"
                expanded["related"] = f"{self.base_url}{path}{quoted_id}"
                expanded["resource_name"] = f"{crn}/{crn_kind}={quoted_id}"
                expanded["api_version"] = api_version
                expanded["kind"] = kind
                return expanded
        expanded["related"] = f"{self.base_url}/resources/{quoted_id}"
        expanded["resource_name"] = f"{crn}/resource={quoted_id}"
        return expanded
