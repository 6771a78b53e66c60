"""The emulator's in-memory state: API keys and BYOK keys, guarded by one lock.

Every public method of :class:`Store` takes the lock for its whole duration and returns
plain JSON-ready dicts (snapshots), so callers never touch a record another thread may be
changing. Listing is keyset-based: each record has a creation sequence number, and a page
starts after the last sequence number of the previous page, so items created or deleted
between pages never make the walk skip or repeat one.

Reads can be told to lag writes (``stale_reads``): after each write to a key, its next
``stale_reads`` reads see the version before that write (nothing, after a create; the key as
it was, after an update or a delete), as a lagging replica of the real service may answer.
Counting reads instead of seconds makes such a test reproducible.
"""

from __future__ import annotations

import base64
import bisect
import copy
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
from typing import Any, Callable, Dict, Generic, List, Mapping, Optional, Sequence, Tuple, TypeVar
from urllib.parse import quote

from openapi_client.testing._errors import EmulatorError
from openapi_client.testing._wire import KEY_IDENTIFIER_FIELD, KEY_PROVIDER

__all__ = [
    "Store",
    "ApiKeyRecord",
    "ByokRecord",
    "ByokFilter",
    "CLOUD_SCHEME",
    "GLOBAL_SCHEME",
    "resource_class",
    "resource_matches",
]

JsonDict = Dict[str, Any]

INITIALIZING = "INITIALIZING"
VALID = "VALID"
AVAILABLE = "AVAILABLE"
IN_USE = "IN_USE"

# The security schemes of the document an API key's credentials satisfy.
CLOUD_SCHEME = "cloud-api-key"
GLOBAL_SCHEME = "global-api-key"

_BYOK_ID_ALPHABET = string.ascii_lowercase + string.digits

# Resource ids (and kinds) that name no object, only what the key is for, in any case: the
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

# A Flink key's resource in its older form: an environment and a cloud region in one id,
# ``env-abc123.aws.us-east-2``.
_FLINK_RESOURCE = re.compile(r"(env-[A-Za-z0-9]+)\.([A-Za-z0-9]+)\.([A-Za-z0-9-]+)")
# ...and in its current form: the region as the id (``aws.us-east-1``), with the environment
# beside it, kind ``Region`` and api_version ``fcpm/v2``.
_FLINK_REGION = re.compile(r"(aws|azure|gcp)\.([A-Za-z0-9-]+)", re.IGNORECASE)

# What a resource reference names, compared the same way whatever its spelling: a special
# kind (``("Cloud",)``), a Flink region (``("Flink", environment or None, "aws.us-east-1")``)
# or an object by id (``("Id", id)``).
ResourceClass = Tuple[Optional[str], ...]


def resource_class(reference: Optional[Mapping[str, Any]]) -> ResourceClass:
    """What an API key's resource names, from any of the spellings the service uses.

    No resource, ``CLOUD``/``cloud`` or kind ``Cloud`` is a Cloud key; likewise Global and
    Tableflow; a Flink region in either form; anything else is the object of that id.
    """
    if reference is None:
        return ("Cloud",)
    ref_id = reference.get("id")
    text = ref_id if isinstance(ref_id, str) else ""
    kind = reference.get("kind")
    for name in (text, kind if isinstance(kind, str) else ""):
        special = _SPECIAL_RESOURCES.get(name.upper())
        if special is not None:
            return (special[0],)
    older = _FLINK_RESOURCE.fullmatch(text)
    if older is not None:
        env, cloud, region = older.groups()
        return ("Flink", env, f"{cloud}.{region}".lower())
    environment = reference.get("environment")
    api_version = reference.get("api_version")
    is_region = kind == "Region" or (isinstance(api_version, str) and api_version.startswith("fcpm/"))
    if _FLINK_REGION.fullmatch(text) and (is_region or isinstance(environment, str)):
        return ("Flink", environment if isinstance(environment, str) else None, text.lower())
    return ("Id", text)


