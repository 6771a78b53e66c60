"""Spellings of an echoed secret that escaped masking (issue 19, item 10), through both clients
over a real socket: JSON written the Go way (``&``, ``<`` and ``>`` as ``\\u0026``, ``\\u003c``,
``\\u003e``; any character as ``\\uXXXX`` in either case of hex), and a secret echoed as a
header *name*. Also percent-encoded and HTML-escaped echoes, which a proxy's page or a link
in an answer gives (item 9)."""

from __future__ import annotations

import base64
import html
import json
import re
import socket
from typing import Callable, List, Tuple
from urllib.parse import quote

import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer
from hypothesis import HealthCheck, given, settings, strategies as st
from property_budget import examples

import openapi_client
from openapi_client import Configuration
from openapi_client._redaction import MASK, Redactor

GO_SECRETS = ["a&b<c>d-0001", "<<&&>>secret", "p4ss&word>x<y", "ALL&LT;&GT;CAPS<>&"]


def go_json(value: object) -> str:
    """JSON as Go's encoding/json writes it: & < > (and U+2028/2029) escaped."""
    text = json.dumps(value, ensure_ascii=False)
    for ch, escape in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, escape)
    return text


def password_of(request: Request) -> str:
    return base64.b64decode(request.headers["authorization"].split()[1]).decode().partition(":")[2]


def echo(
    spell: Callable[[str], str], content_type: str = "application/json"
) -> Callable[[socket.socket, Request], None]:
    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(answer(400, spell(password_of(request)).encode(), [("Content-Type", content_type)]))

    return handle


async def refused_with(
    kind: str, secret: str, handler: Callable[[socket.socket, Request], None]
) -> openapi_client.ApiException:
    with HostileServer(handler) as server:
        configuration = Configuration(host=server.url, username="KEY", password=secret, retries=False)
        async with Clients(kind, configuration) as c:
            with pytest.raises(openapi_client.ApiException) as refused:
                await c.iam("get_iam_v2_api_key", "K")
    return refused.value


def shown(error: openapi_client.ApiException) -> List[str]:
    texts = [str(error), repr(error), error.body or ""]
    texts += [f"{name}: {value}" for name, value in error.headers.items()]
    if error.failure is not None:
        texts.append(error.failure.to_json())
    return texts


def assert_no_spelling(texts: List[str], secret: str) -> None:
    spellings = {secret, json.dumps(secret)[1:-1], go_json(secret)[1:-1], quote(secret, safe=""), html.escape(secret)}
    for text in texts:
        for spelling in spellings:
            assert spelling not in text, (spelling, text)
        # ... and nothing that decodes to it either (str(exc) is made from the decoded details).
        assert secret not in html.unescape(text.replace("\\u0026", "&").replace("\\u003c", "<").replace("\\u003e", ">"))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("secret", GO_SECRETS)
@pytest.mark.parametrize("upper_hex", [False, True], ids=["lower-hex", "upper-hex"])
async def test_a_secret_echoed_in_go_json_is_masked(kind: str, secret: str, upper_hex: bool) -> None:
    def spell(password: str) -> str:
        body = go_json({"errors": [{"status": "400", "detail": f"bad password {password}"}], "echo": password})
        return re.sub(r"\\u00([0-9a-f]{2})", lambda m: "\\u00" + m.group(1).upper(), body) if upper_hex else body

    error = await refused_with(kind, secret, echo(spell))
    assert_no_spelling(shown(error), secret)
    assert MASK in str(error) and "bad password" in str(error)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("secret", GO_SECRETS)
async def test_a_secret_echoed_in_an_html_page_is_masked(kind: str, secret: str) -> None:
    def spell(password: str) -> str:
        return f"<html><head><title>Denied for {html.escape(password)}</title></head></html>"

    error = await refused_with(kind, secret, echo(spell, "text/html"))
    assert_no_spelling(shown(error), secret)
    assert "Denied for" in str(error)


HEADER_SECRETS = ["TokenLike-Secret-0001", "abc.def_ghi~jkl", "X" * 40]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("secret", HEADER_SECRETS)
@pytest.mark.parametrize("where", ["whole-name", "inside-name"])
async def test_a_secret_echoed_as_a_header_name_is_masked(kind: str, secret: str, where: str) -> None:
    def handle(conn: socket.socket, request: Request) -> None:
        name = password_of(request) if where == "whole-name" else f"X-Echo-{password_of(request)}-Seen"
        conn.sendall(answer(401, b'{"errors":[{"detail":"no"}]}', [(name, "1"), ("X-Request-Id", "r-1")]))

    error = await refused_with(kind, secret, handle)
    assert all(secret not in name for name in error.headers)
    assert any(MASK in name for name in error.headers)
    assert_no_spelling(shown(error), secret)
    assert error.request_id == "r-1"


# -- the matching itself, over any secret --------------------------------------------------


def plain(ch: str) -> bool:
    """Characters no encoder escapes (letters, digits, ``_.~-``)."""
    return ch.isascii() and (ch.isalnum() or ch in "_.~-")


SPELLERS: List[Tuple[str, Callable[[str], str]]] = [
    ("go-json", lambda s: go_json(s)[1:-1]),
    ("ascii-json", lambda s: json.dumps(s)[1:-1]),
    (
        "all-but-letters-escaped",  # PHP with every JSON_HEX_* flag, upper-case hex
        lambda s: "".join(
            c if plain(c) else f"\\u{ord(c):04X}" if ord(c) < 0x10000 else json.dumps(c)[1:-1] for c in s
        ),
    ),
    ("percent", lambda s: quote(s, safe="")),
    ("form", lambda s: quote(s, safe="").replace("%20", "+")),
    ("html", lambda s: html.escape(s)),
    ("html-numeric", lambda s: "".join(c if plain(c) else f"&#{ord(c)};" for c in s)),
    ("html-hex", lambda s: "".join(c if plain(c) else f"&#x{ord(c):x}" for c in s)),
]


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    secret=st.text(min_size=4, max_size=30).filter(lambda s: s.strip() == s and len(s) >= 4 and s not in MASK),
    speller=st.sampled_from(SPELLERS),
    before=st.text(max_size=8),
    after=st.text(max_size=8),
)
def test_property_every_spelling_of_a_secret_is_masked(
    secret: str, speller: Tuple[str, Callable[[str], str]], before: str, after: str
) -> None:
    name, spell = speller
    try:
        spelled = spell(secret)
    except UnicodeEncodeError:
        return  # a lone surrogate has no percent-encoding
    masked = Redactor([secret]).text(before + spelled + after)
    assert spelled not in masked, name
    assert MASK in masked
