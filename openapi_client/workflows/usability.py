"""When a freshly created API key is usable: options, strategy and bookkeeping (pure, no I/O).

Confluent Cloud answers a new key's GET long before the key's own credentials are accepted
everywhere. What to do depends on the kind of key:

- Cloud keys (resource ``CLOUD`` or none) and Global keys authenticate against the Cloud
  API itself, so the SDK probes with the new key's own credentials: a 401 means "not yet",
  a 2xx or another 4xx (403, 404) means the credentials were accepted. The key counts as
  usable after ``consecutive_successes`` acceptances in a row, since propagation is not
  monotonic (one node may accept while the next still refuses).
- Keys for a cluster (Kafka, Schema Registry, ksqlDB), Flink (either form of its resource)
  or Tableflow answer only on their own endpoint. The caller may pass a probe for it; otherwise the key is waited on
  until readable, then a settle delay per kind is slept.

The sync driver is ``openapi_client.workflows.sync.wait_until_usable``; an async driver
uses the same :class:`UsabilityTracker`.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Dict, Mapping, Optional

from openapi_client.api_key_kinds import ApiKeyKind, api_key_kind
from openapi_client.exceptions import ApiValueError, WaiterTimeoutError
from openapi_client.models.iam_v2_api_key import IamV2ApiKey

__all__ = [
    "DEFAULT_SETTLE_DELAYS",
    "KeyNotUsableError",
    "Probe",
    "Usability",
    "UsabilityOptions",
    "UsabilityTracker",
    "Strategy",
    "choose_strategy",
]

Probe = Callable[[str, str], bool]
"""A caller's check of a new key: given ``(key_id, secret)``, True once it authenticates."""

# Seconds to wait after a key became readable when nothing can check it. These are this
# SDK's conservative choices (Confluent documents no figure); override per kind.
DEFAULT_SETTLE_DELAYS: Mapping[ApiKeyKind, float] = MappingProxyType(
    {
        ApiKeyKind.KAFKA: 60.0,
        ApiKeyKind.SCHEMA_REGISTRY: 30.0,
        ApiKeyKind.KSQLDB: 30.0,
        ApiKeyKind.FLINK: 30.0,
        ApiKeyKind.TABLEFLOW: 30.0,
        ApiKeyKind.OTHER: 60.0,
    }
)


class Strategy(str, enum.Enum):
    """How readiness is established for one key."""

    CLOUD_API_PROBE = "probe the IAM API with the key's own credentials"
    BYOK_API_PROBE = "probe the BYOK API with the key's own credentials"
    CALLER_PROBE = "the caller's probe"
    SETTLE_DELAY = "readable, then a settle delay"
    DISABLED = "not checked"


@dataclass(frozen=True)
class UsabilityOptions:
    """How long and how to wait for a new key to be usable.

    ``timeout``: seconds in all before giving up (for a key that settles: until it is
    readable; the settle delay comes on top). ``poll_interval``: seconds between
    probes. ``consecutive_successes``: acceptances in a row that count as usable.
    ``enabled=False`` skips the wait (e.g. on private networks where no probe can reach
    the key's endpoint). ``settle_delays``: seconds per kind for keys nothing can probe.
    """

    timeout: float = 120.0
    poll_interval: float = 1.0
    consecutive_successes: int = 2
    enabled: bool = True
    settle_delays: Mapping[ApiKeyKind, float] = field(default_factory=lambda: DEFAULT_SETTLE_DELAYS)

    def __post_init__(self) -> None:
        if not self.timeout >= 0:
            raise ApiValueError(f"parameter 'timeout' must be >= 0, got {self.timeout}")
        if not self.poll_interval > 0:
            raise ApiValueError(f"parameter 'poll_interval' must be > 0, got {self.poll_interval}")
        if isinstance(self.consecutive_successes, bool) or self.consecutive_successes < 1:
            raise ApiValueError(f"parameter 'consecutive_successes' must be >= 1, got {self.consecutive_successes}")
        for kind, delay in self.settle_delays.items():
            if not delay >= 0:
                raise ApiValueError(f"parameter 'settle_delays' must hold seconds >= 0, got {delay} for {kind}")

    def settle_delay(self, kind: ApiKeyKind) -> float:
        """The settle delay for ``kind`` (the defaults fill in kinds not given)."""
        if kind in self.settle_delays:
            return self.settle_delays[kind]
        return DEFAULT_SETTLE_DELAYS.get(kind, DEFAULT_SETTLE_DELAYS[ApiKeyKind.OTHER])


