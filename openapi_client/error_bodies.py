"""Error response bodies as they really come, read into the service's own words.

Confluent Cloud answers most errors with a :class:`~openapi_client.models.Failure`. Some of its
services use a newer shape (:class:`ConfluentError`), gateways answer RFC 9457 problem details
(:class:`ProblemDetails`), and proxies and load balancers in front of it answer HTML or plain
text. :func:`read_error_body` reads any of them, never raising, into an :class:`ErrorBody`: the
parsed object when the body is one of the known shapes, and one short line of text for
``str(exc)``. Input is untrusted: only a bounded prefix of a body is examined, and every text
taken from it is made one line (control and format characters become spaces) and cut to length.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Dict, List, Optional, Union

from pydantic import Field

from openapi_client.models._base import ApiModel
from openapi_client.models.failure import Failure

__all__ = [
    "ConfluentError",
    "ConfluentErrorDetail",
    "ProblemDetails",
    "Problem",
    "ErrorBody",
    "read_error_body",
    "one_line",
    "MESSAGE_LIMIT",
    "PAGE_TEXT_LIMIT",
]

MESSAGE_LIMIT = 300
"""Most characters of the service's words that ``str(exc)`` shows."""
PAGE_TEXT_LIMIT = 120
"""Most characters shown of an HTML or plain-text page (its title, heading or text)."""
# The most characters of a body examined: a proxy's page says what it is near its start, and
# an error document larger than this is not one a person reads.
_EXAMINED = 256 * 1024
_HTML_EXAMINED = 64 * 1024
# Keys that carry the words of a JSON error body of no known shape, most telling first.
_MESSAGE_KEYS = ("message", "error_description", "detail", "title", "error", "msg", "description")


class ConfluentErrorDetail(ApiModel):
    """The ``error`` member of :class:`ConfluentError`: what went wrong and what to do about it."""

    code: Optional[Union[int, str]] = None
    message: Optional[str] = None
    details: Optional[Any] = None
    timestamp: Optional[str] = None
    path: Optional[str] = None
    suggestion: Optional[str] = None


class ConfluentError(ApiModel):
    """The newer error shape of some Confluent services:
    ``{"status", "error": {"code", "message", "details", "suggestion", ...}, "requestId", "doc_url"}``.
    Unknown members are kept, as in every model."""

    status: Optional[int] = None
    error: Optional[ConfluentErrorDetail] = None
    request_id: Optional[str] = Field(default=None, alias="requestId")
    doc_url: Optional[str] = None


class ProblemDetails(ApiModel):
    """An RFC 9457 ``application/problem+json`` body, as gateways answer. Extension members are kept."""

    type: Optional[str] = None
    title: Optional[str] = None
    status: Optional[int] = None
    detail: Optional[str] = None
    instance: Optional[str] = None


Problem = Union[Failure, ConfluentError, ProblemDetails]
"""An error body of a known shape, parsed."""


@dataclass(frozen=True)
class ErrorBody:
    """What an error body says.

    ``message``: the service's words as one bounded line, or ``None`` when the body says nothing
    readable. ``problem``: the parsed body when it has a known shape. ``doc_url``: a page that
    explains the error, when the body names one. ``request_id``: the request id the body carries
    (the newer shape has one), for when the response lacks the ``X-Request-Id`` header.
    """

    message: Optional[str] = None
    problem: Optional[Problem] = None
    doc_url: Optional[str] = None
    request_id: Optional[str] = None


def one_line(text: str, limit: int) -> str:
    """``text`` on one line, whitespace runs collapsed, control and format characters (newlines,
    escapes, bidirectional marks) turned into spaces, and at most ``limit`` characters."""
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs") else ch for ch in text)
    flat = " ".join(cleaned.split())
    if len(flat) > limit:
        flat = flat[: max(limit - 3, 0)].rstrip() + "..."
    return flat