def resource_matches(wanted: str, reference: Optional[Mapping[str, Any]]) -> bool:
    """Whether a key with this resource is listed by the ``spec.resource=wanted`` filter.

    Special ids match in any case and whatever spelling the key has (``CLOUD`` also lists
    keys without a resource); a Flink region (``aws.us-east-1``) matches the keys for that
    region in every environment, and ``env-….aws.us-east-1`` those of that environment, in
    either form; any other id matches exactly.
    """
    held = resource_class(reference)
    if reference is not None and reference.get("id") == wanted:
        return True
    asked = resource_class({"id": wanted})
    if asked[0] == "Id" and _FLINK_REGION.fullmatch(wanted):
        asked = ("Flink", None, wanted.lower())
    if asked[0] == "Flink":
        return held[0] == "Flink" and held[2] == asked[2] and (asked[1] is None or held[1] == asked[1])
    return asked[0] != "Id" and held == asked


def scheme_of(reference: Optional[Mapping[str, Any]]) -> str:
    """The security scheme a key with this resource satisfies (``"resource"``: none of the Cloud APIs')."""
    kind = resource_class(reference)[0]
    for special_kind, scheme in _SPECIAL_RESOURCES.values():
        if kind == special_kind:
            return scheme or "resource"
    return "resource"


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
    # A key seeded as a whole document is answered exactly as given (its spelling kept).
    document: Optional[JsonDict] = None


@dataclass
class ByokRecord(_Record):
    """One BYOK key; ``valid_at`` is when an INITIALIZING key turns VALID (None: not yet known)."""

    display_name: Optional[str]
    key: JsonDict
    provider: str
    identifier: str
    state: str
    phase: Optional[str]
    message: Optional[str]
    since: datetime
    region: Optional[str]
    home_region: str
    valid_at: Optional[float]
    valid_at_wall: datetime
    awaiting_grant: bool = False
    document: Optional[JsonDict] = None


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
        """Exact match on state/phase/region, provider in any case (``AZURE`` is ``Azure``),
        case-insensitive substring on the rest."""
        if self.provider is not None and record.provider.lower() != self.provider.lower():
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


@dataclass
class _Lag:
    """What the next ``left`` reads of a key see: ``previous`` (``None``: no key)."""

    previous: Optional[Any]
    left: int


