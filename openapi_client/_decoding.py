"""Decoding answers, shared by both clients with no I/O: an error status into the matching
:class:`~openapi_client.exceptions.ApiException`, a success body into its model (tolerantly
by default, naming what breaks the document), a refused body into an error that names the
fields and masks every secret."""

from __future__ import annotations

import datetime
import functools
import itertools
import json
import logging
import re
import threading
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Mapping, Optional, Set, Tuple, Type

from pydantic import BaseModel

from openapi_client._operation_types import Operation, is_json_media_type
from openapi_client._redaction import Redactor
from openapi_client.api_response import ApiResponse
from openapi_client.configuration import Configuration
from openapi_client.exceptions import ApiException, ApiResponseError

if TYPE_CHECKING:
    from openapi_client.models._base import ApiModel, ApiRootModel
    from openapi_client.models._deviation import Deviation

__all__ = ["AnswerDecoding", "decode_json", "model_bases"]

logger = logging.getLogger("openapi_client")

_REPORTED_LIMIT = 256
"""How many (operation, field) deviations a client remembers having logged; past it, new
ones are not logged (memory stays bounded whatever a server sends)."""


class AnswerDecoding:
    """The answer side of a client: :meth:`decode_response`, and the deviations this client
    has logged (each (operation, field) once)."""

    configuration: Configuration
    _reported: Set[Tuple[str, str]]
    _reported_lock: threading.Lock

    def decode_response(
        self,
        response_data: Any,
        raw: bytes,
        response_types_map: Optional[Mapping[str, Optional[Type[Any]]]] = None,
        operation: Optional[Operation] = None,
    ) -> ApiResponse[Any]:
        """Decode a response whose body ``raw`` has been read; an error status raises the
        matching :class:`ApiException`.

        A JSON object that breaks its model (a required field missing, a value of another
        type) is decoded tolerantly: kept as sent, its deviations on the result's
        ``deviations`` and the model's ``model_deviations``, each logged once per operation
        and field by this client. With ``Configuration.strict_answers`` it is an
        :class:`ApiResponseError` naming the fields and the operation instead. ``operation``
        serves messages only."""
        status = response_data.status
        if not 200 <= status <= 299:
            raise ApiException.from_response(
                http_resp=response_data, body=raw.decode("utf-8", errors="replace") if raw else None
            )
        response_type = _response_type(response_types_map or {}, status)
        data = None
        deviations: Tuple[Deviation, ...] = ()
        if response_type is not None:
            data, deviations = self._decode(response_data, raw, response_type, operation)
        return ApiResponse(
            status_code=status, headers=response_data.headers, data=data, raw_data=raw, deviations=deviations
        )

    def _decode(
        self, response: Any, raw: bytes, response_type: Type[Any], operation: Optional[Operation] = None
    ) -> Tuple[Any, Tuple[Deviation, ...]]:
        """The decoded body and where it breaks the document (see :meth:`decode_response`)."""
        content_type = response.headers.get("Content-Type", "")
        if not raw:
            raise ApiResponseError(
                f"the {response.status} response has no body, expected {response_type.__name__}",
                status=response.status,
                headers=response.headers,
                redactor=_redactor_of(response),
            )
        if content_type and not is_json_media_type(content_type):
            redactor = _redactor_of(response)
            raise ApiResponseError(
                f"the response is {content_type!r}, not JSON",
                status=response.status,
                headers=response.headers,
                body=redactor.text(raw.decode("utf-8", errors="replace"))[:200],
                redactor=redactor,
            )
        tolerant = not self.configuration.strict_answers
        if tolerant and isinstance(response_type, type) and issubclass(response_type, model_bases()[0]):
            return self._decode_tolerantly(response, raw, response_type, operation)
        try:
            return decode_json(raw, response_type), ()
        except ValueError as exc:  # pydantic's ValidationError is one
            raise _refusal(response, raw, response_type, operation, exc) from None

    def _decode_tolerantly(
        self, response: Any, raw: bytes, response_type: Type[ApiModel], operation: Optional[Operation]
    ) -> Tuple[Any, Tuple[Deviation, ...]]:
        """The precise model first (a page's odd items taken leniently in the same pass); only
        what it refuses is decoded again, every field lenient (``models/_tolerant.py``)."""
        from openapi_client.models._tolerant import TOLERATED, fast_validator, lenient_validator, mark_odd_items

        fast = fast_validator(response_type)
        context: Dict[str, Any] = {}
        try:
            data = fast.validate_json(raw, context) if fast is not None else response_type.from_json(raw)
        except ValueError as exc:
            context = {}
            try:
                data = lenient_validator(response_type).validate_json(raw, context)
            except ValueError:
                raise _refusal(response, raw, response_type, operation, exc) from None
        if TOLERATED not in context:
            return data, ()
        mark_odd_items(data)
        deviations = data.model_deviations
        self._report(deviations, response.status, operation.describe() if operation else response_type.__name__)
        return data, deviations

    def _report(self, deviations: Tuple[Deviation, ...], status: int, what: str) -> None:
        """Log each deviation at WARNING, once per operation and field for this client (the
        items of a list count as one field), never with a value."""
        for deviation in deviations:
            field = _ANY_INDEX.sub("[*]", deviation.path)
            with self._reported_lock:
                if (what, field) in self._reported or len(self._reported) >= _REPORTED_LIMIT:
                    continue
                self._reported.add((what, field))
            logger.warning(
                "the %s answer to %s breaks the API document at %s (%s); decoded tolerantly "
                "(Configuration.strict_answers=True refuses such answers)",
                status,
                what,
                field,
                deviation.problem,
            )


