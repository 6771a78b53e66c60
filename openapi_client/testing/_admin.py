"""The admin surface: every test control of the emulator over HTTP, under ``/_emulator``.

It lets a test written in any language (or a shell script with curl) drive the standalone
emulator the way a Python test drives ``FakeConfluentCloud``: each route calls the public
Python method of the same name, so the two cannot drift apart. It answers only to loopback
peers; its requests are neither recorded in the request log nor subject to injected faults
or rate limits. A request with a body must send it as ``application/json`` (which a web page
of another origin cannot do without asking first). docs/Testing.md lists the routes.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import math
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Set, Tuple
from urllib.parse import unquote

from openapi_client.testing._app import Request, Response
from openapi_client.testing._errors import EmulatorError
from openapi_client.testing._recording import RecordedRequest
from openapi_client.testing._wire import parse_json

if TYPE_CHECKING:
    from openapi_client.testing.emulator import FakeConfluentCloud

__all__ = ["ADMIN_PREFIX", "AdminSurface", "is_admin_path", "is_loopback"]

ADMIN_PREFIX = "/_emulator"
# Keys one seeding request may ask for: more would hold the emulator's lock for seconds.
MAX_SEEDED = 100_000

Route = Callable[[Request, Tuple[str, ...]], Response]


def is_admin_path(path: str) -> bool:
    """Whether a request path belongs to the admin surface."""
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


def is_loopback(peer: str) -> bool:
    """Whether a peer address is this machine's loopback (IPv4, IPv6 or IPv4-mapped IPv6)."""
    try:
        address = ipaddress.ip_address(peer.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


class AdminSurface:
    """Routes ``/_emulator/...`` requests to the emulator's Python controls."""

    def __init__(self, cloud: FakeConfluentCloud) -> None:
        self._cloud = cloud
        # (method, path template after the prefix, handler); the ``{id}`` is passed on.
        routes: List[Tuple[str, str, Route]] = [
            ("GET", "", self._index),
            ("POST", "/reset", self._reset),
            ("GET", "/settings", self._settings),
            ("PATCH", "/settings", self._change_settings),
            ("POST", "/oauth-clients", self._add_oauth_client),
            ("POST", "/subject-tokens", self._issue_subject_token),
            ("POST", "/revoked-tokens", self._revoke_token),
            ("POST", "/api-keys", self._seed_api_keys),
            ("POST", "/global-api-keys", self._add_global_api_key),
            ("POST", "/api-keys/{id}/auth-flaps", self._flap_api_key_auth),
            ("POST", "/byok-keys", self._seed_byok_keys),
            ("POST", "/byok-keys/{id}/validation", self._set_byok_validation),
            ("POST", "/byok-keys/{id}/state", self._set_byok_state),
            ("POST", "/byok-keys/{id}/grant", self._grant_byok_access),
            ("POST", "/faults", self._arm_fault),
            ("DELETE", "/faults", self._clear_faults),
            ("GET", "/requests", self._requests),
            ("DELETE", "/requests", self._clear_requests),
        ]
        self.routes = [f"{method} {ADMIN_PREFIX}{template}" for method, template, _ in routes]
        self._routes = [
            (method, re.compile(re.escape(template).replace(re.escape("{id}"), "([^/]+)")), route)
            for method, template, route in routes
        ]

    def handle(self, request: Request, request_id: str) -> Response:
        """Answer one admin request (a ``Failure`` when refused)."""
        try:
            if not is_loopback(request.peer):
                raise EmulatorError(403, "forbidden", "The emulator's admin surface answers loopback peers only.")
            return self._dispatch(request)
        except EmulatorError as exc:
            return Response(exc.status, exc.to_json(request_id), exc.headers)
        except KeyError as exc:
            return Response(404, EmulatorError(404, "not_found", f"There is no key {exc}.").to_json(request_id))
        except (ValueError, TypeError) as exc:
            error = EmulatorError(400, "invalid_request", f"{exc}")
            return Response(400, error.to_json(request_id))

    def _dispatch(self, request: Request) -> Response:
        rest = request.path[len(ADMIN_PREFIX) :].rstrip("/")
        allowed: List[str] = []
        for method, pattern, route in self._routes:
            match = pattern.fullmatch(rest)
            if match is None:
                continue
            if method != request.method:
                allowed.append(method)
                continue
            if request.body.strip() and method in ("POST", "PATCH"):
                _check_json_content(request)
            return route(request, tuple(unquote(group) for group in match.groups()))
        if allowed:
            raise EmulatorError(
                405,
                "method_not_allowed",
                f"{request.method} is not supported on {request.path}.",
                headers=[("Allow", ", ".join(allowed))],
            )
        raise EmulatorError(
            404, "not_found", f"The admin surface has nothing at {request.path}; GET {ADMIN_PREFIX} lists it."
        )

    # -- what it is and how to reach it ----------------------------------------------------

    def _index(self, request: Request, _: Tuple[str, ...]) -> Response:
        cloud = self._cloud
        return _json(
            200,
            {
                "host": cloud.host,
                "api_key": cloud.api_key,
                "api_secret": cloud.api_secret,
                "access_token": cloud.access_token,
                "identity_pool_id": cloud.identity_pool_id,
                "idp_token_url": cloud.idp_token_url,
                "sts_token_url": cloud.sts_token_url,
                "routes": self.routes,
            },
        )

    def _reset(self, request: Request, _: Tuple[str, ...]) -> Response:
        self._cloud.reset()
        return Response(204)

    def _settings(self, request: Request, _: Tuple[str, ...]) -> Response:
        cloud = self._cloud
        return _json(
            200,
            {
                "token_lifetime": cloud.token_lifetime,
                "idp_token_lifetime": cloud.idp_token_lifetime,
                "stale_reads": cloud.stale_reads,
                "sts_exchanges": cloud.sts_exchanges,
                "idp_grants": cloud.idp_grants,
                "connections_accepted": cloud.connections_accepted,
            },
        )

    def _change_settings(self, request: Request, parts: Tuple[str, ...]) -> Response:
        body = _object(request)
        unknown = sorted(set(body) - {"token_lifetime", "idp_token_lifetime", "stale_reads"})
        if unknown:
            raise ValueError(f"these settings cannot be changed: {', '.join(unknown)}")
        if "stale_reads" in body:
            self._cloud.stale_reads = _integer(body, "stale_reads", 0)
        for name in ("token_lifetime", "idp_token_lifetime"):
            if name in body:
                setattr(self._cloud, name, _number(body, name))
        return self._settings(request, parts)

    # -- OAuth -------------------------------------------------------------------------------

    def _add_oauth_client(self, request: Request, _: Tuple[str, ...]) -> Response:
        client_id, client_secret = self._cloud.add_oauth_client()
        return _json(201, {"client_id": client_id, "client_secret": client_secret})

    def _issue_subject_token(self, request: Request, _: Tuple[str, ...]) -> Response:
        body = _object(request)
        lifetime = _number(body, "lifetime", 3600.0)
        subject = _string(body, "subject", "emulator-workload")
        token = self._cloud.issue_subject_token(lifetime, subject)
        return _json(201, {"subject_token": token, "subject_token_type": "urn:ietf:params:oauth:token-type:jwt"})

    def _revoke_token(self, request: Request, _: Tuple[str, ...]) -> Response:
        token = _string(_object(request), "token")
        if not token:
            raise ValueError("'token' is required")
        self._cloud.revoke_token(token)
        return Response(204)

    # -- keys --------------------------------------------------------------------------------

    def _seed_api_keys(self, request: Request, _: Tuple[str, ...]) -> Response:
        body = _object(request)
        if "documents" in body:
            _only(body, {"documents"})
            return _json(201, {"ids": self._cloud.seed_api_key_documents(_documents(body))})
        _only(body, {"count", "owner", "resource", "description", "created_at"})
        resource = body.get("resource", "lkc-emulator")
        if resource is not None and not isinstance(resource, (str, dict)):
            raise ValueError("'resource' must be a string, an object or null")
        ids = self._cloud.seed_api_keys(
            _integer(body, "count", 1, default=1, maximum=MAX_SEEDED),
            owner=_string(body, "owner", "sa-emulator"),
            resource=resource,
            description=_optional_string(body, "description"),
            created_at=_timestamp(body, "created_at"),
        )
        return _json(201, {"ids": ids})

    def _add_global_api_key(self, request: Request, _: Tuple[str, ...]) -> Response:
        key, secret = self._cloud.add_global_api_key(_string(_object(request), "owner", "u-emulator"))
        return _json(201, {"key": key, "secret": secret})

    def _flap_api_key_auth(self, request: Request, parts: Tuple[str, ...]) -> Response:
        self._cloud.flap_api_key_auth(parts[0], _integer(_object(request), "times", 1, default=1))
        return Response(204)

    def _seed_byok_keys(self, request: Request, _: Tuple[str, ...]) -> Response:
        body = _object(request)
        if "documents" in body:
            _only(body, {"documents"})
            return _json(201, {"ids": self._cloud.seed_byok_key_documents(_documents(body))})
        _only(body, {"key", "display_name"})
        key = body.get("key")
        if not isinstance(key, dict):
            raise ValueError('\'key\' must be an object, e.g. {"kind": "AwsKey", "key_arn": "..."}')
        key_id = self._cloud.seed_byok_key(key, display_name=_optional_string(body, "display_name"))
        return _json(201, {"ids": [key_id]})

    def _set_byok_validation(self, request: Request, parts: Tuple[str, ...]) -> Response:
        body = _object(request)
        phase = _string(body, "phase")
        if not phase:
            raise ValueError("'phase' is required")
        self._cloud.set_byok_validation(
            parts[0], phase, _optional_string(body, "message"), _optional_string(body, "region")
        )
        return Response(204)

    def _set_byok_state(self, request: Request, parts: Tuple[str, ...]) -> Response:
        state = _string(_object(request), "state")
        if not state:
            raise ValueError("'state' is required")
        self._cloud.set_byok_state(parts[0], state)
        return Response(204)

    def _grant_byok_access(self, request: Request, parts: Tuple[str, ...]) -> Response:
        self._cloud.grant_byok_access(parts[0])
        return Response(204)

    # -- faults ------------------------------------------------------------------------------

    def _arm_fault(self, request: Request, _: Tuple[str, ...]) -> Response:
        body = _object(request)
        kind = body.get("kind")
        count = _integer(body, "count", 1, default=1)
        target = {"path": _optional_string(body, "path"), "method": _optional_string(body, "method")}
        cloud = self._cloud
        if kind == "fail":
            _only(body, {"kind", "count", "path", "method", "status", "retry_after", "headers"})
            cloud.fail_next(
                count,
                status=_integer(body, "status", 100, default=503, maximum=999),
                retry_after=_optional_number(body, "retry_after"),
                headers=_headers(body),
                **target,
            )
        elif kind == "drop":
            _only(body, {"kind", "count", "path", "method"})
            cloud.drop_next(count, **target)
        elif kind == "delay":
            _only(body, {"kind", "count", "path", "method", "seconds"})
            cloud.delay_next(_number(body, "seconds"), count, **target)
        elif kind == "respond":
            _only(
                body,
                {"kind", "count", "path", "method", "status", "body", "body_base64", "content_type", "headers"}
                | {"declared_length"},
            )
            cloud.respond_next(
                count,
                status=_integer(body, "status", 100, default=200, maximum=999),
                body=_raw_body(body),
                content_type=_string(body, "content_type", "application/json"),
                headers=_headers(body),
                declared_length=_optional_integer(body, "declared_length"),
                **target,
            )
        else:
            raise ValueError("'kind' must be one of fail, drop, delay, respond")
        return Response(201, b"{}")

    def _clear_faults(self, request: Request, _: Tuple[str, ...]) -> Response:
        self._cloud.clear_faults()
        return Response(204)

    # -- the request log ---------------------------------------------------------------------

    def _requests(self, request: Request, _: Tuple[str, ...]) -> Response:
        return _json(200, {"requests": [_recorded(entry) for entry in self._cloud.requests]})

    def _clear_requests(self, request: Request, _: Tuple[str, ...]) -> Response:
        self._cloud.clear_requests()
        return Response(204)


def _recorded(entry: RecordedRequest) -> Dict[str, Any]:
    return {
        "method": entry.method,
        "path": entry.path,
        "raw_path": entry.raw_path,
        "query": entry.query,
        "headers": entry.headers,
        "body": entry.body.decode("utf-8", "replace"),
        "body_base64": base64.b64encode(entry.body).decode("ascii"),
        "body_size": entry.body_size,
        "status": entry.status,
    }


def _check_json_content(request: Request) -> None:
    content_type = next((v for k, v in request.headers.items() if k.lower() == "content-type"), "")
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise EmulatorError(
            415,
            "unsupported_media_type",
            "Send admin request bodies as JSON, with Content-Type: application/json.",
            title="Unsupported Media Type",
        )


def _object(request: Request) -> Dict[str, Any]:
    if not request.body.strip():
        return {}
    document = parse_json(request.body)
    if not isinstance(document, dict):
        raise ValueError("the body must be a JSON object")
    return document


def _only(body: Mapping[str, Any], names: Set[str]) -> None:
    unknown = sorted(set(body) - names)
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; this request takes {', '.join(sorted(names))}")


def _documents(body: Mapping[str, Any]) -> List[Dict[str, Any]]:
    documents = body["documents"]
    if not isinstance(documents, list) or not all(isinstance(item, dict) for item in documents):
        raise ValueError("'documents' must be a list of JSON objects")
    return documents


def _string(body: Mapping[str, Any], name: str, default: str = "") -> str:
    value = body.get(name, default)
    if not isinstance(value, str):
        raise ValueError(f"'{name}' must be a string")
    return value


def _optional_string(body: Mapping[str, Any], name: str) -> Optional[str]:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"'{name}' must be a string or null")
    return value


