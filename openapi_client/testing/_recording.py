"""The log of the most recent requests the emulator received, bounded in size."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Deque, Dict, List, Mapping, Optional

__all__ = ["RecordedRequest", "RequestLog"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it reached the emulator, and the status it was answered with.

    ``path`` is the path as sent (still percent-encoded), ``raw_path`` the whole request
    target (path and query string) as sent, ``query`` maps each query parameter to its
    decoded values; ``status`` is ``None`` when the connection was dropped unanswered.
    The ``Authorization`` header keeps only its scheme (``"Basic ***"``); ``body`` is cut
    to the log's body limit, and ``body_size`` is the size that was received.
    """

    method: str
    path: str
    query: Dict[str, List[str]]
    headers: Dict[str, str]
    body: bytes
    status: Optional[int]
    raw_path: str = ""
    body_size: int = 0


class RequestLog:
    """A thread-safe log keeping the ``capacity`` most recent requests."""

    def __init__(self, capacity: int = 1000, body_bytes: int = 8192) -> None:
        if capacity < 1:
            raise ValueError(f"request_log_size must be at least 1, got {capacity}")
        if body_bytes < 0:
            raise ValueError(f"request_log_body_bytes must not be negative, got {body_bytes}")
        self._lock = threading.Lock()
        self._requests: Deque[RecordedRequest] = deque(maxlen=capacity)
        self._body_bytes = body_bytes

    def record(
        self,
        method: str,
        path: str,
        query: Mapping[str, List[str]],
        headers: Mapping[str, str],
        body: bytes,
        status: Optional[int],
        raw_path: str,
    ) -> None:
        """Keep one request (what is safe and small enough of it)."""
        kept = RecordedRequest(
            method,
            path,
            {name: list(values) for name, values in query.items()},
            {name: _redacted(name, value) for name, value in headers.items()},
            body[: self._body_bytes],
            status,
            raw_path,
            len(body),
        )
        with self._lock:
            self._requests.append(kept)

    def snapshot(self) -> List[RecordedRequest]:
        """A copy of the log, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        """Forget every recorded request."""
        with self._lock:
            self._requests.clear()


# Scheme names kept in the log so tests can tell how a client authenticated; any other
# first word might be part of a credential.
_SCHEMES = frozenset({"basic", "bearer", "digest", "negotiate", "token"})


def _redacted(name: str, value: str) -> str:
    if name.lower() not in ("authorization", "proxy-authorization"):
        return value
    scheme, space, _ = value.strip().partition(" ")
    return f"{scheme} ***" if space and scheme.lower() in _SCHEMES else "***"
