"""Fault injection: answers the emulator gives instead of (or before) the normal one."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

__all__ = ["Fault", "FaultQueue", "FAIL", "DROP", "DELAY", "RESPOND"]

FAIL = "fail"
DROP = "drop"
DELAY = "delay"
RESPOND = "respond"


@dataclass
class Fault:
    """One armed fault: what to do, for how many more matching requests, and to which.

    ``path`` is a path prefix, or, when it holds a ``{name}`` placeholder, a template the
    whole path must match (each placeholder stands for one non-empty segment):
    ``/iam/v2/api-keys/{id}`` matches every API key but not the collection. ``method`` is
    an HTTP method. ``None`` matches any.
    """

    kind: str
    remaining: int
    path: Optional[str] = None
    method: Optional[str] = None
    status: int = 503
    retry_after: Optional[float] = None
    headers: List[Tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    body: bytes = b""
    content_type: str = "application/json"
    declared_length: Optional[int] = None

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a ``method`` request for ``path``."""
        if self.method is not None and self.method.upper() != method:
            return False
        if self.path is None:
            return True
        if "{" in self.path:
            return _template_pattern(self.path).fullmatch(path) is not None
        return path.startswith(self.path)


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[^/{}]*\}", template)
    return re.compile("[^/]+".join(re.escape(part) for part in parts))


class FaultQueue:
    """Armed faults in the order they were armed; each request consumes the first match."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: List[Fault] = []

    def arm(self, fault: Fault) -> None:
        """Add a fault after those already armed."""
        if fault.remaining < 1:
            raise ValueError(f"count must be at least 1, got {fault.remaining}")
        with self._lock:
            self._faults.append(fault)

    def take(self, method: str, path: str) -> Optional[Fault]:
        """The first armed fault matching the request, using up one of its count."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.matches(method, path):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        del self._faults[index]
                    return fault
        return None

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self._faults.clear()