def read_error_body(body: Optional[str], content_type: Optional[str] = None) -> ErrorBody:
    """Read an error body of any shape; never raises."""
    if not body or not body.strip():
        return ErrorBody()
    media = (content_type or "").split(";", 1)[0].strip().lower()
    head = body[:_EXAMINED]
    stripped = head.lstrip()
    if media.endswith("json") or stripped.startswith(("{", "[")):
        document = _json(head) if len(body) <= _EXAMINED else None
        if isinstance(document, dict):
            return _read_json(document, head, problem_json=media == "application/problem+json")
        if document is not None:
            # A bare JSON string is a message; any other bare value says nothing readable.
            return ErrorBody(message=_bounded(document) if isinstance(document, str) else None)
    if "html" in media or stripped[:1] == "<":
        return ErrorBody(message=_page_text(stripped[:_HTML_EXAMINED]))
    text = one_line(head, PAGE_TEXT_LIMIT)
    return ErrorBody(message=text or None)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _read_json(document: Dict[str, Any], text: str, *, problem_json: bool) -> ErrorBody:
    errors = document.get("errors")
    if isinstance(errors, list):
        return ErrorBody(message=_failure_message(errors), problem=_parse(Failure, text))
    error = document.get("error")
    if isinstance(error, dict):
        words = _joined(_text(error.get("message")), _text(error.get("suggestion")))
        return ErrorBody(
            message=_bounded(words or _text(error.get("code"))),
            problem=_parse(ConfluentError, text),
            doc_url=_url(document.get("doc_url")),
            request_id=_bounded(_text(document.get("requestId"))),
        )
    if problem_json or "title" in document or "detail" in document:
        title, detail = _text(document.get("title")), _text(document.get("detail"))
        words = f"{title}: {detail}" if title and detail and detail != title else (detail or title)
        problem_type = _url(document.get("type"))
        return ErrorBody(
            message=_bounded(words),
            problem=_parse(ProblemDetails, text),
            doc_url=problem_type,
        )
    for key in _MESSAGE_KEYS:
        words = _text(document.get(key))
        if words:
            return ErrorBody(message=_bounded(words))
    return ErrorBody()


def _failure_message(errors: List[Any]) -> Optional[str]:
    described = [e for e in errors if isinstance(e, dict)]
    for error in described:
        words = next((w for w in (_text(error.get(key)) for key in ("detail", "message", "title", "code")) if w), None)
        if words:
            more = len(errors) - 1
            return _bounded(words if more <= 0 else f"{words} (and {more} more)")
    return None


def _parse(model: Any, text: str) -> Any:
    try:
        return model.from_json(text)
    except (ValueError, TypeError, RecursionError):
        return None


def _text(value: Any) -> Optional[str]:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, float)):
        words = one_line(str(value), MESSAGE_LIMIT)
        return words or None
    return None


def _joined(message: Optional[str], suggestion: Optional[str]) -> Optional[str]:
    if message and suggestion:
        separator = " " if message[-1] in ".!?:;" else ". "
        return message + separator + suggestion
    return message or suggestion


def _bounded(words: Optional[str]) -> Optional[str]:
    return one_line(words, MESSAGE_LIMIT) if words else None


def _url(value: Any) -> Optional[str]:
    if isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) <= 2048:
        return one_line(value, 2048)
    return None


class _PageReader(HTMLParser):
    """Collects a page's <title>, its first heading and its visible text, ignoring scripts.

    Depth counters, not a stack of open tags: a hostile page of unclosed tags costs no more
    than a well-formed one."""

    _HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
    _HIDDEN = frozenset({"script", "style", "head", "noscript", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: List[str] = []
        self.heading: List[str] = []
        self.text: List[str] = []
        self._depth = {"title": 0, "heading": 0, "hidden": 0}
        self._heading_done = False

    @classmethod
    def _group(cls, tag: str) -> Optional[str]:
        if tag == "title":
            return "title"
        if tag in cls._HEADINGS:
            return "heading"
        return "hidden" if tag in cls._HIDDEN else None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        group = self._group(tag)
        if group is not None:
            self._depth[group] += 1

    def handle_endtag(self, tag: str) -> None:
        group = self._group(tag)
        if group is not None and self._depth[group] > 0:
            self._depth[group] -= 1
            if group == "heading" and self.heading:
                self._heading_done = True

    def handle_data(self, data: str) -> None:
        if self._depth["title"]:
            self.title.append(data)
        elif self._depth["hidden"]:
            return
        elif self._depth["heading"]:
            if not self._heading_done:
                self.heading.append(data)
        else:
            self.text.append(data)


def _page_text(page: str) -> Optional[str]:
    reader = _PageReader()
    try:
        reader.feed(page)
        reader.close()
    except (ValueError, AssertionError, RecursionError):
        pass
    for parts in (reader.title, reader.heading, reader.text):
        words = one_line(" ".join(parts), PAGE_TEXT_LIMIT)
        if words:
            return words
    return None
