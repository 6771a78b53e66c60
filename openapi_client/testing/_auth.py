"""Who may call: API keys, bearer tokens, the fake identity provider and the STS exchange.

Security schemes are the document's: ``cloud-api-key`` (Basic with a Cloud API key),
``global-api-key`` (Basic with a Global API key) and ``confluent-sts-access-token``
(Bearer). Tokens look like JWTs (``header.payload.signature``, HMAC-SHA256 with a key the
emulator makes up at start), carry ``exp``, and can be revoked.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple
from urllib.parse import parse_qs

from openapi_client.testing._errors import EmulatorError
from openapi_client.testing._records import CLOUD_SCHEME, GLOBAL_SCHEME
from openapi_client.testing._store import Store

__all__ = [
    "Authority",
    "OAuthError",
    "TokenSigner",
    "STS_SCHEME",
    "TOKEN_EXCHANGE_GRANT",
    "JWT_TOKEN_TYPE",
    "ACCESS_TOKEN_TYPE",
    "MAX_STS_LIFETIME",
]

STS_SCHEME = "confluent-sts-access-token"
TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
MAX_STS_LIFETIME = 900
FORM = "application/x-www-form-urlencoded"

_REALM = 'realm="Confluent Cloud"'
_SCHEME_WORDS = {CLOUD_SCHEME: "a Cloud API key", GLOBAL_SCHEME: "a Global API key", STS_SCHEME: "an access token"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class OAuthError(Exception):
    """A refusal of the identity provider, answered as RFC 6749 says (``error``, ``error_description``)."""

    def __init__(self, status: int, code: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.body = _oauth_error(code, description)


class TokenSigner:
    """Makes and checks JWT-looking tokens signed with one secret key (HS256)."""

    _HEADER = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def sign(self, claims: Mapping[str, Any]) -> str:
        """A token carrying ``claims``."""
        payload = _b64(json.dumps(dict(claims), separators=(",", ":")).encode())
        signed = f"{self._HEADER}.{payload}"
        return f"{signed}.{_b64(hmac.new(self._key, signed.encode(), hashlib.sha256).digest())}"

    def claims(self, token: str) -> Optional[Dict[str, Any]]:
        """The claims of a token this signer made, or ``None`` for anything else."""
        parts = token.split(".")
        if len(parts) != 3:
            return None
        expected = _b64(hmac.new(self._key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected.encode(), parts[2].encode("ascii", "replace")):
            return None
        try:
            claims = json.loads(_unb64(parts[1]))
        except (ValueError, binascii.Error):
            return None
        return claims if isinstance(claims, dict) else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class Authority:
    """The emulated organization's credentials and token services."""

    def __init__(self, store: Store, api_key: str, api_secret: str, access_token: str) -> None:
        self.store = store
        self.api_key = api_key
        self.api_secret = api_secret
        self.access_token = access_token
        self.identity_pool_id = "pool-" + secrets.token_hex(3)
        self.token_lifetime: float = MAX_STS_LIFETIME
        self.idp_token_lifetime: float = 3600
        self.issuer = ""
        self._idp = TokenSigner()
        self._sts = TokenSigner()
        self._lock = threading.Lock()
        self._oauth_clients: Dict[str, str] = {}
        self._revoked: Set[str] = set()
        self.sts_exchanges = 0
        self.idp_grants = 0

    # -- API authentication -------------------------------------------------------------

    def authenticate(self, headers: Mapping[str, str], schemes: Sequence[str]) -> None:
        """Accept the request's Authorization for one of ``schemes``, else raise a 401."""
        challenge = _challenge(schemes)
        header = next((value for name, value in headers.items() if name.lower() == "authorization"), None)
        if not header or not header.strip():
            wanted = " or ".join(_SCHEME_WORDS[scheme] for scheme in schemes)
            raise _unauthenticated(f"This request needs credentials: {wanted}.", challenge)
        scheme, _, value = header.strip().partition(" ")
        value = value.strip()
        if scheme.lower() == "basic" and ({CLOUD_SCHEME, GLOBAL_SCHEME} & set(schemes)):
            key, secret = _basic_credentials(value)
            if key is not None and secret is not None:
                accepted = self._basic_scheme(key, secret)
                if accepted in schemes:
                    return
                if accepted is not None:
                    raise _unauthenticated(
                        "This API key is not accepted by this API; it needs "
                        + " or ".join(_SCHEME_WORDS[s] for s in schemes)
                        + ".",
                        f'Basic error="invalid_key", error_description="The API key is not valid here", {_REALM}',
                    )
            raise _unauthenticated(
                "The API key or secret is not valid.",
                f'Basic error="invalid_key", error_description="The API key or secret is not valid", {_REALM}',
            )
        if scheme.lower() == "bearer" and STS_SCHEME in schemes:
            problem = self._bearer_problem(value)
            if problem is None:
                return
            raise _unauthenticated(
                f"The access token is not valid: {problem}.",
                f'Bearer error="invalid_token", error_description="The access token {problem}", {_REALM}',
            )
        raise _unauthenticated(f"The '{scheme[:20]}' authentication scheme is not accepted here.", challenge)

    def _basic_scheme(self, key: str, secret: str) -> Optional[str]:
        """The scheme these Basic credentials satisfy, or ``None`` when they are not valid now."""
        if hmac.compare_digest(key.encode(), self.api_key.encode()) and hmac.compare_digest(
            secret.encode(), self.api_secret.encode()
        ):
            return CLOUD_SCHEME
        return self.store.authenticate_api_key(key, secret)

    def _bearer_problem(self, token: str) -> Optional[str]:
        """Why a bearer token is refused (``None``: it is accepted)."""
        with self._lock:
            if _digest(token) in self._revoked:
                return "has been revoked"
        if hmac.compare_digest(token.encode("utf-8", "surrogatepass"), self.access_token.encode()):
            return None
        claims = self._sts.claims(token)
        if claims is None:
            return "is not one this service issued"
        expiry = claims.get("exp")
        if not isinstance(expiry, (int, float)) or time.time() >= expiry:
            return "has expired"
        return None

    def reset(self) -> None:
        """Forget registered clients, revocations and counts; token lifetimes back to their defaults."""
        with self._lock:
            self._oauth_clients.clear()
            self._revoked.clear()
            self.sts_exchanges = self.idp_grants = 0
            self.token_lifetime = MAX_STS_LIFETIME
            self.idp_token_lifetime = 3600

    def oauth_client_secrets(self) -> List[str]:
        """The secrets of the registered identity-provider clients (for the request log to mask)."""
        with self._lock:
            return list(self._oauth_clients.values())

    def revoke(self, token: str) -> None:
        """Refuse ``token`` from now on (any bearer token, including ``access_token``)."""
        with self._lock:
            self._revoked.add(_digest(token))

    # -- the fake external identity provider -------------------------------------------

    def add_oauth_client(self) -> Tuple[str, str]:
        """Register a client of the identity provider; returns (client_id, client_secret)."""
        client_id = "client-" + secrets.token_hex(6)
        client_secret = secrets.token_urlsafe(24)
        with self._lock:
            self._oauth_clients[client_id] = client_secret
        return client_id, client_secret

    def subject_token(self, subject: str, lifetime: float, scope: Optional[str] = None) -> str:
        """A token from the identity provider, as the STS accepts it."""
        now = time.time()
        claims: Dict[str, Any] = {
            "iss": f"{self.issuer}/oauth2",
            "sub": subject,
            "aud": "confluent",
            "iat": int(now),
            "exp": now + lifetime,
            "jti": str(uuid.uuid4()),
        }
        if scope:
            claims["scope"] = scope
        return self._idp.sign(claims)

    def idp_token(self, headers: Mapping[str, str], body: bytes) -> Dict[str, Any]:
        """``POST /oauth2/token``: the client-credentials grant (RFC 6749 §4.4); refusals raise OAuthError."""
        form = _form(headers, body, oauth_errors=True)
        if form.get("grant_type") != "client_credentials":
            raise OAuthError(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.")
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if authorization.lower().startswith("basic "):
            client_id, client_secret = _basic_credentials(authorization[6:].strip())
        with self._lock:
            known = self._oauth_clients.get(client_id or "")
        if known is None or not hmac.compare_digest(known.encode(), (client_secret or "").encode()):
            raise OAuthError(401, "invalid_client", "The client id or secret is not valid.")
        lifetime = self.idp_token_lifetime
        token = self.subject_token(client_id or "", lifetime, form.get("scope"))
        with self._lock:
            self.idp_grants += 1
        reply: Dict[str, Any] = {"access_token": token, "token_type": "Bearer", "expires_in": max(0, int(lifetime))}
        if form.get("scope"):
            reply["scope"] = form["scope"]
        return reply

    # -- Confluent's STS -------------------------------------------------------------

    def sts_token(self, headers: Mapping[str, str], body: bytes) -> Dict[str, Any]:
        """``POST /sts/v1/oauth2/token``: exchange an identity provider's token (400 when refused)."""
        form = _form(headers, body, oauth_errors=False)
        expected = {
            "grant_type": TOKEN_EXCHANGE_GRANT,
            "subject_token_type": JWT_TOKEN_TYPE,
            "requested_token_type": ACCESS_TOKEN_TYPE,
        }
        for name in ("subject_token", "grant_type", "identity_pool_id", "subject_token_type", "requested_token_type"):
            if not form.get(name):
                raise _sts_error(f"The form field {name} is required.", name)
        for name, value in expected.items():
            if form[name] != value:
                raise _sts_error(f"{name} must be {value}.", name)
        requested = MAX_STS_LIFETIME
        if "expires_in" in form:
            raw = form["expires_in"].strip()
            if not raw.isdigit() or not 0 < int(raw) <= MAX_STS_LIFETIME:
                detail = f"expires_in must be a whole number of seconds from 1 to {MAX_STS_LIFETIME}."
                raise _sts_error(detail, "expires_in")
            requested = int(raw)
        if not hmac.compare_digest(form["identity_pool_id"].encode(), self.identity_pool_id.encode()):
            raise _sts_error("There is no such identity pool.", "identity_pool_id")
        claims = self._idp.claims(form["subject_token"])
        if claims is None:
            raise _sts_error("The subject token is not signed by a trusted identity provider.", "subject_token")
        expiry = claims.get("exp")
        if not isinstance(expiry, (int, float)) or time.time() >= expiry:
            raise _sts_error("The subject token has expired.", "subject_token")
        lifetime = min(float(requested), self.token_lifetime)
        now = time.time()
        token = self._sts.sign(
            {
                "iss": "Confluent",
                "sub": str(claims.get("sub", "")),
                "identity_pool_id": self.identity_pool_id,
                "iat": int(now),
                "exp": now + lifetime,
                "jti": str(uuid.uuid4()),
            }
        )
        with self._lock:
            self.sts_exchanges += 1
        return {
            "access_token": token,
            "issued_token_type": ACCESS_TOKEN_TYPE,
            "token_type": "Bearer",
            "expires_in": max(0, int(lifetime)),
        }


def _challenge(schemes: Sequence[str]) -> str:
    parts: List[str] = []
    if CLOUD_SCHEME in schemes or GLOBAL_SCHEME in schemes:
        parts.append(f"Basic {_REALM}")
    if STS_SCHEME in schemes:
        parts.append(f"Bearer {_REALM}")
    return ", ".join(parts)


def _basic_credentials(value: str) -> Tuple[Optional[str], Optional[str]]:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None, None
    key, separator, secret = decoded.partition(":")
    return (key, secret) if separator else (None, None)


def _unauthenticated(detail: str, challenge: str) -> EmulatorError:
    return EmulatorError(
        401,
        "user_unauthenticated",
        detail,
        title="Authentication Required",
        headers=[("WWW-Authenticate", challenge)],
    )


def _form(headers: Mapping[str, str], body: bytes, *, oauth_errors: bool) -> Dict[str, str]:
    """A form-encoded body as single values; a body that is not one is a 400."""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    problem: Optional[str] = None
    fields: Dict[str, List[str]] = {}
    if content_type.split(";")[0].strip().lower() != FORM:
        problem = f"The body must be {FORM}."
    else:
        try:
            fields = parse_qs(body.decode("ascii"), keep_blank_values=True, strict_parsing=bool(body), errors="strict")
        except (UnicodeError, ValueError):
            problem = "The body is not a valid form."
        repeated = sorted(name for name, values in fields.items() if len(values) > 1)
        if problem is None and repeated:
            problem = f"The form field {repeated[0]} is given more than once."
    if problem is not None:
        if oauth_errors:
            raise OAuthError(400, "invalid_request", problem)
        raise _sts_error(problem, None)
    return {name: values[0] for name, values in fields.items()}


def _oauth_error(code: str, description: str) -> Dict[str, Any]:
    return {"error": code, "error_description": description}


def _sts_error(detail: str, parameter: Optional[str]) -> EmulatorError:
    return EmulatorError(400, "invalid_request", detail, title="Invalid Token Request", parameter=parameter)
