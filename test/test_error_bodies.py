"""Error bodies as they really come: each shape, over real loopback HTTP, reads into one line.

A small server in this module answers whatever the test asks for (status, content type, body,
headers); the SDK calls it as it would call Confluent Cloud. Nothing is mocked.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Iterator, Optional, Tuple

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from property_budget import examples

import openapi_client
from openapi_client import ApiException, Failure
from openapi_client.error_bodies import (
    MESSAGE_LIMIT,
    PAGE_TEXT_LIMIT,
    ConfluentError,
    ProblemDetails,
    one_line,
    read_error_body,
)

Answer = Tuple[int, Dict[str, str], bytes]


class ScriptedServer:
    """An HTTP server on 127.0.0.1 that gives every request the answer set last."""

    def __init__(self) -> None:
        self.answer: Answer = (500, {}, b"")
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # The head and the body go out in two writes: with Nagle's algorithm the body waits
            # for the client's delayed ACK of the head, ~40 ms per answer.
            disable_nagle_algorithm = True

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                status, headers, body = scripted.answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PATCH = do_DELETE = _answer  # noqa: N815 - the names http.server calls

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.host = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


@pytest.fixture(scope="module")
def api(server: ScriptedServer) -> Iterator[openapi_client.IamApiKeysApi]:
    # A password no generated body contains: a body quoting it would be (rightly) masked.
    configuration = openapi_client.Configuration(
        host=server.host, username="key", password="Zq7-error-bodies-secret", retries=False
    )
    with openapi_client.ApiClient(configuration) as client:
        yield openapi_client.IamApiKeysApi(client)


def raised(
    server: ScriptedServer,
    api: openapi_client.IamApiKeysApi,
    status: int,
    body: bytes,
    content_type: Optional[str],
    headers: Optional[Dict[str, str]] = None,
) -> ApiException:
    answer_headers = dict(headers or {})
    if content_type is not None:
        answer_headers["Content-Type"] = content_type
    server.answer = (status, answer_headers, body)
    with pytest.raises(ApiException) as info:
        api.get_iam_v2_api_key("ABCDEF1234567890")
    return info.value


def test_failure_body(server: ScriptedServer, api: openapi_client.IamApiKeysApi) -> None:
    body = {"errors": [{"status": "404", "code": "resource_not_found", "detail": "API key ABC was not found."}]}
    exc = raised(server, api, 404, json.dumps(body).encode(), "application/json", {"X-Request-Id": "req-1"})
    assert isinstance(exc, openapi_client.NotFoundException)
    assert str(exc) == "(404) Not Found: API key ABC was not found. [request id req-1]"
    assert isinstance(exc.failure, Failure) and exc.problem is exc.failure and exc.data is exc.failure
    assert exc.errors[0].code == "resource_not_found"
    assert exc.body == json.dumps(body) and exc.doc_url is None


def test_failure_body_in_the_numbered_form_and_with_several_errors(
    server: ScriptedServer, api: openapi_client.IamApiKeysApi
) -> None:
    body = {"errors": [{"error_code": 40301, "message": "Not allowed for this key"}, {"title": "t"}, {"title": "u"}]}
    exc = raised(server, api, 403, json.dumps(body).encode(), "application/json")
    assert str(exc) == "(403) Forbidden: Not allowed for this key (and 2 more)"
    assert exc.failure is not None and exc.failure.errors[0].error_code == 40301


def test_confluent_newer_shape(server: ScriptedServer, api: openapi_client.IamApiKeysApi) -> None:
    body = {
        "status": 400,
        "error": {
            "code": "INVALID_ARGUMENT",
            "message": "The owner filter is not a user or service account id",
            "details": [{"field": "spec.owner"}],
            "timestamp": "2026-11-25T10:00:00Z",
            "path": "/iam/v2/api-keys",
            "suggestion": "Pass an id such as sa-123 or u-456.",
        },
        "requestId": "body-req-7",
        "doc_url": "https://docs.confluent.io/cloud/current/api.html#section/Errors",
    }
    exc = raised(server, api, 400, json.dumps(body).encode(), "application/json")
    assert isinstance(exc, openapi_client.BadRequestException)
    assert str(exc) == (
        "(400) Bad Request: The owner filter is not a user or service account id. "
        "Pass an id such as sa-123 or u-456. [request id body-req-7]"
    )
    assert exc.doc_url == body["doc_url"]
    assert exc.failure is None and exc.errors == []
    assert isinstance(exc.problem, ConfluentError)
    assert exc.problem.error is not None and exc.problem.error.code == "INVALID_ARGUMENT"
    assert exc.problem.to_dict() == body  # the parsed object keeps everything, unknown members too


def test_header_request_id_wins_over_the_body_one(server: ScriptedServer, api: openapi_client.IamApiKeysApi) -> None:
    body = {"error": {"message": "nope"}, "requestId": "from-body"}
    exc = raised(server, api, 400, json.dumps(body).encode(), "application/json", {"X-Request-Id": "from-header"})
    assert exc.request_id == "from-header" and str(exc).endswith("[request id from-header]")


def test_problem_details(server: ScriptedServer, api: openapi_client.IamApiKeysApi) -> None:
    body = {
        "type": "https://gateway.example/problems/quota",
        "title": "Quota exceeded",
        "status": 429,
        "detail": "Try again in 30 seconds",
        "instance": "/iam/v2/api-keys/ABCDEF1234567890",
        "balance": 0,
    }
    exc = raised(server, api, 429, json.dumps(body).encode(), "application/problem+json")
    assert isinstance(exc, openapi_client.TooManyRequestsException)
    assert str(exc) == "(429) Too Many Requests: Quota exceeded: Try again in 30 seconds"
    assert isinstance(exc.problem, ProblemDetails) and exc.problem.status == 429
    assert exc.problem.to_dict() == body
    assert exc.doc_url == body["type"]


NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        pytest.param(NGINX_502, "502 Bad Gateway", id="title"),
        pytest.param(
            b"<!DOCTYPE html><html><body><script>var x = '<h1>no</h1>';</script>"
            b"<h1>  Service\n Unavailable &amp; down </h1><p>later</p></body></html>",
            "Service Unavailable & down",
            id="heading-not-script",
        ),
        pytest.param(b"<div><p>Request blocked.</p> <p>Ref 18.2f</p></div>", "Request blocked. Ref 18.2f", id="text"),
        pytest.param(
            b"<html><title>" + b"x" * 5000 + b"</title></html>", "x" * (PAGE_TEXT_LIMIT - 3) + "...", id="long"
        ),
    ],
)
def test_html_pages_from_proxies(
    server: ScriptedServer, api: openapi_client.IamApiKeysApi, page: bytes, expected: str
) -> None:
    exc = raised(server, api, 502, page, "text/html; charset=utf-8")
    assert isinstance(exc, openapi_client.ServiceException)
    assert str(exc) == f"(502) Bad Gateway: {expected}"
    assert exc.problem is None and exc.failure is None
    assert exc.body == page.decode()


def test_plain_text_from_a_load_balancer(server: ScriptedServer, api: openapi_client.IamApiKeysApi) -> None:
    text = "upstream connect error or disconnect/reset before headers.\nreset reason: connection termination"
    exc = raised(server, api, 503, text.encode(), "text/plain")
    assert str(exc) == f"(503) Service Unavailable: {one_line(text, PAGE_TEXT_LIMIT)}"
    assert "\n" not in str(exc) and len(one_line(text, PAGE_TEXT_LIMIT)) <= PAGE_TEXT_LIMIT


def test_json_of_no_known_shape_and_empty_bodies(server: ScriptedServer, api: openapi_client.IamApiKeysApi) -> None:
    exc = raised(server, api, 500, b'{"message": "Internal error, id 77"}', "application/json")
    assert str(exc) == "(500) Internal Server Error: Internal error, id 77"
    exc = raised(server, api, 500, b"", None, {"X-Request-Id": "r"})
    assert str(exc) == "(500) Internal Server Error [request id r]"
    exc = raised(server, api, 500, b"[1, 2]", "application/json")
    assert str(exc) == "(500) Internal Server Error"
    exc = raised(server, api, 500, b'{"message": ["not", "words"], "detail": {"x": 1}}', "application/json")
    assert str(exc) == "(500) Internal Server Error"  # only text and numbers are words
    exc = raised(server, api, 500, b'"backend\\nunavailable"', "application/json")
    assert str(exc) == "(500) Internal Server Error: backend unavailable"


def test_mislabelled_json_is_still_read(server: ScriptedServer, api: openapi_client.IamApiKeysApi) -> None:
    body = json.dumps({"errors": [{"detail": "labelled as text"}]}).encode()
    assert str(raised(server, api, 409, body, "text/plain")) == "(409) Conflict: labelled as text"


def test_service_words_are_one_bounded_line_without_control_characters(
    server: ScriptedServer, api: openapi_client.IamApiKeysApi
) -> None:
    detail = "first line\nsecond\r\nthird \x1b[31mred\x1b[0m \u2028 \u202enoisrever " + "y" * 2000
    exc = raised(server, api, 422, json.dumps({"errors": [{"detail": detail}]}).encode(), "application/json")
    message = str(exc)
    assert "\n" not in message and "\r" not in message and "\x1b" not in message and "\u202e" not in message
    assert message.startswith("(422) Unprocessable Entity: first line second third [31mred [0m noisrever yyy")
    assert len(message) <= len("(422) Unprocessable Entity: ") + MESSAGE_LIMIT
    assert exc.failure is not None and exc.failure.errors[0].detail == detail  # the object keeps the words


ERROR_KEYS = ["errors", "error", "message", "detail", "title", "status", "suggestion", "doc_url", "requestId", "type"]
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=50)),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(ERROR_KEYS) | st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=20,
)
PAGES = st.builds(
    lambda tags, words: "".join(f"<{t}>{w}" for t, w in zip(tags, words)).encode(),
    st.lists(st.sampled_from(["html", "head", "title", "h1", "h2", "script", "p", "style", "/title", "/h1"])),
    st.lists(st.text(max_size=30)),
)
BODIES = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    JSON_VALUES.map(lambda doc: json.dumps(doc).encode()),
    PAGES,
)
CONTENT_TYPES = st.sampled_from(
    [None, "application/json", "application/problem+json", "text/html", "text/plain", "application/octet-stream"]
)
STATUSES = st.sampled_from([400, 401, 402, 403, 404, 405, 409, 422, 429, 500, 502, 503, 504])


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=STATUSES, body=BODIES, content_type=CONTENT_TYPES)
def test_any_body_gives_an_api_exception_with_a_bounded_one_line_message(
    server: ScriptedServer, api: openapi_client.IamApiKeysApi, status: int, body: bytes, content_type: Optional[str]
) -> None:
    exc = raised(server, api, status, body, content_type)
    message = str(exc)
    assert message.startswith(f"({status})")
    assert "\n" not in message and "\r" not in message
    assert len(message) <= 40 + MESSAGE_LIMIT
    assert (exc.body or "") == body.decode("utf-8", errors="replace")


@given(body=st.text(max_size=5000), content_type=CONTENT_TYPES)
def test_reading_never_raises_and_stays_bounded(body: str, content_type: Optional[str]) -> None:
    read = read_error_body(body, content_type)
    if read.message is not None:
        assert 0 < len(read.message) <= MESSAGE_LIMIT and read.message == one_line(read.message, MESSAGE_LIMIT)


@pytest.mark.parametrize(
    "hostile",
    [
        "[" * 100_000,
        '{"errors": ' + "[" * 100_000,
        "<a>" * 30_000,
        "<title>" * 30_000,
        '{"errors": [' + ",".join(['{"detail": "d"}'] * 20_000) + "]}",
    ],
    ids=["deep-json", "deep-failure", "unclosed-tags", "unclosed-titles", "many-errors"],
)
def test_hostile_bodies_are_read_without_error(hostile: str) -> None:
    read = read_error_body(hostile, "application/json" if hostile.startswith(("[", "{")) else "text/html")
    assert read.message is None or len(read.message) <= MESSAGE_LIMIT
