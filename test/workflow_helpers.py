"""Helpers shared by the workflow tests: emulator-control gating, seeding, recording handovers."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Dict, List, Tuple

import pytest

from openapi_client.testing import FakeConfluentCloud

LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)


def needs_emulator(*controls: str) -> pytest.MarkDecorator:
    """Skip until the emulator offers ``controls`` (INTERFACES.md §B; built in parallel).

    Constructor arguments are looked up in ``FakeConfluentCloud.__init__``'s signature,
    methods as attributes. The one place to remove once the emulator stream is merged.
    """
    import inspect

    parameters = inspect.signature(FakeConfluentCloud.__init__).parameters
    missing = [c for c in controls if c not in parameters and not hasattr(FakeConfluentCloud, c)]
    return pytest.mark.skipif(bool(missing), reason=f"emulator control(s) not merged yet: {', '.join(missing)}")


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
