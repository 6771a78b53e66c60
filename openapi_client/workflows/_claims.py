"""How rotation runs mark keys (pure, no I/O): the marker on a replacement, the lease (a run's
claim) on an old key and its options, run ids, and the clocks a claim is timed by."""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
import secrets
import time
from dataclasses import dataclass
from typing import Optional, Tuple

from typing_extensions import Protocol

from openapi_client.exceptions import ApiValueError

__all__ = ["Lease", "LeaseOptions", "MarkerState", "read_lease", "read_marker", "replacement_description"]


class MarkerState(str, enum.Enum):
    PENDING = "pending"  # never handed over
    HANDING_OVER = "handing over"  # the handover may have happened: counts as in use
    HANDED_OVER = "handed over"


_RUN_ID = r"[A-Za-z0-9._:-]{1,64}"
_RUN_ID_RE = re.compile(rf"\A{_RUN_ID}\Z")
_MARKER = re.compile(
    rf"\s*\[rotation of (?P<old>[^\s\]]+?)(?: by (?P<run>{_RUN_ID}))?: (?P<state>pending|handing over|handed over)\]"
)
_LEASE = re.compile(
    rf"\s*\[rotation lease (?P<run>{_RUN_ID}) (?:until (?P<until>\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{{1,6}})?Z)"
    r"|(?P<released>released))\]"
)


def marker(old_key_id: str, state: MarkerState, run_id: Optional[str] = None) -> str:
    by = f" by {run_id}" if run_id else ""
    return f"[rotation of {old_key_id}{by}: {state.value}]"


def read_marker(description: Optional[str]) -> Optional[Tuple[str, MarkerState]]:
    """The ``(old_key_id, state)`` a replacement's description records, if any."""
    found = _MARKER.search(description or "")
    if found is None:
        return None
    return found.group("old"), MarkerState(found.group("state"))


def marker_run(description: Optional[str]) -> Optional[str]:
    """The id of the run a replacement's marker names (``None``: none, or an older marker)."""
    found = _MARKER.search(description or "")
    return found.group("run") if found is not None else None


def strip_marker(description: Optional[str]) -> str:
    return _MARKER.sub("", _LEASE.sub("", description or "")).strip()


def replacement_description(
    old_key_id: str, base: Optional[str], state: MarkerState = MarkerState.PENDING, run_id: Optional[str] = None
) -> str:
    """``base`` (any earlier marker or lease removed) followed by the marker for ``old_key_id``."""
    text = strip_marker(base)
    tag = marker(old_key_id, state, run_id)
    return f"{text} {tag}" if text else tag


@dataclass(frozen=True)
class LeaseOptions:
    """How a run claims a key, and what it assumes about the service and the other runs.

    ``duration``: how long a claim lasts; a run that stops (crashed, killed) blocks the key
    for at most this long. Every step after a re-check of the claim must end within
    ``step_margin`` seconds, and the whole rotation (including the usability wait and your
    handover) within ``duration``.
    ``clock_skew``: the most any two runs' clocks differ; another run's claim counts as
    expired only ``clock_skew`` seconds after its end.
    ``read_lag``: the longest a read may still show the state from before an acknowledged
    write (0 for a service whose reads always see the last write).
    ``write_window``: the longest a run lets pass between the read that found the key free
    and the answer to its claim (PATCH); a run whose claim took longer gives it up, since
    another run may have claimed the key meanwhile.
    ``fresh_reads``: how many reads in a row must agree before the run trusts them (its
    claim read back, each re-check; listings are repeated as often and the last one used):
    1 where reads lag by time (``read_lag``); ``K + 1`` where a read may still show the
    version before any of the last ``K`` reads' writes (the emulator's ``stale_reads=K``).
    After claiming, a run waits ``settle`` = ``write_window + 2 * read_lag`` seconds before
    reading its claim back (see docs/Workflows.md for why).
    """

    duration: float = 900.0
    clock_skew: float = 30.0
    read_lag: float = 1.0
    write_window: float = 10.0
    step_margin: float = 60.0
    confirm_reads: int = 10
    fresh_reads: int = 1

    def __post_init__(self) -> None:
        check_lease_options(self)

    @property
    def settle(self) -> float:
        return self.write_window + 2 * self.read_lag


def check_lease_options(options: object) -> None:
    if not isinstance(options, LeaseOptions):
        raise ApiValueError(f"parameter 'lease' must be a LeaseOptions, got {type(options).__name__}")
    for name in ("duration", "clock_skew", "read_lag", "write_window", "step_margin"):
        value = getattr(options, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ApiValueError(f"LeaseOptions '{name}' must be a finite number >= 0, got {value!r}")
    for name in ("confirm_reads", "fresh_reads"):
        value = getattr(options, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ApiValueError(f"LeaseOptions '{name}' must be an int >= 1, got {value!r}")
    if options.duration <= options.settle + 2 * options.step_margin:
        raise ApiValueError(
            "LeaseOptions 'duration' must exceed settle (write_window + 2 * read_lag) plus twice 'step_margin'"
            f" ({options.settle + 2 * options.step_margin:g}s), got {options.duration:g}s"
        )


@dataclass(frozen=True)
class Lease:
    """A claim as an old key's description records it: ``until`` is a POSIX time, ``None``
    once the run released it (its own way of saying it stopped: anyone may take over)."""

    run_id: str
    until: Optional[float]

    def text(self) -> str:
        if self.until is None:
            return f"[rotation lease {self.run_id} released]"
        return f"[rotation lease {self.run_id} until {utc_text(self.until)}]"

    def live(self, now: float, clock_skew: float) -> bool:
        """Whether another run must leave the key alone at ``now`` (its own clock)."""
        return self.until is not None and now <= self.until + clock_skew


def utc_text(moment: float) -> str:
    """``moment`` (POSIX seconds) as UTC to the millisecond: ``2026-12-06T12:00:00.000Z``."""
    when = dt.datetime.fromtimestamp(moment, tz=dt.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def read_lease(description: Optional[str]) -> Optional[Lease]:
    """The claim an old key's description records, if any."""
    found = _LEASE.search(description or "")
    if found is None:
        return None
    if found.group("released"):
        return Lease(found.group("run"), None)
    until = found.group("until")
    moment = dt.datetime.strptime(until, "%Y-%m-%dT%H:%M:%S.%fZ" if "." in until else "%Y-%m-%dT%H:%M:%SZ")
    return Lease(found.group("run"), moment.replace(tzinfo=dt.timezone.utc).timestamp())


def with_lease(description: Optional[str], lease: Optional[Lease]) -> str:
    """``description`` with its lease replaced by ``lease`` (``None``: removed)."""
    text = _LEASE.sub("", description or "").strip()
    if lease is None:
        return text
    return f"{text} {lease.text()}" if text else lease.text()


def new_run_id() -> str:
    return f"run-{secrets.token_hex(6)}"


def check_run_id(run_id: object) -> None:
    if not isinstance(run_id, str) or not _RUN_ID_RE.match(run_id):
        raise ApiValueError(f"parameter 'run_id' must be 1 to 64 letters, digits or '._:-', got {run_id!r}")


class Clock(Protocol):
    """The time a flow reads: ``wall`` (POSIX seconds, shared meaning across machines)
    and ``monotonic`` (for durations on this machine)."""

    def wall(self) -> float: ...

    def monotonic(self) -> float: ...


class SystemClock:
    def wall(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()


SYSTEM_CLOCK = SystemClock()
