"""BodyDecoder fed bytes directly: every content coding, any split into pieces, the cap to the byte.

The loopback tests (test_hostile_server.py, test_framings_both_clients.py, test_aio_behaviour.py)
show both transports feed it what the socket gives and turn its refusals into errors; here the
decoding and the cap are checked exhaustively without a server.
"""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from typing import List, Optional

import pytest
from hypothesis import given, settings, strategies as st
from property_budget import examples

from openapi_client.response_body import BodyDecoder, BodyTooLarge, UnsupportedEncoding

BODY = b'{"api_version":"iam/v2","kind":"ApiKey","id":"KEY","spec":{"description":"' + b"x" * 3000 + b'"}}'


def deflate_raw(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


ENCODE = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,
    "identity": lambda data: data,
}


def encoded(body: bytes, codings: List[str]) -> bytes:
    for coding in codings:  # applied in the order listed
        body = ENCODE[coding](body)
    return body


def decode(wire: bytes, content_encoding: Optional[str], max_bytes: int, piece: int = 0) -> bytes:
    decoder = BodyDecoder(content_encoding, max_bytes)
    pieces = [wire[i : i + piece] for i in range(0, len(wire), piece)] if piece else [wire]
    for raw in pieces:
        decoder.feed(raw)
    return decoder.finish()


@pytest.mark.parametrize("content_encoding", [None, "", "identity", " Identity ", "identity, identity"])
def test_a_plain_body_is_kept_as_it_arrives(content_encoding: Optional[str]) -> None:
    decoder = BodyDecoder(content_encoding, len(BODY))
    assert decoder.plain
    decoder.feed(BODY[:10])
    decoder.feed(b"")
    decoder.feed(BODY[10:])
    assert decoder.finish() == BODY


@pytest.mark.parametrize(
    "content_encoding",
    ["gzip", "x-gzip", "deflate", "GZIP", " gzip ", "gzip, gzip", "deflate, gzip", "gzip,deflate", "identity, gzip"],
)
def test_each_coding_and_each_stack_of_them_is_undone(content_encoding: str) -> None:
    codings = [c.strip().lower() for c in content_encoding.split(",")]
    wire = encoded(BODY, codings)
    assert not BodyDecoder(content_encoding, 1).plain
    assert decode(wire, content_encoding, len(BODY)) == BODY
    assert decode(wire, content_encoding, len(BODY), piece=1) == BODY  # one byte at a time


def test_deflate_is_accepted_raw_as_well_as_zlib_wrapped() -> None:
    # RFC 9110 says zlib-wrapped; some servers send the bare stream.
    assert decode(deflate_raw(BODY), "deflate", len(BODY)) == BODY
    assert decode(deflate_raw(BODY), "deflate", len(BODY), piece=7) == BODY


def test_a_gzip_body_of_several_members_is_decoded_whole() -> None:
    wire = gzip.compress(BODY[:100]) + gzip.compress(BODY[100:2000]) + gzip.compress(BODY[2000:])
    assert decode(wire, "gzip", len(BODY)) == BODY
    assert decode(wire, "gzip", len(BODY), piece=5) == BODY


@pytest.mark.parametrize("content_encoding", [None, "gzip", "deflate", "gzip, gzip"])
def test_the_cap_is_exact_and_counts_decoded_bytes(content_encoding: Optional[str]) -> None:
    codings = [c.strip() for c in content_encoding.split(",")] if content_encoding else []
    wire = encoded(BODY, codings)
    assert decode(wire, content_encoding, len(BODY)) == BODY  # exactly at the cap: accepted
    with pytest.raises(BodyTooLarge):
        decode(wire, content_encoding, len(BODY) - 1)  # one byte over: refused
    with pytest.raises(BodyTooLarge):
        decode(wire, content_encoding, len(BODY) - 1, piece=3)


def test_an_empty_body_is_empty_whatever_the_cap() -> None:
    assert decode(b"", None, 0) == b""
    assert decode(gzip.compress(b""), "gzip", 0) == b""


def test_a_nested_bomb_is_refused_holding_no_more_than_the_cap() -> None:
    bomb = gzip.compress(gzip.compress(b"\0" * 20_000_000, compresslevel=1))  # 20 MB once decoded, some 400 bytes sent
    cap = 64 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(BodyTooLarge):
            decode(bomb, "gzip, gzip", cap, piece=16 * 1024)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * cap + 1_000_000  # each step asked for at most the room left, never the 20 MB


@pytest.mark.parametrize("content_encoding", ["br", "zstd", "compress", "gzip, br", "x-unknown", "gzip;q=1"])
def test_an_unknown_coding_is_refused_before_any_byte_is_read(content_encoding: str) -> None:
    with pytest.raises(UnsupportedEncoding) as refused:
        BodyDecoder(content_encoding, 1000)
    assert str(refused.value) in content_encoding.lower()


@pytest.mark.parametrize("content_encoding", ["gzip", "deflate"])
def test_a_broken_compressed_body_is_a_value_error(content_encoding: str) -> None:
    wire = encoded(BODY, [content_encoding])
    broken = wire[:20] + bytes(b ^ 0xFF for b in wire[20:60]) + wire[60:]
    with pytest.raises(ValueError, match="the compressed body is broken"):
        decode(broken, content_encoding, len(BODY))


def test_a_body_that_is_not_compressed_at_all_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="broken"):
        decode(b"<html>502 Bad Gateway</html>", "gzip", 10_000)


@settings(max_examples=examples(200), deadline=None)
@given(
    body=st.binary(max_size=3 * 4096),
    codings=st.lists(st.sampled_from(["gzip", "deflate", "identity"]), max_size=3),
    piece=st.integers(0, 500),
    cap=st.integers(0, 3 * 4096),
)
def test_property_a_body_comes_back_whole_or_is_refused_by_the_cap(
    body: bytes, codings: List[str], piece: int, cap: int
) -> None:
    wire = encoded(body, codings)
    content_encoding = ", ".join(codings) or None
    if len(body) <= cap:
        assert decode(wire, content_encoding, cap, piece) == body
    else:
        with pytest.raises(BodyTooLarge):
            decode(wire, content_encoding, cap, piece)
