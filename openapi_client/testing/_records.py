"""What the emulator keeps: the records of API keys and BYOK keys, their ids, what an API key's
resource names (in any of the service's spellings), the BYOK list filters, and the collection
that holds records for keyset paging and lagging reads."""

from __future__ import annotations

import base64
import bisect
import copy
import os
import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Generic, List, Mapping, Optional, Tuple, TypeVar

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


def new_api_key_id() -> str:
    """16 upper-case letters and digits, like a Confluent API key id."""
    return base64.b32encode(os.urandom(10)).decode("ascii")


def new_api_secret() -> str:
    """64 characters of base64 text, like a Confluent API key secret."""
    return base64.b64encode(os.urandom(48)).decode("ascii")


def new_byok_id() -> str:
    """``cck-`` and five lower-case letters or digits, like a BYOK key id."""
    return "cck-" + "".join(secrets.choice(_BYOK_ID_ALPHABET) for _ in range(5))


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Record:
    seq: int
    id: str
    created_at: datetime
    updated_at: datetime


@dataclass
class ApiKeyRecord(Record):
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
class ByokRecord(Record):
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


RecordT = TypeVar("RecordT", bound=Record)


@dataclass
class _Lag:
    """What the next ``left`` reads of a key see: ``previous`` (``None``: no key)."""

    previous: Optional[Any]
    left: int


class Collection(Generic[RecordT]):
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
