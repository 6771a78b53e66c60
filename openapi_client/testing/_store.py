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

The records, their ids and the collection that pages and lags them are in
:mod:`openapi_client.testing._records`; how a record is written as an answer (links, CRNs,
expanded references) in :mod:`openapi_client.testing._rendering`.
"""

from __future__ import annotations

import copy
import hmac
import secrets
import string
import threading
import time
import uuid
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote

from openapi_client.testing._errors import EmulatorError
from openapi_client.testing._records import (
    AVAILABLE,
    IN_USE,
    INITIALIZING,
    VALID,
    ApiKeyRecord,
    ByokFilter,
    ByokRecord,
    Collection,
    JsonDict,
    new_api_key_id,
    new_api_secret,
    new_byok_id,
    resource_matches,
    scheme_of,
    utc_now,
)
from openapi_client.testing._rendering import Renderer
from openapi_client.testing._wire import KEY_IDENTIFIER_FIELD, KEY_PROVIDER

__all__ = ["Store"]


_DEFAULT_REGIONS = {"AWS": "us-east-1", "Azure": "eastus", "GCP": "us-central1"}


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
        self.api_key_propagation_delay = api_key_propagation_delay
        self.byok_requires_grant = byok_requires_grant
        self._flaps: Dict[str, int] = {}
        self._render = Renderer(organization_id=str(uuid.uuid4()))
        self.byok_validation_delay = byok_validation_delay
        self.api_key_visibility_delay = api_key_visibility_delay
        self.api_key_quota = api_key_quota
        self.byok_key_quota = byok_key_quota
        self._aws_account = "".join(secrets.choice(string.digits) for _ in range(12))
        self._lock = threading.Lock()
        self._seq = 0
        self._api_keys: Collection[ApiKeyRecord] = Collection()
        self._byok_keys: Collection[ByokRecord] = Collection()

    @property
    def base_url(self) -> str:
        """The emulator's address, for the absolute links of answers (set once the server has its port)."""
        return self._render.base_url

    @base_url.setter
    def base_url(self, url: str) -> None:
        self._render.base_url = url

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
            record = self._new_api_key(owner, resource, display_name, description, utc_now())
            self._api_keys.add(record)
            return self._render.api_key(record, with_secret=True)

    def add_api_key_now(self, owner: JsonDict, resource: Optional[JsonDict], display_name: str) -> Tuple[str, str]:
        """Insert one key usable at once (no quota, no delays); returns (key id, secret)."""
        with self._lock:
            record = self._new_api_key(owner, resource, display_name, "", utc_now())
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
        now = created_at or utc_now()
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
            utc_now(),
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
            return self._render.api_key(record)

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
            return [self._render.api_key(r) for r in records], (records[-1].seq if more else None)

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
            record.updated_at = utc_now()
            return self._render.api_key(record)

    def delete_api_key(self, key_id: str) -> None:
        """Remove an API key; 404 when there is none."""
        with self._lock:
            record = self._api_keys.get(key_id)
            if record is None:
                raise _not_found("API key", key_id)
            self._api_keys.remove(record)
            self._flaps.pop(key_id, None)

    # -- BYOK keys --------------------------------------------------------------------

    def create_byok_key(self, key: JsonDict, display_name: Optional[str], *, seeded: bool = False) -> JsonDict:
        """Register a customer-managed key; 409 if the same key is already registered.

        ``seeded=True`` skips the organization's quota and is seen by every read at once."""
        kind = key["kind"]
        provider = KEY_PROVIDER[kind]
        identifier = key[KEY_IDENTIFIER_FIELD[kind]]
        now = utc_now()
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
            return self._render.byok(record)

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
        now = utc_now()
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
            return self._render.byok(record)

    def list_byok_keys(self, filters: ByokFilter, after: int, size: int) -> Tuple[List[JsonDict], Optional[int]]:
        """A page of BYOK keys and, when more follow, the cursor of the next page."""
        with self._lock:
            now = time.monotonic()

            def keep(record: ByokRecord) -> bool:
                self._advance_validation(record, now)
                return filters.matches(record)

            records, more = self._byok_keys.page(after, size, keep)
            return [self._render.byok(r) for r in records], (records[-1].seq if more else None)

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
            record.updated_at = utc_now()
            self._advance_validation(record, time.monotonic())
            return self._render.byok(record)

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
            record.since = utc_now()
            record.region = region if region is not None else (record.home_region if phase == VALID else None)
            record.valid_at = None
            record.awaiting_grant = False
            if record.document is not None:
                record.document["validation"] = self._render.validation(record)

    def grant_byok_access(self, key_id: str) -> None:
        """The customer applied the grant: validation turns VALID after ``byok_validation_delay``."""
        with self._lock:
            record = self._byok_for_test(key_id)
            if not record.awaiting_grant:
                return
            record.awaiting_grant = False
            record.valid_at = time.monotonic() + self.byok_validation_delay
            record.valid_at_wall = utc_now() + timedelta(seconds=self.byok_validation_delay)

    def set_byok_state(self, key_id: str, state: str) -> None:
        """Force a BYOK key's state (``IN_USE`` makes it undeletable)."""
        with self._lock:
            record = self._byok_for_test(key_id)
            record.state = state
            record.updated_at = utc_now()
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


def _kept_document(
    document: Mapping[str, Any], held: Collection[Any], new_id: Callable[[], str], what: str
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
