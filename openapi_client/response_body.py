"""BodyDecoder: undo a response's Content-Encoding and cap its decoded size, chunk by chunk (no I/O)."""

from __future__ import annotations

import zlib
from typing import Callable, List, Optional

__all__ = ["BodyDecoder", "BodyTooLarge", "UnsupportedEncoding", "READ_CHUNK"]

READ_CHUNK = 64 * 1024
"""The most bytes the transports ask the network for at once. A read returns what has
arrived, so a slow server still gets the deadline checked between small pieces."""


class BodyTooLarge(Exception):
    """The decoded body would exceed the cap."""


class UnsupportedEncoding(Exception):
    """The answer uses a content coding this client does not decode."""


class BodyDecoder:
    """Feed the raw bytes of a body as they arrive; get the decoded body, never more than
    ``max_bytes`` of it.

    ``content_encoding`` is the response's ``Content-Encoding`` header: a comma-separated
    list of ``gzip``, ``x-gzip``, ``deflate`` or ``identity``, applied in the order listed
    and so undone in reverse (``gzip, gzip`` is decoded twice). The cap counts decoded
    bytes, and each decompression step is asked for at most the room left under the cap,
    so a body that inflates a thousandfold costs at most ``max_bytes`` of memory before it
    is refused. Any other coding (``br``, ``zstd``, ...) raises :class:`UnsupportedEncoding`
    at construction, before the body is read.
    """

    __slots__ = ("_chunks", "_max_bytes", "_received", "_steps")

    def __init__(self, content_encoding: Optional[str], max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._received = 0
        self._chunks: List[bytes] = []
        self._steps: List[zlib._Decompress] = []
        if not content_encoding:
            return
        for coding in reversed([c.strip().lower() for c in content_encoding.split(",") if c.strip()]):
            if coding in ("gzip", "x-gzip"):
                self._steps.append(zlib.decompressobj(16 + zlib.MAX_WBITS))
            elif coding == "deflate":
                self._steps.append(_DeflateEither())  # type: ignore[arg-type]
            elif coding != "identity":
                raise UnsupportedEncoding(coding)

    @property
    def plain(self) -> bool:
        """Whether the body is used as it arrives (no content coding to undo)."""
        return not self._steps

    def feed(self, raw: bytes) -> None:
        """Decode one piece of the body as received."""
        if not self._steps:
            self._keep(raw)
            return
        self._push(0, raw)

    def finish(self) -> bytes:
        """The whole decoded body, once the last raw byte was fed."""
        if self._steps:
            self._flush(0)
        return b"".join(self._chunks)

    def _push(self, index: int, data: bytes) -> None:
        step = self._steps[index]
        emit: Callable[[bytes], None] = (
            self._keep if index == len(self._steps) - 1 else (lambda out: self._push(index + 1, out))
        )
        try:
            while True:
                while True:
                    out = step.decompress(data, self._room() + 1)
                    data = step.unconsumed_tail
                    if out:
                        emit(out)
                    elif not data or step.eof:
                        break
                # A gzip body may hold several members, one after the other (RFC 1952).
                if not (isinstance(step, _GZIP_STEP) and step.eof and step.unused_data[:2] == _GZIP_MAGIC):
                    break
                data = step.unused_data
                step = self._steps[index] = zlib.decompressobj(16 + zlib.MAX_WBITS)
        except zlib.error as exc:
            raise ValueError(f"the compressed body is broken: {exc}") from exc

    def _flush(self, index: int) -> None:
        step = self._steps[index]
        try:
            rest = step.flush()
        except zlib.error as exc:
            raise ValueError(f"the compressed body is broken: {exc}") from exc
        if rest:
            if index == len(self._steps) - 1:
                self._keep(rest)
            else:
                self._push(index + 1, rest)
        if index + 1 < len(self._steps):
            self._flush(index + 1)

    def _room(self) -> int:
        return max(0, self._max_bytes - self._received)

    def _keep(self, data: bytes) -> None:
        self._received += len(data)
        if self._received > self._max_bytes:
            raise BodyTooLarge
        if data:
            self._chunks.append(data)


_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_STEP = type(zlib.decompressobj())


class _DeflateEither:
    """``deflate`` as servers really send it: zlib-wrapped (per the RFC) or raw."""

    __slots__ = ("_first", "_inner")

    def __init__(self) -> None:
        self._inner = zlib.decompressobj()
        self._first = True

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._first:
            self._first = False
            try:
                return self._inner.decompress(data, max_length)
            except zlib.error:
                self._inner = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._inner.decompress(data, max_length)

    def flush(self) -> bytes:
        return self._inner.flush()

    @property
    def unconsumed_tail(self) -> bytes:
        return self._inner.unconsumed_tail

    @property
    def eof(self) -> bool:
        return self._inner.eof
