"""The emulator's in-memory state: API keys and BYOK keys, guarded by one lock.

Every public method of :class:`Store` takes the lock for its whole duration and returns
plain JSON-ready dicts (snapshots), so callers never touch a record another thread may be
changing. Listing is keyset-based: each record has a creation sequence number, and a page
starts after the last sequence number of the previous page, so items created or deleted
between pages never make the walk skip or repeat one.
"""

from __future__ import annotations

import base64
import bisect
import hmac
import os
import re
import secrets
import string
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, Generic, List, Optional, Tuple, TypeVar
from urllib.parse import quote

from openapi_client.testing._errors import EmulatorError
from openapi_client.testing._wire import KEY_IDENTIFIER_FIELD, KEY_PROVIDER

__all__ = ["Store", "ApiKeyRecord", "ByokRecord", "ByokFilter", "CLOUD_SCHEME", "GLOBAL_SCHEME", "resource_kind"]

JsonDict = Dict[str, Any]

INITIALIZING = "INITIALIZING"
VALID = "VALID"
AVAILABLE = "AVAILABLE"
IN_USE = "IN_USE"

# The security schemes of the document an API key's credentials satisfy.
CLOUD_SCHEME = "cloud-api-key"
GLOBAL_SCHEME = "global-api-key"

_BYOK_ID_ALPHABET = string.ascii_lowercase + string.digits

# Resource ids that name no object, only what the key is for (case-insensitive): the
# kind the service gives them and the scheme the key's credentials then satisfy.
_SPECIAL_RESOURCES: Dict[str, Tuple[str, Optional[str]]] = {
    "CLOUD": ("Cloud", CLOUD_SCHEME),
    "TABLEFLOW": ("Tableflow", None),
    "GLOBAL": ("Global", GLOBAL_SCHEME),
}

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

# A Flink key's resource: an environment and a cloud region, ``env-abc123.aws.us-east-2``.
_FLINK_RESOURCE = re.compile(r"(env-[A-Za-z0-9]+)\.([A-Za-z0-9]+)\.([A-Za-z0-9-]+)")


def resource_kind(resource_id: Optional[str]) -> Optional[str]:
    """``CLOUD``/``TABLEFLOW``/``GLOBAL`` (upper-cased) for a special resource id, else ``None``."""
    if resource_id is None:
        return "CLOUD"
    upper = resource_id.upper()
    return upper if upper in _SPECIAL_RESOURCES else None

_DEFAULT_REGIONS = {"AWS": "us-east-1", "Azure": "eastus", "GCP": "us-central1"}


def new_api_key_id() -> str:
    """16 upper-case letters and digits, like a Confluent API key id."""
    return base64.b32encode(os.urandom(10)).decode("ascii")


def new_api_secret() -> str:
    """64 characters of base64 text, like a Confluent API key secret."""
    return base64.b64encode(os.urandom(48)).decode("ascii")


def new_byok_id() -> str:
    """``cck-`` and five lower-case letters or digits, like a BYOK key id."""
    return "cck-" + "".join(secrets.choice(_BYOK_ID_ALPHABET) for _ in range(5))


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class _Record:
    seq: int
    id: str
    created_at: datetime
    updated_at: datetime


@dataclass
class ApiKeyRecord(_Record):
    """One API key as the emulator keeps it (references as the client named them)."""

    secret: str
    owner: JsonDict
    resource: Optional[JsonDict]
    display_name: str
    description: str
    visible_at: float
    usable_at: float


@dataclass
class ByokRecord(_Record):
    """One BYOK key; ``valid_at`` is when an INITIALIZING key turns VALID (None: not yet known)."""

    display_name: Optional[str]
    key: JsonDict
    provider: str
    identifier: str
    state: str
    phase: str
    message: Optional[str]
    since: datetime
    region: Optional[str]
    home_region: str
    valid_at: Optional[float]
    valid_at_wall: datetime
    awaiting_grant: bool = False


