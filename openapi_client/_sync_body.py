"""Reading an answer's body for the sync transport: in pieces, each within what is left of
the call's deadline, into the shared :class:`~openapi_client.response_body.BodyDecoder`
(content codings undone, the size cap counted after decoding); and dropping a body that
will not be read."""

from __future__ import annotations

import http.client
import time
from typing import Optional

import urllib3
from urllib3.exceptions import HTTPError, ReadTimeoutError

from openapi_client._call import CallPlan, SendFailure
from openapi_client.response_body import READ_CHUNK, BodyDecoder, BodyTooLarge, UnsupportedEncoding

__all__ = ["discard", "read_body"]

# A retried answer's body is read and dropped only up to this size; past it, the connection
# is closed instead (a hostile server could otherwise make a retry read forever).
_DISCARD_LIMIT = 64 * 1024
_DISCARD_SECONDS = 1.0

# The most bytes one read of a Content-Length body asks for (what is asked for is allocated
# before the read returns what has arrived).
_MAX_READ = 1024 * 1024


def read_body(resp: urllib3.BaseHTTPResponse, plan: CallPlan, max_bytes: int, socket_timeout: Optional[float]) -> bytes:
    coding = resp.headers.get("Content-Encoding")
    length = resp.length_remaining
    if length is not None and (coding is None or coding.strip().lower() in ("", "identity")):
        if length > max_bytes:
            resp.close()
            raise plan.too_large_error(max_bytes, resp.status, resp.headers)
        return _read_known_length(resp, plan, length, socket_timeout)
    try:
        decoder = BodyDecoder(coding, max_bytes)
    except UnsupportedEncoding as exc:
        resp.close()
        raise plan.unsupported_coding_error(str(exc), resp.status, resp.headers) from None
    try:
        timeout = socket_timeout
        while True:
            timeout = _cut_read_timeout(resp, plan, timeout)
            piece = resp.read1(READ_CHUNK)
            if not piece:
                break
            decoder.feed(piece)
            if resp.length_remaining == 0:
                break  # all of a Content-Length body is here: no need to wait for the end
        data = decoder.finish()
    except BodyTooLarge:
        resp.close()
        raise plan.too_large_error(max_bytes, resp.status, resp.headers) from None
    except BaseException as exc:
        _read_failed(resp, plan, exc)
        raise
    resp.release_conn()
    return data


def _read_known_length(
    resp: urllib3.BaseHTTPResponse, plan: CallPlan, length: int, socket_timeout: Optional[float]
) -> bytes:
    """A body sent as is with a ``Content-Length`` (already checked against the size cap):
    each read asks for all that is still missing and returns what has arrived, so a whole
    body usually takes one or two reads, and the socket timeout is still cut to the
    deadline before each one."""
    pieces = []
    try:
        timeout = socket_timeout
        while True:
            timeout = _cut_read_timeout(resp, plan, timeout)
            # At least one read, even of an empty body: reaching its end is what ends the
            # response for http.client, so the connection can serve the next request.
            piece = resp.read1(min(length, _MAX_READ) or 1)
            length -= len(piece)
            if length <= 0:
                pieces.append(piece)
                break
            if not piece:
                raise http.client.IncompleteRead(b"".join(pieces), length)
            pieces.append(piece)
    except BaseException as exc:
        _read_failed(resp, plan, exc)
        raise
    resp.release_conn()
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def _read_failed(resp: urllib3.BaseHTTPResponse, plan: CallPlan, exc: BaseException) -> None:
    """Close the connection of a body that could not be read; raise the SDK's error for it
    (the caller re-raises anything else)."""
    resp.close()
    if isinstance(exc, ReadTimeoutError):
        raise plan.failure_error(SendFailure.READ_TIMEOUT, f"reading the response: {exc}") from None
    if isinstance(exc, (HTTPError, ValueError, OSError, http.client.HTTPException)):
        raise plan.cut_short_error(exc, resp.status, resp.headers) from None


def discard(resp: urllib3.BaseHTTPResponse) -> None:
    """Drop a response that will be retried or was not read: keep the connection only when
    the rest of the body is small and arrives within a second."""
    give_up_at = time.monotonic() + _DISCARD_SECONDS
    try:
        dropped = 0
        while dropped <= _DISCARD_LIMIT:
            left = give_up_at - time.monotonic()
            if left <= 0:
                break
            _set_read_timeout(resp, left)
            piece = resp.read1(READ_CHUNK)
            if not piece or resp.length_remaining == 0:
                resp.release_conn()
                return
            dropped += len(piece)
    except (HTTPError, OSError, http.client.HTTPException):
        pass
    resp.close()
    resp.release_conn()


def _cut_read_timeout(resp: urllib3.BaseHTTPResponse, plan: CallPlan, current: Optional[float]) -> Optional[float]:
    """Set the socket timeout for the next read of the body to what the plan allows now (the
    read timeout, cut to what is left of the deadline), when it differs from ``current``."""
    wanted = plan.read_timeout_now()
    if wanted != current:
        _set_read_timeout(resp, wanted)
    return wanted


def _set_read_timeout(resp: urllib3.BaseHTTPResponse, timeout: Optional[float]) -> None:
    connection = resp.connection
    sock = getattr(connection, "sock", None) if connection is not None else None
    if sock is not None:
        sock.settimeout(timeout)