class _Collection(Generic[RecordT]):
    """Records by id, plus their sequence numbers in order for keyset paging.

    With ``stale_reads`` above 0, the versions before each key's latest write are kept for
    that many of its reads (a deleted key stays in the order as a ghost until then); writes
    always see the latest version.
    """

    def __init__(self) -> None:
        self._by_id: Dict[str, RecordT] = {}
        self._ghosts: Dict[str, RecordT] = {}
        self._seqs: List[int] = []
        self._by_seq: Dict[int, RecordT] = {}
        self._lag: Dict[int, _Lag] = {}
        self.stale_reads = 0

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, record_id: str) -> bool:
        return record_id in self._by_id

    def get(self, record_id: str) -> Optional[RecordT]:
        """The latest version (what writes see)."""
        return self._by_id.get(record_id)

    def values(self) -> List[RecordT]:
        return [record for record in (self._by_seq[seq] for seq in self._seqs) if self._by_id.get(record.id) is record]

    def add(self, record: RecordT, *, lagging: bool = True) -> None:
        """Hold a new record; ``lagging=False`` (seeding) makes it visible to every read at once."""
        # Sequence numbers only grow, so appending keeps _seqs sorted.
        self._by_id[record.id] = record
        self._seqs.append(record.seq)
        self._by_seq[record.seq] = record
        if lagging and self.stale_reads > 0:
            self._lag[record.seq] = _Lag(None, self.stale_reads)

    def seed(self, records: List[RecordT]) -> List[str]:
        """Hold records seen by every read at once (all or, when two share an id, none); their ids."""
        ids = [record.id for record in records]
        if len(set(ids)) != len(ids):
            raise ValueError("two documents have the same id")
        for record in records:
            self.add(record, lagging=False)
        return ids

    def before_write(self, record: RecordT) -> None:
        """Keep the version about to change for lagging reads (a no-op without ``stale_reads``)."""
        if self.stale_reads > 0:
            self._lag[record.seq] = _Lag(copy.deepcopy(record), self.stale_reads)

    def remove(self, record: RecordT) -> None:
        del self._by_id[record.id]
        if self.stale_reads > 0:
            self._lag[record.seq] = _Lag(copy.deepcopy(record), self.stale_reads)
            stale = self._ghosts.pop(record.id, None)
            if stale is not None:
                self._forget(stale)
            self._ghosts[record.id] = record
        else:
            self._forget(record)

    def clear(self) -> None:
        for container in (self._by_id, self._ghosts, self._by_seq, self._lag):
            container.clear()
        self._seqs.clear()

    def _forget(self, record: RecordT) -> None:
        del self._by_seq[record.seq]
        del self._seqs[bisect.bisect_left(self._seqs, record.seq)]
        self._lag.pop(record.seq, None)

    def read(self, record_id: str) -> Optional[RecordT]:
        """The version a read of this key sees (counting one read), ``None`` when there is none."""
        record = self._by_id.get(record_id) or self._ghosts.get(record_id)
        if record is None:
            return None
        seen, ghost_done = self._seen(record)
        if ghost_done:
            del self._ghosts[record.id]
            self._forget(record)
        return seen

    def _seen(self, record: RecordT) -> Tuple[Optional[RecordT], bool]:
        """(the version a read sees, whether a ghost whose lag ran out is to be forgotten)."""
        if not self._lag and not self._ghosts:
            return record, False  # no read lags: the common case, kept cheap for long listings
        lag = self._lag.get(record.seq)
        if lag is None:
            return (None, False) if self._ghosts.get(record.id) is record else (record, False)
        lag.left -= 1
        expired = lag.left <= 0
        if expired:
            del self._lag[record.seq]
        return lag.previous, expired and self._ghosts.get(record.id) is record

    def page(self, after: int, size: int, keep: Callable[[RecordT], bool]) -> Tuple[List[RecordT], bool]:
        """Up to ``size`` kept records created after sequence ``after``, and whether more follow."""
        found: List[RecordT] = []
        finished: List[RecordT] = []
        seqs = self._seqs
        more = False
        for index in range(bisect.bisect_right(seqs, after), len(seqs)):
            record = self._by_seq[seqs[index]]
            seen, ghost_done = self._seen(record)
            if ghost_done:
                finished.append(record)
            if seen is not None and keep(seen):
                if len(found) == size:
                    more = True
                    break
                found.append(seen)
        for record in finished:
            del self._ghosts[record.id]
            self._forget(record)
        return found, more


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

    @property
    def stale_reads(self) -> int:
        """How many reads of a key after each write still see its version before the write."""
        return self._api_keys.stale_reads

    @stale_reads.setter
    def stale_reads(self, reads: int) -> None:
        if isinstance(reads, bool) or not isinstance(reads, int) or reads < 0:
            raise ValueError(f"stale_reads must be a whole number of reads, 0 or more, got {reads!r}")
        with self._lock:
            self._api_keys.stale_reads = self._byok_keys.stale_reads = reads

    def reset(self) -> None:
        """Forget every key (and any lagging version of one); settings stay."""
        with self._lock:
            self._api_keys.clear()
            self._byok_keys.clear()
            self._flaps.clear()

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
            return scheme_of(record.resource)

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
            self._api_keys.add(record, lagging=False)
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
                self._api_keys.add(record, lagging=False)
                ids.append(record.id)
        return ids

    def seed_api_key_documents(self, documents: Sequence[Mapping[str, Any]]) -> List[str]:
        """Insert API keys answered exactly as given (a missing ``id`` is made up); their ids.

        The owner and resource the filters and authentication look at are read from ``spec``
        whatever their spelling; the key's secret is ``spec.secret`` when the document gives
        one, else made up and never shown.
        """
        with self._lock:
            return self._api_keys.seed([self._document_api_key(document) for document in documents])

    def _document_api_key(self, document: Mapping[str, Any]) -> ApiKeyRecord:
        kept, key_id = _kept_document(document, self._api_keys, self._unused_api_key_id, "an API key")
        spec = kept.get("spec")
        spec = spec if isinstance(spec, dict) else {}
        owner, resource = spec.get("owner"), spec.get("resource")
        record = self._new_api_key(
            owner if isinstance(owner, dict) else {},
            resource if isinstance(resource, dict) else None,
            _text(spec.get("display_name")),
            _text(spec.get("description")),
            _now(),
        )
        record.id = key_id
        record.visible_at = record.usable_at = 0.0
        record.document = kept
        if isinstance(spec.get("secret"), str) and spec["secret"]:
            record.secret = spec["secret"]  # a document that names its secret can authenticate with it
        return record

    def _unused_api_key_id(self) -> str:
        key_id = new_api_key_id()
        while key_id in self._api_keys:
            key_id = new_api_key_id()
        return key_id

    def _new_api_key(
        self, owner: JsonDict, resource: Optional[JsonDict], display_name: str, description: str, now: datetime
    ) -> ApiKeyRecord:
        return ApiKeyRecord(
            seq=self._next_seq(),
            id=self._unused_api_key_id(),
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
            record = self._api_keys.read(key_id)
            if record is None or time.monotonic() < record.visible_at:
                raise _not_found("API key", key_id)
            return self._render_api_key(record)

    def list_api_keys(
        self, owner: Optional[str], resource: Optional[str], after: int, size: int
    ) -> Tuple[List[JsonDict], Optional[int]]:
        """A page of API keys and, when more follow, the cursor of the next page."""

        def keep(record: ApiKeyRecord) -> bool:
            if owner is not None and record.owner.get("id") != owner:
                return False
            return resource is None or resource_matches(resource, record.resource)

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
                    if other.display_name == wanted and other.owner.get("id") == record.owner.get("id"):
                        raise EmulatorError(
                            409,
                            "resource_already_exists",
                            f"The owner already has an API key named {wanted!r}: {other.id}.",
                            title="Resource Already Exists",
                            headers=[("Location", f"{self.base_url}/iam/v2/api-keys/{quote(other.id, safe='')}")],
                        )
            self._api_keys.before_write(record)
            for name in ("display_name", "description"):
                if name in changes:
                    setattr(record, name, changes[name])
                    if record.document is not None:
                        _spec_of(record.document)[name] = changes[name]
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
        if record.document is not None:
            return copy.deepcopy(record.document)
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

    def create_byok_key(self, key: JsonDict, display_name: Optional[str], *, seeded: bool = False) -> JsonDict:
        """Register a customer-managed key; 409 if the same key is already registered.

        ``seeded=True`` skips the organization's quota and is seen by every read at once."""
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
            if not seeded:
                _check_quota(len(self._byok_keys), self.byok_key_quota, "byok.max_keys.per_org", "BYOK Keys")
            key_id = self._unused_byok_id()
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
            self._byok_keys.add(record, lagging=not seeded)
            return self._render_byok(record)

    def seed_byok_key_documents(self, documents: Sequence[Mapping[str, Any]]) -> List[str]:
        """Insert BYOK keys answered exactly as given (a missing ``id`` is made up); their ids.

        Filters read ``provider``, ``state``, ``display_name``, ``validation`` and the key's
        identifier from the document, whatever their spelling; a missing ``validation``
        stays missing (its phase never advances).
        """
        with self._lock:
            return self._byok_keys.seed([self._document_byok(document) for document in documents])

    def _document_byok(self, document: Mapping[str, Any]) -> ByokRecord:
        kept, key_id = _kept_document(document, self._byok_keys, self._unused_byok_id, "a BYOK key")
        key = kept.get("key")
        key = key if isinstance(key, dict) else {}
        identifier_field = KEY_IDENTIFIER_FIELD.get(key.get("kind"))  # type: ignore[arg-type]
        validation = kept.get("validation")
        validation = validation if isinstance(validation, dict) else {}
        display_name = kept.get("display_name")
        now = _now()
        return ByokRecord(
            seq=self._next_seq(),
            id=key_id,
            created_at=now,
            updated_at=now,
            display_name=display_name if isinstance(display_name, str) else None,
            key=key,
            provider=_text(kept.get("provider")),
            identifier=_text(key.get(identifier_field)) if identifier_field else "",
            state=_text(kept.get("state")),
            phase=validation.get("phase") if isinstance(validation.get("phase"), str) else None,
            message=None,
            since=now,
            region=validation.get("region") if isinstance(validation.get("region"), str) else None,
            home_region="",
            valid_at=None,
            valid_at_wall=now,
            document=kept,
        )

    def _unused_byok_id(self) -> str:
        key_id = new_byok_id()
        while key_id in self._byok_keys:
            key_id = new_byok_id()
        return key_id

    def byok_url(self, key_id: str) -> str:
        """The absolute URL of a BYOK key."""
        return f"{self.base_url}/byok/v1/keys/{quote(key_id, safe='')}"

    def get_byok_key(self, key_id: str) -> JsonDict:
        """One BYOK key with its current validation."""
        with self._lock:
            record = self._byok_keys.read(key_id)
            if record is None:
                raise _not_found("key", key_id)
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
            self._advance_validation(record, time.monotonic())
            self._byok_keys.before_write(record)
            if display_name is not None:
                record.display_name = display_name
                if record.document is not None:
                    record.document["display_name"] = display_name
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

    def set_byok_validation(self, key_id: str, phase: str, message: Optional[str], region: Optional[str]) -> None:
        """Force a BYOK key's validation outcome; it no longer changes by itself."""
        with self._lock:
            record = self._byok_for_test(key_id)
            record.phase = phase
            record.message = message
            record.since = _now()
            record.region = region if region is not None else (record.home_region if phase == VALID else None)
            record.valid_at = None
            record.awaiting_grant = False
            if record.document is not None:
                record.document["validation"] = self._validation(record)

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
            if record.document is not None:
                record.document["state"] = state

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

    def _validation(self, record: ByokRecord) -> JsonDict:
        validation: JsonDict = {"phase": record.phase, "since": _timestamp(record.since)}
        if record.message is not None:
            validation["message"] = record.message
        if record.region is not None:
            validation["region"] = record.region
        return validation

    def _render_byok(self, record: ByokRecord) -> JsonDict:
        if record.document is not None:
            return copy.deepcopy(record.document)
        validation = self._validation(record)
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


def _kept_document(
    document: Mapping[str, Any], held: _Collection[Any], new_id: Callable[[], str], what: str
) -> Tuple[JsonDict, str]:
    """A copy of a seeded document to keep as it is, and its id (made up when missing)."""
    if not isinstance(document, Mapping):
        raise ValueError(f"{what} document must be a JSON object")
    kept: JsonDict = copy.deepcopy(dict(document))
    key_id = kept.get("id")
    if key_id is None:
        key_id = kept["id"] = new_id()
    if not isinstance(key_id, str) or not key_id or key_id in held:
        raise ValueError(f"{what} document needs an id that is a new, non-empty string, got {key_id!r}")
    return kept, key_id


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _spec_of(document: JsonDict) -> JsonDict:
    spec = document.get("spec")
    if not isinstance(spec, dict):
        spec = document["spec"] = {}
    return spec


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