@dataclass(frozen=True)
class ByokFilter:
    """The BYOK list filters; ``None`` means "not filtered"."""

    provider: Optional[str] = None
    state: Optional[str] = None
    display_name: Optional[str] = None
    validation_phase: Optional[str] = None
    validation_region: Optional[str] = None
    key: Optional[str] = None

    def matches(self, record: ByokRecord) -> bool:
        """Exact match on provider/state/phase/region, case-insensitive substring on the rest."""
        if self.provider is not None and record.provider != self.provider:
            return False
        if self.state is not None and record.state != self.state:
            return False
        if self.validation_phase is not None and record.phase != self.validation_phase:
            return False
        if self.validation_region is not None and record.region != self.validation_region:
            return False
        if self.display_name is not None and self.display_name.lower() not in (record.display_name or "").lower():
            return False
        return self.key is None or self.key.lower() in record.identifier.lower()


RecordT = TypeVar("RecordT", bound=_Record)


class _Collection(Generic[RecordT]):
    """Records by id, plus their sequence numbers in order for keyset paging."""

    def __init__(self) -> None:
        self._by_id: Dict[str, RecordT] = {}
        self._seqs: List[int] = []
        self._by_seq: Dict[int, RecordT] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, record_id: str) -> bool:
        return record_id in self._by_id

    def get(self, record_id: str) -> Optional[RecordT]:
        return self._by_id.get(record_id)

    def values(self) -> List[RecordT]:
        return [self._by_seq[seq] for seq in self._seqs]

    def add(self, record: RecordT) -> None:
        # Sequence numbers only grow, so appending keeps _seqs sorted.
        self._by_id[record.id] = record
        self._seqs.append(record.seq)
        self._by_seq[record.seq] = record

    def remove(self, record: RecordT) -> None:
        del self._by_id[record.id]
        del self._by_seq[record.seq]
        del self._seqs[bisect.bisect_left(self._seqs, record.seq)]

    def page(self, after: int, size: int, keep: Callable[[RecordT], bool]) -> Tuple[List[RecordT], bool]:
        """Up to ``size`` kept records created after sequence ``after``, and whether more follow."""
        found: List[RecordT] = []
        seqs = self._seqs
        for index in range(bisect.bisect_right(seqs, after), len(seqs)):
            record = self._by_seq[seqs[index]]
            if keep(record):
                if len(found) == size:
                    return found, True
                found.append(record)
        return found, False