def decode_json(response_text: str | bytes, response_type: Any, content_type: Optional[str] = None) -> Any:
    """Decode a JSON document into ``response_type`` (a model class, or a plain type)."""
    if content_type is not None and not is_json_media_type(content_type):
        raise ApiResponseError(f"cannot decode content type {content_type!r}")
    if isinstance(response_type, type) and issubclass(response_type, model_bases()):
        return response_type.from_json(response_text)
    if isinstance(response_type, type) and issubclass(response_type, BaseModel):
        return response_type.model_validate_json(response_text)
    value = json.loads(response_text)
    if response_type in (None, object, Any):
        return value
    if response_type is datetime.datetime:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return response_type(value)


@functools.cache
def model_bases() -> Tuple[Type[ApiModel], Type[ApiRootModel]]:
    """The SDK's model base classes. Imported on first use, not with this module: defining the
    first model costs ~30 ms of pydantic set-up, which a program pays only once it decodes
    something (benchmarks/imports.py)."""
    from openapi_client.models._base import ApiModel, ApiRootModel

    return ApiModel, ApiRootModel


def _response_type(types: Mapping[str, Optional[Type[Any]]], status: int) -> Optional[Type[Any]]:
    """The model for a success status; another 2xx than the documented one (say 200 for
    202) still decodes into the operation's one success model."""
    if str(status) in types:
        return types[str(status)]
    successes = {t for code, t in types.items() if code.startswith("2")}
    return successes.pop() if len(successes) == 1 else None


_SECRET_FIELD = re.compile(rb'"secret"\s*:\s*"((?:[^"\\]|\\.)*)"')
_KNOWN_SECRET_FIELDS = 16


def _redactor_of(response: Any) -> Redactor:
    redactor = getattr(response, "redactor", None)
    return redactor if isinstance(redactor, Redactor) else Redactor()


def _secret_fields(raw: bytes) -> Iterator[str]:
    """The values of ``secret`` fields anywhere in a JSON document (a create answer's new
    secret), to scrub from an error that quotes the document."""
    try:
        document = json.loads(raw)
    except ValueError:
        yield from (match.decode("utf-8", "replace") for match in _SECRET_FIELD.findall(raw))
        return
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "secret" and isinstance(value, str):
                    yield value
                else:
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


_ANY_INDEX = re.compile(r"\[\d+\]")


def _refusal(
    response: Any, raw: bytes, response_type: Type[Any], operation: Optional[Operation], exc: ValueError
) -> ApiResponseError:
    """The error for an answer that breaks its model: naming the missing fields and the
    operation when that is all that is wrong, else quoting the (redacted) body."""
    missing = _missing_fields(exc)
    if missing:
        what = operation.describe() if operation is not None else response_type.__name__
        return ApiResponseError(
            f"the {response.status} answer to {what} lacks {', '.join(repr(m) for m in missing)}, "
            "which the API document requires",
            status=response.status,
            headers=response.headers,
            redactor=_redactor_of(response),
        )
    # The first few are enough to mask a new key's secret wherever the body repeats it (the
    # redactor masks every "secret" member anyway); each one more makes masking slower.
    secrets = itertools.islice(dict.fromkeys(_secret_fields(raw)), _KNOWN_SECRET_FIELDS)
    redactor = _redactor_of(response).with_more(secrets)
    fields = _broken_fields(exc)
    where = f" (the {response.status} answer to {operation.describe()}{fields})" if operation is not None else ""
    return ApiResponseError(
        f"the response is not a valid {response_type.__name__}{where}: {_first_line(exc)}",
        status=response.status,
        headers=response.headers,
        body=redactor.text(raw.decode("utf-8", errors="replace"))[:200],
        redactor=redactor,
    )


def _broken_fields(exc: ValueError) -> str:
    """``" breaks data[1].metadata (model_type)"``: where a pydantic error says the document
    is broken, without values."""
    if not callable(getattr(exc, "errors", None)):
        return ""
    from openapi_client.models._tolerant import deviations_of

    found = [f"{d.path} ({d.problem})" for d in deviations_of(exc) if d.path]  # type: ignore[arg-type]
    return f" breaks {', '.join(found[:5])}" if found else ""


def _missing_fields(exc: ValueError) -> List[str]:
    """The dotted JSON paths (``data[2].spec.owner``) of the required fields a document lacks,
    when that is all that is wrong with it."""
    errors = getattr(exc, "errors", None)  # a pydantic ValidationError's
    if not callable(errors):
        return []
    # A BYOK key of a known kind is also tried as an unknown key, which refuses it: that
    # error says nothing about the document, and the union's branch names are not fields.
    from openapi_client.models.byok_v1_key_key import BRANCH_TAGS, KNOWN_KIND_ERROR

    found = []
    for error in errors(include_url=False, include_input=False):
        if error["type"] == KNOWN_KIND_ERROR:
            continue
        if error["type"] != "missing":
            return []  # other problems too: the general message tells them
        path = ""
        for part in error["loc"]:
            if part in BRANCH_TAGS:
                continue
            path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
        found.append(path)
    return found


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return " ".join(line.strip() for line in text[:3]) if text else type(exc).__name__
