"""Helpers shared by the workflow tests: a date long ago, recording handovers, a simulated crash."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Dict, List, Tuple

from openapi_client.workflows import LeaseOptions

LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)

FAST_LEASE = LeaseOptions(duration=120.0, clock_skew=0.0, read_lag=0.0, write_window=0.25, step_margin=5.0)
"""The emulator's reads never lag and the runs share one clock: a short claim window is safe.
Its read and claim answer in milliseconds (under 0.1 s on a loaded 2-core machine), and a claim
that takes longer than ``write_window`` is given up and made once more from a fresh read; the
settle after each claim (``write_window``) is most of what a rotation on the emulator takes."""


class Handovers:
    """A thread-safe ``handover`` that records what it was given."""

    def __init__(self) -> None:
        self.calls: List[Tuple[str, str]] = []
        self._lock = threading.Lock()

    def __call__(self, key_id: str, secret: str) -> None:
        with self._lock:
            self.calls.append((key_id, secret))

    @property
    def secrets(self) -> Dict[str, str]:
        return dict(self.calls)


class SimulatedCrash(BaseException):
    """Stands for the process dying mid-rotation: not an Exception, so nothing cleans up."""
