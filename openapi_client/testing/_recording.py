"""The log of every request the emulator received."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Dict, List, Optional

__all__ = ["RecordedRequest", "RequestLog"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it reached the emulator, and the status it was answered with.

    ``path`` is the path as sent (still percent-encoded), ``raw_path`` the whole request
    target (path and query string) as sent, ``query`` maps each query parameter to its
    decoded values; ``status`` is ``None`` when the connection was dropped unanswered.
    """

    method: str
    path: str
    query: Dict[str, List[str]]
    headers: Dict[str, str]
    body: bytes
    status: Optional[int]
    raw_path: str = ""


class RequestLog:
    """A thread-safe, append-only list of :class:`RecordedRequest`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: List[RecordedRequest] = []

    def append(self, request: RecordedRequest) -> None:
        """Record one request."""
        with self._lock:
            self._requests.append(request)

    def snapshot(self) -> List[RecordedRequest]:
        """A copy of the log, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        """Forget every recorded request."""
        with self._lock:
            self._requests.clear()
