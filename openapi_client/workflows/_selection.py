"""Which keys a batch rotation takes, in which order, and the batch's summary (pure, no I/O)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple

from openapi_client.credentials import CloudApiKey, GlobalApiKey
from openapi_client.exceptions import ApiValueError
from openapi_client.models.iam_v2_api_key import IamV2ApiKey
from openapi_client.models.responses import IamV2ApiKeyListItem
from openapi_client.workflows._claims import read_marker
from openapi_client.workflows._rotation_results import Outcome, RotationResult
from openapi_client.workflows.ages import key_age

__all__ = ["KeySelection", "RotationSummary"]


Selected = List[Tuple[IamV2ApiKeyListItem, List[IamV2ApiKeyListItem]]]
"""Keys a batch takes, each with the replacements an earlier run left for it."""


def creation_time(key: IamV2ApiKey) -> dt.datetime:
    """When ``key`` was created (the earliest time when unknown): what keys are ordered by."""
    moment = key.metadata.created_at if key.metadata is not None else None
    return moment or dt.datetime.min.replace(tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class KeySelection:
    """Which keys a batch rotation takes: all of the given criteria must hold.

    ``owner`` and ``resource`` are sent as list filters; ``older_than`` compares with
    ``metadata.created_at`` (keys without one are skipped); ``predicate`` sees each listed
    key (an :class:`~openapi_client.models.responses.IamV2ApiKeyListItem`: id, metadata and
    owner are always set). A selection without criteria is refused unless
    ``all_keys=True`` says that every key the caller may list is meant: a forgotten
    argument must not rotate a whole organization.
    """

    owner: Optional[str] = None
    resource: Optional[str] = None
    older_than: Optional[dt.timedelta] = None
    predicate: Optional[Callable[[IamV2ApiKeyListItem], bool]] = None
    all_keys: bool = False

    def __post_init__(self) -> None:
        check_selection(self)

    @property
    def has_criteria(self) -> bool:
        return any(c is not None for c in (self.owner, self.resource, self.older_than, self.predicate))

    def matches(self, key: IamV2ApiKeyListItem, now: dt.datetime) -> bool:
        if self.older_than is not None:
            age = key_age(key, now)
            if age is None or age <= self.older_than:
                return False
        return self.predicate is None or bool(self.predicate(key))


def check_selection(selection: object) -> None:
    """Refuse what is not a :class:`KeySelection`, an empty one not marked ``all_keys=True``,
    and ``all_keys=True`` together with criteria (which would not take all keys)."""
    if not isinstance(selection, KeySelection):
        raise ApiValueError(f"parameter 'selection' must be a KeySelection, got {type(selection).__name__}")
    if selection.all_keys is not True and selection.all_keys is not False:
        raise ApiValueError(f"KeySelection 'all_keys' must be a bool, got {selection.all_keys!r}")
    if selection.all_keys and selection.has_criteria:
        raise ApiValueError(
            "KeySelection(all_keys=True) takes every key; it cannot be combined with "
            "'owner', 'resource', 'older_than' or 'predicate'"
        )
    if not selection.all_keys and not selection.has_criteria:
        raise ApiValueError(
            "KeySelection() without criteria would rotate every API key the caller can list: "
            "give 'owner', 'resource', 'older_than' or 'predicate', or pass all_keys=True to mean every key"
        )


def select(keys: Sequence[IamV2ApiKeyListItem], selection: KeySelection, now: dt.datetime) -> Selected:
    """The selected keys, each with the replacements found for it, oldest first.

    A key that is itself an unfinished replacement (its old key is still listed) is not
    selected: its rotation is already under way.
    """
    listed = {key.id for key in keys}
    by_old: Dict[str, List[IamV2ApiKeyListItem]] = {}
    for key in keys:
        read = read_marker(key.spec.description)
        if read is not None:
            by_old.setdefault(read[0], []).append(key)
    chosen = []
    for key in keys:
        read = read_marker(key.spec.description)
        if read is not None and read[0] in listed:
            continue
        if selection.matches(key, now):
            chosen.append((key, by_old.get(key.id, [])))
    chosen.sort(key=lambda pair: creation_time(pair[0]))
    return chosen


def shuffled(chosen: Selected) -> Selected:
    """``chosen`` in a random order: overlapping batch runs then mostly take different keys
    (in the same order, they would contend for every key, one claim at a time)."""
    return secrets.SystemRandom().sample(chosen, len(chosen))


def signing_key_ids(credentials: Iterable[object]) -> FrozenSet[str]:
    """The ids of the API keys among a client's credential providers (what it signs with)."""
    return frozenset(p.key for p in credentials if isinstance(p, (CloudApiKey, GlobalApiKey)))


def own_keys_last(chosen: Selected, own_key_ids: FrozenSet[str]) -> Tuple[Selected, Selected]:
    """``chosen`` split in two: the other keys, then the keys the client itself signs with.

    A batch rotates the client's own key after every other rotation has finished: once it
    is deleted, the client's calls fail (unless the handover updated its configuration),
    which would break the rotations still running.
    """
    others = [pair for pair in chosen if pair[0].id not in own_key_ids]
    own = [pair for pair in chosen if pair[0].id in own_key_ids]
    return others, own


@dataclass(frozen=True)
class RotationSummary:
    """A batch's per-key results and counts (every outcome, zeros included)."""

    results: Tuple[RotationResult, ...]
    seconds: float
    counts: Mapping[Outcome, int] = field(default_factory=dict)

    @classmethod
    def of(cls, results: Sequence[RotationResult], seconds: float) -> RotationSummary:
        counts = {outcome: sum(1 for r in results if r.outcome is outcome) for outcome in Outcome}
        return cls(tuple(results), seconds, counts)

    @property
    def failed(self) -> Tuple[RotationResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    @property
    def ok(self) -> bool:
        return not self.failed

    def __str__(self) -> str:
        parts = [f"{self.counts.get(o, 0)} {o.value}" for o in Outcome if self.counts.get(o, 0)]
        return f"{len(self.results)} key(s) in {self.seconds:.1f}s: " + (", ".join(parts) or "nothing to do")
