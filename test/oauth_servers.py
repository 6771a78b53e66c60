"""A small identity provider, token service and API on 127.0.0.1 for the credential tests.

One server answers three things: ``POST /idp/token`` (an external identity provider's
client-credentials grant), ``POST /sts/v1/oauth2/token`` (Confluent's token exchange, as
the STS document describes it) and ``GET /iam/v2/api-keys`` / ``GET /byok/v1/keys``
(accepting only live tokens the exchange issued). Knobs make each part fail or misbehave.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qs

POOL_ID = "pool-Ab12"
CLIENT_ID = "test-client"
CLIENT_SECRET = "idp-client-secret-Zq81"
GLOBAL_KEY, GLOBAL_SECRET = "GLOBALKEY0000001", "global-secret-Pq7"


def jwt(claims: Dict[str, Any]) -> str:
    """A JWT-looking token (header.payload.signature), unsigned but well formed."""

    def part(data: Dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.{secrets.token_urlsafe(24)}"


@dataclass
class Knobs:
    idp_status: Optional[int] = None  # answer the grant with this status
    idp_body: bytes = b'{"error": "invalid_client", "error_description": "bad credentials"}'
    sts_status: Optional[int] = None
    sts_body: bytes = b'{"errors": [{"status": "400", "detail": "the identity pool does not exist"}]}'
    sts_delay: float = 0.0
    token_lifetime: int = 900  # expires_in of issued tokens
    token_exp_offset: Optional[float] = None  # exp claim = now + this (default: lifetime)
    reject_all_bearer: bool = False  # the API refuses every token (e.g. a pool without permission)


@dataclass
class Record:
    idp_grants: int = 0
    sts_exchanges: int = 0
    api_calls: int = 0
    sts_forms: List[Dict[str, str]] = field(default_factory=list)
    idp_forms: List[Dict[str, str]] = field(default_factory=list)
    api_auth: List[str] = field(default_factory=list)


class OAuthServers:
    """Run with ``with OAuthServers() as servers:``; ``servers.url`` is the base URL."""

    def __init__(self) -> None:
        self.knobs = Knobs()
        self.record = Record()
        self.lock = threading.Lock()
        self.subject_tokens: Dict[str, float] = {}  # issued by the IdP -> expiry
        self.access_tokens: Dict[str, float] = {}  # issued by the STS -> expiry
        self.revoked: set[str] = set()
        servers = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Head and body go out in two writes: without this, Nagle holds the body ~40 ms for the ACK.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path == "/idp/token":
                    self._answer(*servers.grant(form, self.headers.get("Content-Type", "")))
                elif self.path == "/sts/v1/oauth2/token":
                    self._answer(*servers.exchange(form, self.headers.get("Content-Type", "")))
                else:
                    self._answer(404, b"{}")

            def do_GET(self) -> None:
                if self.path.split("?")[0] in ("/iam/v2/api-keys", "/byok/v1/keys"):
                    self._answer(*servers.api(self.path, self.headers.get("Authorization", "")))
                else:
                    self._answer(404, b"{}")

            def _answer(self, status: int, body: bytes, headers: Tuple[Tuple[str, str], ...] = ()) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("X-Request-Id", "req-" + secrets.token_hex(4))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    def __enter__(self) -> OAuthServers:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def token_url(self) -> str:
        return self.url + "/idp/token"

    @property
    def sts_url(self) -> str:
        return self.url + "/sts/v1/oauth2/token"

    def issue_subject_token(self, lifetime: float = 3600) -> str:
        token = jwt({"sub": "workload", "exp": int(time.time() + lifetime)})
        with self.lock:
            self.subject_tokens[token] = time.time() + lifetime
        return token

    def revoke(self, token: str) -> None:
        with self.lock:
            self.revoked.add(token)

    # -- the three endpoints ------------------------------------------------------------

    def grant(self, form: Dict[str, str], content_type: str) -> Tuple[int, bytes]:
        with self.lock:
            self.record.idp_grants += 1
            self.record.idp_forms.append(form)
        if self.knobs.idp_status is not None:
            return self.knobs.idp_status, self.knobs.idp_body
        if content_type != "application/x-www-form-urlencoded" or form.get("grant_type") != "client_credentials":
            return 400, b'{"error": "unsupported_grant_type"}'
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, b'{"error": "invalid_client"}'
        token = self.issue_subject_token()
        return 200, json.dumps({"access_token": token, "token_type": "Bearer", "expires_in": 3600}).encode()

    def exchange(self, form: Dict[str, str], content_type: str) -> Tuple[int, bytes]:
        with self.lock:
            self.record.sts_exchanges += 1
            self.record.sts_forms.append(form)
        if self.knobs.sts_delay:
            time.sleep(self.knobs.sts_delay)
        if self.knobs.sts_status is not None:
            return self.knobs.sts_status, self.knobs.sts_body
        expected = {
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
            "requested_token_type": "urn:ietf:params:oauth:token-type:access_token",
            "identity_pool_id": POOL_ID,
        }
        if content_type != "application/x-www-form-urlencoded" or any(form.get(k) != v for k, v in expected.items()):
            return 400, b'{"errors": [{"status": "400", "detail": "malformed token exchange"}]}'
        with self.lock:
            subject_expiry = self.subject_tokens.get(form.get("subject_token", ""))
        if subject_expiry is None or subject_expiry < time.time():
            return 401, b'{"errors": [{"status": "401", "detail": "the subject token is not valid"}]}'
        lifetime = min(self.knobs.token_lifetime, int(form.get("expires_in", 900)))
        offset = lifetime if self.knobs.token_exp_offset is None else self.knobs.token_exp_offset
        token = jwt({"sub": "pool", "exp": int(time.time() + offset), "iat": int(time.time())})
        with self.lock:
            self.access_tokens[token] = time.time() + min(lifetime, offset)
        body = {
            "access_token": token,
            "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
            "token_type": "Bearer",
            "expires_in": lifetime,
        }
        return 200, json.dumps(body).encode()

    def api(self, path: str, authorization: str) -> Tuple[int, bytes, Tuple[Tuple[str, str], ...]]:
        with self.lock:
            self.record.api_calls += 1
            self.record.api_auth.append(authorization)
            scheme, _, token = authorization.partition(" ")
            expiry = self.access_tokens.get(token)
            global_key = base64.b64encode(f"{GLOBAL_KEY}:{GLOBAL_SECRET}".encode()).decode()
            valid = (scheme == "Basic" and token == global_key and path.startswith("/byok/")) or (
                scheme == "Bearer"
                and expiry is not None
                and expiry > time.time()
                and token not in self.revoked
                and not self.knobs.reject_all_bearer
            )
        if not valid:
            body = b'{"errors": [{"status": "401", "detail": "The access token is not valid."}]}'
            return 401, body, (("WWW-Authenticate", 'Bearer error="invalid_token"'),)
        kind = "ApiKeyList" if path.startswith("/iam/") else "KeyList"
        version = "iam/v2" if path.startswith("/iam/") else "byok/v1"
        return 200, json.dumps({"api_version": version, "kind": kind, "metadata": {}, "data": []}).encode(), ()