def _number(body: Mapping[str, Any], name: str, default: Optional[float] = None) -> float:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"'{name}' must be a finite number")
    return float(value)


def _optional_number(body: Mapping[str, Any], name: str) -> Optional[float]:
    return None if body.get(name) is None else _number(body, name)


def _integer(
    body: Mapping[str, Any], name: str, minimum: int, default: Optional[int] = None, maximum: int = 2**31 - 1
) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ValueError(f"'{name}' must be a whole number from {minimum} to {maximum}")
    return value


def _optional_integer(body: Mapping[str, Any], name: str) -> Optional[int]:
    return None if body.get(name) is None else _integer(body, name, 0)


def _headers(body: Mapping[str, Any]) -> Optional[Dict[str, str]]:
    headers = body.get("headers")
    if headers is None:
        return None
    if not isinstance(headers, dict) or not all(
        isinstance(name, str) and isinstance(value, str) for name, value in headers.items()
    ):
        raise ValueError("'headers' must be an object of strings")
    for name, value in headers.items():
        if not name or any(c in name + value for c in "\r\n\0") or not (name + value).isascii():
            raise ValueError("'headers' names and values must be ASCII on one line")
    return headers


def _raw_body(body: Mapping[str, Any]) -> bytes:
    if "body_base64" in body:
        try:
            return base64.b64decode(_string(body, "body_base64"), validate=True)
        except binascii.Error as exc:
            raise ValueError("'body_base64' is not base64") from exc
    return _string(body, "body").encode("utf-8")


def _timestamp(body: Mapping[str, Any], name: str) -> Optional[datetime]:
    value = _optional_string(body, name)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"'{name}' must be an RFC 3339 time, e.g. 2024-01-02T03:04:05Z") from exc
    if moment.tzinfo is None:
        raise ValueError(f"'{name}' must carry a time zone, e.g. 2024-01-02T03:04:05Z")
    return moment


def _json(status: int, document: Any) -> Response:
    return Response(status, json.dumps(document, separators=(",", ":")).encode())