class Store:
    """API keys and BYOK keys of one emulated organization.

    ``base_url`` (the emulator's address) is used to build the absolute links in the
    rendered objects; it is set once the server knows its port.
    """

    def __init__(
        self,
        *,
        byok_validation_delay: float = 0.0,
        api_key_visibility_delay: float = 0.0,
        api_key_quota: Optional[int] = None,
        byok_key_quota: Optional[int] = None,
        api_key_propagation_delay: float = 0.0,
        byok_requires_grant: bool = False,
    ) -> None:
        self.base_url = ""
        self.api_key_propagation_delay = api_key_propagation_delay
        self.byok_requires_grant = byok_requires_grant
        self._flaps: Dict[str, int] = {}
        self.organization_id = str(uuid.uuid4())
        self.byok_validation_delay = byok_validation_delay
        self.api_key_visibility_delay = api_key_visibility_delay
        self.api_key_quota = api_key_quota
        self.byok_key_quota = byok_key_quota
        self._aws_account = "".join(secrets.choice(string.digits) for _ in range(12))
        self._lock = threading.Lock()
        self._seq = 0
        self._api_keys: _Collection[ApiKeyRecord] = _Collection()
        self._byok_keys: _Collection[ByokRecord] = _Collection()

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    # -- API keys ---------------------------------------------------------------------

    def authenticate_api_key(self, key_id: str, secret: str) -> Optional[str]:
        """The scheme an API key's credentials satisfy now, or ``None`` when they are refused.

        Refused: an unknown key or wrong secret, a key still within its propagation delay,
        a key whose authentication was told to flap, and a key scoped to a cluster, Flink
        or Tableflow (those do not open the Cloud APIs; the result is then ``"resource"``).
        """
        with self._lock:
            record = self._api_keys.get(key_id)
            if record is None or not hmac.compare_digest(record.secret.encode(), secret.encode()):
                return None
            if time.monotonic() < record.usable_at:
                return None
            if self._flaps.get(key_id, 0) > 0:
                self._flaps[key_id] -= 1
                return None
            kind = resource_kind(record.resource["id"] if record.resource else None)
            scheme = _SPECIAL_RESOURCES[kind][1] if kind is not None else None
            return scheme or "resource"

    def flap_api_key_auth(self, key_id: str, times: int) -> None:
        """Refuse the next ``times`` authentications with this key although it is valid."""
        if times < 1:
            raise ValueError(f"times must be at least 1, got {times}")
        with self._lock:
            if key_id not in self._api_keys:
                raise KeyError(key_id)
            self._flaps[key_id] = self._flaps.get(key_id, 0) + times

    def create_api_key(
        self, owner: JsonDict, resource: Optional[JsonDict], display_name: str, description: str
    ) -> JsonDict:
        """Store a new API key and render it, secret included (the only time it is shown)."""
        with self._lock:
            _check_quota(len(self._api_keys), self.api_key_quota, "apikeys_per_org", "API Keys")
            record = self._new_api_key(owner, resource, display_name, description, _now())
            self._api_keys.add(record)
            return self._render_api_key(record, with_secret=True)

    def add_api_key_now(self, owner: JsonDict, resource: Optional[JsonDict], display_name: str) -> Tuple[str, str]:
        """Insert one key usable at once (no quota, no delays); returns (key id, secret)."""
        with self._lock:
            record = self._new_api_key(owner, resource, display_name, "", _now())
            record.visible_at = record.usable_at = 0.0
            self._api_keys.add(record)
            return record.id, record.secret

    def seed_api_keys(
        self,
        count: int,
        owner: JsonDict,
        resource: Optional[JsonDict],
        description: Optional[str],
        created_at: Optional[datetime] = None,
    ) -> List[str]:
        """Insert ``count`` API keys directly (no quota, no delays) and return their ids."""
        now = created_at or _now()
        ids: List[str] = []
        with self._lock:
            for index in range(count):
                record = self._new_api_key(owner, resource, f"seeded key {index + 1}", description or "", now)
                record.visible_at = record.usable_at = 0.0
                self._api_keys.add(record)
                ids.append(record.id)
        return ids

    def _new_api_key(
        self, owner: JsonDict, resource: Optional[JsonDict], display_name: str, description: str, now: datetime
    ) -> ApiKeyRecord:
        key_id = new_api_key_id()
        while key_id in self._api_keys:
            key_id = new_api_key_id()
        return ApiKeyRecord(
            seq=self._next_seq(),
            id=key_id,
            created_at=now,
            updated_at=now,
            secret=new_api_secret(),
            owner=owner,
            resource=resource,
            display_name=display_name,
            description=description,
            visible_at=time.monotonic() + self.api_key_visibility_delay,
            usable_at=time.monotonic() + self.api_key_propagation_delay,
        )

    def get_api_key(self, key_id: str) -> JsonDict:
        """One API key, without its secret; 404 while it is not yet visible."""
        with self._lock:
            record = self._api_keys.get(key_id)
            if record is None or time.monotonic() < record.visible_at:
                raise _not_found("API key", key_id)
            return self._render_api_key(record)

    def list_api_keys(
        self, owner: Optional[str], resource: Optional[str], after: int, size: int
    ) -> Tuple[List[JsonDict], Optional[int]]:
        """A page of API keys and, when more follow, the cursor of the next page."""

        wanted_kind = resource_kind(resource) if resource is not None else None

        def keep(record: ApiKeyRecord) -> bool:
            if owner is not None and record.owner["id"] != owner:
                return False
            if resource is None:
                return True
            held = record.resource["id"] if record.resource else None
            if wanted_kind is not None:
                # Special ids match whatever the case; a key without resource is a Cloud API key.
                return resource_kind(held) == wanted_kind
            return held == resource

        with self._lock:
            records, more = self._api_keys.page(after, size, keep)
            return [self._render_api_key(r) for r in records], (records[-1].seq if more else None)

    def update_api_key(self, key_id: str, changes: Dict[str, str]) -> JsonDict:
        """Apply new display_name/description values and render the key.

        Renaming a key to the display name another key of the same owner has is a 409
        naming that key (the document's conflict answer for this operation).
        """
        with self._lock:
            record = self._api_keys.get(key_id)
            if record is None:
                raise _not_found("API key", key_id)
            wanted = changes.get("display_name")
            if wanted and wanted != record.display_name:
                for other in self._api_keys.values():
                    if other.display_name == wanted and other.owner["id"] == record.owner["id"]:
                        raise EmulatorError(
                            409,
                            "resource_already_exists",
                            f"The owner already has an API key named {wanted!r}: {other.id}.",
                            title="Resource Already Exists",
                            headers=[("Location", f"{self.base_url}/iam/v2/api-keys/{quote(other.id, safe='')}")],
                        )
            if "display_name" in changes:
                record.display_name = changes["display_name"]
            if "description" in changes:
                record.description = changes["description"]
            record.updated_at = _now()
            return self._render_api_key(record)

    def delete_api_key(self, key_id: str) -> None:
        """Remove an API key; 404 when there is none."""
        with self._lock:
            record = self._api_keys.get(key_id)
            if record is None:
                raise _not_found("API key", key_id)
            self._api_keys.remove(record)
            self._flaps.pop(key_id, None)

    def _render_api_key(self, record: ApiKeyRecord, *, with_secret: bool = False) -> JsonDict:
        spec: JsonDict = {}
        if with_secret:
            spec["secret"] = record.secret
        spec["display_name"] = record.display_name
        spec["description"] = record.description
        spec["owner"] = self._reference(record.owner)
        if record.resource is not None:
            spec["resource"] = self._reference(record.resource)
        return {
            "api_version": "iam/v2",
            "kind": "ApiKey",
            "id": record.id,
            "metadata": self._metadata(record, "/iam/v2/api-keys/", "api-key"),
            "spec": spec,
        }

    # -- BYOK keys --------------------------------------------------------------------

    def create_byok_key(self, key: JsonDict, display_name: Optional[str]) -> JsonDict:
        """Register a customer-managed key; 409 if the same key is already registered."""
        kind = key["kind"]
        provider = KEY_PROVIDER[kind]
        identifier = key[KEY_IDENTIFIER_FIELD[kind]]
        now = _now()
        with self._lock:
            for existing in self._byok_keys.values():
                if existing.identifier == identifier:
                    raise EmulatorError(
                        409,
                        "resource_already_exists",
                        f"The key '{identifier}' is already registered as {existing.id}.",
                        headers=[("Location", self.byok_url(existing.id))],
                    )
            _check_quota(len(self._byok_keys), self.byok_key_quota, "byok.max_keys.per_org", "BYOK Keys")
            key_id = new_byok_id()
            while key_id in self._byok_keys:
                key_id = new_byok_id()
            delay = self.byok_validation_delay
            awaiting_grant = self.byok_requires_grant
            record = ByokRecord(
                seq=self._next_seq(),
                id=key_id,
                created_at=now,
                updated_at=now,
                display_name=display_name,
                key=self._with_server_fields(key, key_id),
                provider=provider,
                identifier=identifier,
                state=AVAILABLE,
                phase=INITIALIZING,
                message=None,
                since=now,
                region=None,
                home_region=_region_of(kind, identifier) or _DEFAULT_REGIONS[provider],
                valid_at=None if awaiting_grant else time.monotonic() + delay,
                valid_at_wall=now + timedelta(seconds=delay),
                awaiting_grant=awaiting_grant,
            )
            self._byok_keys.add(record)
            return self._render_byok(record)

    def byok_url(self, key_id: str) -> str:
        """The absolute URL of a BYOK key."""
        return f"{self.base_url}/byok/v1/keys/{quote(key_id, safe='')}"

    def get_byok_key(self, key_id: str) -> JsonDict:
        """One BYOK key with its current validation."""
        with self._lock:
            record = self._byok(key_id)
            self._advance_validation(record, time.monotonic())
            return self._render_byok(record)

    def list_byok_keys(self, filters: ByokFilter, after: int, size: int) -> Tuple[List[JsonDict], Optional[int]]:
        """A page of BYOK keys and, when more follow, the cursor of the next page."""
        with self._lock:
            now = time.monotonic()

            def keep(record: ByokRecord) -> bool:
                self._advance_validation(record, now)
                return filters.matches(record)

            records, more = self._byok_keys.page(after, size, keep)
            return [self._render_byok(r) for r in records], (records[-1].seq if more else None)

    def update_byok_key(self, key_id: str, display_name: Optional[str]) -> JsonDict:
        """Rename a BYOK key (``None`` leaves the name as it is)."""
        with self._lock:
            record = self._byok(key_id)
            if display_name is not None:
                record.display_name = display_name
            record.updated_at = _now()
            self._advance_validation(record, time.monotonic())
            return self._render_byok(record)

    def delete_byok_key(self, key_id: str) -> None:
        """Remove a BYOK key; refused (400) while a cluster uses it."""
        with self._lock:
            record = self._byok(key_id)
            if record.state == IN_USE:
                raise EmulatorError(
                    400,
                    "key_in_use",
                    f"The key {key_id} is in use by a cluster and cannot be deleted.",
                    title="Key In Use",
                )
            self._byok_keys.remove(record)

    def set_byok_validation(
        self, key_id: str, phase: str, message: Optional[str], region: Optional[str]
    ) -> None:
        """Force a BYOK key's validation outcome; it no longer changes by itself."""
        with self._lock:
            record = self._byok_for_test(key_id)
            record.phase = phase
            record.message = message
            record.since = _now()
            record.region = region if region is not None else (record.home_region if phase == VALID else None)
            record.valid_at = None
            record.awaiting_grant = False

    def grant_byok_access(self, key_id: str) -> None:
        """The customer applied the grant: validation turns VALID after ``byok_validation_delay``."""
        with self._lock:
            record = self._byok_for_test(key_id)
            if not record.awaiting_grant:
                return
            record.awaiting_grant = False
            record.valid_at = time.monotonic() + self.byok_validation_delay
            record.valid_at_wall = _now() + timedelta(seconds=self.byok_validation_delay)

    def set_byok_state(self, key_id: str, state: str) -> None:
        """Force a BYOK key's state (``IN_USE`` makes it undeletable)."""
        with self._lock:
            record = self._byok_for_test(key_id)
            record.state = state
            record.updated_at = _now()

    def _byok(self, key_id: str) -> ByokRecord:
        record = self._byok_keys.get(key_id)
        if record is None:
            raise _not_found("key", key_id)
        return record

    def _byok_for_test(self, key_id: str) -> ByokRecord:
        # The test-control methods are Python calls, so a wrong id is a KeyError, not a 404.
        record = self._byok_keys.get(key_id)
        if record is None:
            raise KeyError(key_id)
        return record

    def _advance_validation(self, record: ByokRecord, now: float) -> None:
        if record.valid_at is not None and record.phase == INITIALIZING and now >= record.valid_at:
            record.phase = VALID
            record.since = record.valid_at_wall
            record.region = record.home_region
            record.valid_at = None

    def _with_server_fields(self, key: JsonDict, key_id: str) -> JsonDict:
        filled = dict(key)
        kind = key["kind"]
        if kind == "AwsKey":
            filled["roles"] = [
                f"arn:aws:iam::{self._aws_account}:role/cc-byok-{key_id}",
                f"arn:aws:iam::{self._aws_account}:role/cc-kafka-{uuid.uuid4()}",
            ]
        elif kind == "AzureKey":
            filled["application_id"] = str(uuid.uuid4())
        else:
            filled["security_group"] = f"cc-byok-{key_id}@confluent-byok.example.com"
        return filled

    def _render_byok(self, record: ByokRecord) -> JsonDict:
        validation: JsonDict = {"phase": record.phase, "since": _timestamp(record.since)}
        if record.message is not None:
            validation["message"] = record.message
        if record.region is not None:
            validation["region"] = record.region
        rendered: JsonDict = {
            "api_version": "byok/v1",
            "kind": "Key",
            "id": record.id,
            "metadata": self._metadata(record, "/byok/v1/keys/", "key"),
            "key": dict(record.key),
            "provider": record.provider,
            "state": record.state,
            "validation": validation,
        }
        if record.display_name is not None:
            rendered["display_name"] = record.display_name
        return rendered

    # -- shared rendering ---------------------------------------------------------------

    def _metadata(self, record: _Record, collection: str, crn_kind: str) -> JsonDict:
        return {
            "self": f"{self.base_url}{collection}{quote(record.id, safe='')}",
            "resource_name": f"crn://confluent.cloud/organization={self.organization_id}/{crn_kind}={record.id}",
            "created_at": _timestamp(record.created_at),
            "updated_at": _timestamp(record.updated_at),
        }

    def _reference(self, ref: JsonDict) -> JsonDict:
        """An ObjectReference as the service returns it: with its URL, CRN, version and kind."""
        ref_id: str = ref["id"]
        environment: Optional[str] = ref.get("environment")
        crn = f"crn://confluent.cloud/organization={self.organization_id}"
        expanded: JsonDict = {"id": ref_id}
        if environment is not None:
            expanded["environment"] = environment
        # Ids are percent-encoded inside the links so that any id still gives a valid URI.
        quoted_id = quote(ref_id, safe="")
        special = resource_kind(ref_id)
        if special is not None:
            expanded["related"] = f"{self.base_url}/"
            expanded["resource_name"] = crn
            expanded["kind"] = _SPECIAL_RESOURCES[special][0]
            return expanded
        flink = _FLINK_RESOURCE.fullmatch(ref_id)
        if flink is not None:
            env, cloud, region = flink.groups()
            expanded["related"] = f"{self.base_url}/fcpm/v2/regions?cloud={quote(cloud, safe='')}"
            expanded["resource_name"] = f"{crn}/environment={env}/flink-region={quote(f'{cloud}.{region}', safe='')}"
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


def _timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC, as the service writes times: ``2024-03-20T15:30:00.123456Z``."""
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _not_found(what: str, key_id: str) -> EmulatorError:
    return EmulatorError(404, "resource_not_found", f"The {what} '{key_id}' was not found.")


def _region_of(kind: str, identifier: str) -> Optional[str]:
    """The cloud region named inside a key identifier, when it names one."""
    if kind == "AwsKey":
        parts = identifier.split(":")
        return parts[3] if len(parts) > 3 and parts[3] else None
    if kind == "GcpKey":
        parts = identifier.split("/")
        if "locations" in parts:
            index = parts.index("locations") + 1
            return parts[index] if index < len(parts) and parts[index] else None
    return None


def _check_quota(held: int, quota: Optional[int], quota_name: str, what: str) -> None:
    """402 when one more object would pass the organization's quota (``None``: no limit)."""
    if quota is not None and held >= quota:
        raise EmulatorError(
            402,
            "quota_exceeded",
            f"The request would exceed the quota: {quota_name} (limit {quota})",
            title=f"{what} Per Org Quota Exceeded",
        )