def choose_strategy(kind: ApiKeyKind, options: UsabilityOptions, has_probe: bool) -> Strategy:
    """The way to tell when a key of ``kind`` is usable (a caller's probe always wins)."""
    if not options.enabled:
        return Strategy.DISABLED
    if has_probe:
        return Strategy.CALLER_PROBE
    if kind is ApiKeyKind.CLOUD:
        return Strategy.CLOUD_API_PROBE
    if kind is ApiKeyKind.GLOBAL:
        return Strategy.BYOK_API_PROBE
    return Strategy.SETTLE_DELAY


def resolve_options(options: Optional[UsabilityOptions], overrides: Mapping[str, Any]) -> UsabilityOptions:
    """``options`` (or the defaults) with the keyword overrides that were given (not ``None``)."""
    given = {name: value for name, value in overrides.items() if value is not None}
    return dataclasses.replace(options or UsabilityOptions(), **given)


@dataclass(frozen=True)
class UsabilityCheck:
    """Everything a driver needs to check one new key, decided before any request."""

    key_id: str
    secret: str = field(repr=False)
    kind: ApiKeyKind
    strategy: Strategy
    options: UsabilityOptions


def plan_usability(
    key: IamV2ApiKey, *, has_probe: bool, options: Optional[UsabilityOptions], overrides: Mapping[str, Any]
) -> UsabilityCheck:
    """Validate the created ``key`` and the options, and choose how to check it."""
    if key.id is None or key.spec is None or key.spec.secret is None:
        raise ApiValueError("parameter 'key' must be the answer of the create call (with id and secret)")
    settings = resolve_options(options, overrides)
    kind = api_key_kind(key)  # the whole resource: a Flink key's current form is told by its kind
    return UsabilityCheck(
        key.id, key.spec.secret.get_secret_value(), kind, choose_strategy(kind, settings, has_probe), settings
    )


def own_credentials(key_id: str, secret: str) -> Dict[str, Any]:
    """The ``_request_auth`` setting that sends a request with the new key's own credentials."""
    token = base64.b64encode(f"{key_id}:{secret}".encode()).decode("ascii")
    return {"in": "header", "type": "basic", "key": "Authorization", "value": f"Basic {token}"}


def accepted(status: int) -> bool:
    """Whether an answer to the new key's own request shows its credentials were accepted.

    401 means "not yet". 403 means authenticated but not authorized for that call, which
    is all a usability probe asks; so do 2xx and the other 4xx. A 429 or 5xx that outlasted
    the client's retries says nothing about the key: it counts as "not yet" too.
    """
    return status != 401 and status != 429 and status < 500


@dataclass(frozen=True)
class Usability:
    """How a key was found usable: the strategy, probes made, and seconds spent."""

    key_id: str
    strategy: Strategy
    probes: int
    seconds: float


class KeyNotUsableError(WaiterTimeoutError):
    """The new key did not become usable within the timeout."""

    def __init__(self, key_id: str, strategy: Strategy, probes: int, timeout: float) -> None:
        self.key_id = key_id
        self.strategy = strategy
        self.probes = probes
        super().__init__(f"API key {key_id} was not usable after {timeout:g}s ({strategy.value}: {probes} probe(s))")


class UsabilityTracker:
    """Counts probe outcomes against the options and says when to stop, and how long to sleep.

    ``now`` values come from the driver's monotonic clock, so the tracker itself does no
    I/O and serves sync and async drivers alike.
    """

    def __init__(self, key_id: str, strategy: Strategy, options: UsabilityOptions, started: float) -> None:
        self.key_id = key_id
        self.strategy = strategy
        self.options = options
        self.started = started
        self.deadline = started + options.timeout
        self.probes = 0
        self.streak = 0

    def record(self, authenticated: bool) -> None:
        """Note one probe's outcome; a refusal starts the streak over."""
        self.probes += 1
        self.streak = self.streak + 1 if authenticated else 0

    @property
    def usable(self) -> bool:
        return self.streak >= self.options.consecutive_successes

    def pause(self, now: float) -> float:
        """Seconds to sleep before the next probe; raises :class:`KeyNotUsableError` when out of time."""
        remaining = self.deadline - now
        if remaining <= 0:
            raise KeyNotUsableError(self.key_id, self.strategy, self.probes, self.options.timeout)
        return min(self.options.poll_interval, remaining)

    def result(self, now: float) -> Usability:
        return Usability(self.key_id, self.strategy, self.probes, max(now - self.started, 0.0))
