"""FakeConfluentCloud: the emulator's public face, its lifecycle and its test controls."""

from __future__ import annotations

import secrets
import threading
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type, Union

from openapi_client.testing._admin import ADMIN_PREFIX, AdminSurface
from openapi_client.testing._app import BYOK_KEYS_PATH, Application, RateLimiter
from openapi_client.testing._auth import Authority
from openapi_client.testing._errors import EmulatorError
from openapi_client.testing._faults import DELAY, DROP, FAIL, RESPOND, Fault, FaultQueue
from openapi_client.testing._handler import EmulatorServer, ServerLimits
from openapi_client.testing._recording import RecordedRequest, Redactor, RequestLog
from openapi_client.testing._records import new_api_key_id, new_api_secret
from openapi_client.testing._store import Store
from openapi_client.testing._wire import OPERATIONS, lone_surrogate_at, read_body

if TYPE_CHECKING:
    from openapi_client.api_client import ApiClient
    from openapi_client.configuration import Configuration

__all__ = ["FakeConfluentCloud"]


class FakeConfluentCloud:
    """An in-memory Confluent Cloud (iam/v2 API keys, byok/v1 keys) on a loopback port.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`::

        with FakeConfluentCloud() as cloud:
            with cloud.api_client() as client:
                IamApiKeysApi(client).list_iam_v2_api_keys()

    ``api_key``/``api_secret`` (HTTP Basic, a Cloud API key) and ``access_token`` (a
    Bearer token that never expires) are accepted on both APIs; random ones are made up
    when not given. So are the credentials of Cloud API keys created through it, Global
    API keys (byok/v1 only) and tokens from its STS endpoint. docs/Testing.md lists every
    knob; each argument below is one of them.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: Optional[str] = None,
        api_secret: Optional[str] = None,
        access_token: Optional[str] = None,
        byok_validation_delay: float = 0.0,
        api_key_visibility_delay: float = 0.0,
        api_key_quota: Optional[int] = None,
        byok_key_quota: Optional[int] = None,
        *,
        api_key_propagation_delay: float = 0.0,
        byok_requires_grant: bool = False,
        rate_limit: Optional[int] = None,
        rate_limit_window: float = 60.0,
        request_log_size: int = 1000,
        request_log_body_bytes: int = 8192,
        idle_timeout: float = 5.0,
        max_connections: int = 512,
        stale_reads: int = 0,
    ) -> None:
        self._bind_host = host
        self._bind_port = port
        self.api_key = api_key or new_api_key_id()
        self.api_secret = api_secret or new_api_secret()
        self.access_token = access_token or secrets.token_urlsafe(32)
        self._store = Store(
            byok_validation_delay=byok_validation_delay,
            api_key_visibility_delay=api_key_visibility_delay,
            api_key_quota=api_key_quota,
            byok_key_quota=byok_key_quota,
            api_key_propagation_delay=api_key_propagation_delay,
            byok_requires_grant=byok_requires_grant,
        )
        self._store.stale_reads = stale_reads
        self._initial_stale_reads = stale_reads
        self._authority = Authority(self._store, self.api_key, self.api_secret, self.access_token)
        self._faults = FaultQueue()
        redactor = Redactor(lambda: [self.api_secret, self.access_token, *self._authority.oauth_client_secrets()])
        self._log = RequestLog(request_log_size, request_log_body_bytes, redactor)
        self._limits = ServerLimits(idle_timeout=idle_timeout, max_connections=max_connections)
        self._app = Application(self._store, self._authority, RateLimiter(rate_limit, rate_limit_window))
        self._server: Optional[EmulatorServer] = None
        self._thread: Optional[threading.Thread] = None
        self._host_url: Optional[str] = None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> FakeConfluentCloud:
        """Bind the port and serve in a background thread (no-op when already running)."""
        if self._server is not None:
            return self
        server = EmulatorServer(
            (self._bind_host, self._bind_port),
            self._app,
            self._faults,
            self._log,
            self._limits,
            AdminSurface(self).handle,
        )
        port = server.server_address[1]
        shown_host = f"[{self._bind_host}]" if ":" in self._bind_host else self._bind_host
        self._host_url = f"http://{shown_host}:{port}"
        self._store.base_url = self._host_url
        self._authority.issuer = self._host_url
        self._thread = threading.Thread(
            target=server.serve_until_stopped,
            name=f"FakeConfluentCloud:{port}",
            daemon=True,
        )
        self._server = server
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and free the port (no-op when stopped)."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.stop_serving()
        thread.join()
        server.close_connections()
        server.server_close()
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeConfluentCloud:
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.stop()

    @property
    def host(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:54321`` (known once started)."""
        if self._host_url is None:
            raise RuntimeError("the emulator has not been started; call start() or use it in a with block")
        return self._host_url

    @property
    def admin_url(self) -> str:
        """The admin surface's base URL (``{host}/_emulator``): the test controls over HTTP, loopback only."""
        return f"{self.host}{ADMIN_PREFIX}"

    @property
    def port(self) -> int:
        """The TCP port the emulator listens on (known once started)."""
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return int(self._server.server_address[1])

    @property
    def connections_accepted(self) -> int:
        """How many TCP connections the emulator has accepted since it started.

        Clients that reuse connections (keep-alive) make far fewer than requests.
        """
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return self._server.connections_accepted

    # -- convenience constructors (the only place the emulator touches the SDK) ----------

    def configuration(self, **overrides: Any) -> Configuration:
        """A :class:`Configuration` pointing at the emulator with valid credentials.

        ``overrides`` are passed on to ``Configuration`` (e.g. ``retries=False``).
        """
        from openapi_client.configuration import Configuration

        settings: dict[str, Any] = {"host": self.host, "username": self.api_key, "password": self.api_secret}
        settings.update(overrides)
        return Configuration(**settings)

    def api_client(self, **overrides: Any) -> ApiClient:
        """An :class:`ApiClient` for :meth:`configuration` with the same ``overrides``."""
        from openapi_client.api_client import ApiClient

        return ApiClient(self.configuration(**overrides))

    def oauth_configuration(self, **overrides: Any) -> Configuration:
        """A :class:`Configuration` that authenticates with OAuth through the emulator.

        Its credentials are a ``ConfluentOAuth`` provider whose subject token comes from a
        client-credentials grant at the emulator's identity provider (a client registered
        for it), exchanged at the emulator's STS for :attr:`identity_pool_id`. ``overrides``
        are passed on to ``Configuration``.
        """
        from openapi_client.configuration import Configuration
        from openapi_client.credentials import ClientCredentialsGrant, ConfluentOAuth

        client_id, client_secret = self.add_oauth_client()
        grant = ClientCredentialsGrant(self.idp_token_url, client_id, client_secret)
        provider = ConfluentOAuth(self.identity_pool_id, grant, sts_url=self.sts_token_url)
        settings: dict[str, Any] = {"host": self.host, "credentials": provider}
        settings.update(overrides)
        return Configuration(**settings)

    # -- fault injection ----------------------------------------------------------------

    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 503,
        path: Optional[str] = None,
        method: Optional[str] = None,
        retry_after: Optional[float] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        """Answer the next ``count`` matching requests with ``status`` and a Failure body.

        ``retry_after`` adds a ``Retry-After`` header (whole seconds, rounded up); a 429
        also carries ``X-RateLimit-Limit``/``Remaining``/``Reset``. ``headers`` add to or
        replace those. ``path`` is a path prefix and ``method`` an HTTP method.
        """
        self._faults.arm(
            Fault(
                FAIL,
                count,
                path,
                method,
                status=status,
                retry_after=retry_after,
                headers=list((headers or {}).items()),
            )
        )

    def drop_next(self, count: int = 1, *, path: Optional[str] = None, method: Optional[str] = None) -> None:
        """Read the next ``count`` matching requests, then close the connection unanswered."""
        self._faults.arm(Fault(DROP, count, path, method))

    def delay_next(
        self, seconds: float, count: int = 1, *, path: Optional[str] = None, method: Optional[str] = None
    ) -> None:
        """Answer the next ``count`` matching requests normally, but ``seconds`` late."""
        self._faults.arm(Fault(DELAY, count, path, method, seconds=seconds))

    def respond_next(
        self,
        count: int = 1,
        *,
        status: int = 200,
        body: Union[bytes, str] = b"",
        content_type: str = "application/json",
        headers: Optional[Mapping[str, str]] = None,
        declared_length: Optional[int] = None,
        path: Optional[str] = None,
        method: Optional[str] = None,
    ) -> None:
        """Answer the next ``count`` matching requests with exactly this raw response.

        ``body`` is bytes, or text sent as UTF-8. A ``declared_length`` above the body's
        length announces more bytes than are sent and closes the connection, so the
        client sees a truncated body.
        """
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogateescape")
        if not isinstance(body, (bytes, bytearray)):
            raise TypeError(f"respond_next: body must be bytes or str, not {type(body).__name__}")
        if not 100 <= status <= 999:
            raise ValueError(f"respond_next: status must be a three-digit HTTP status, got {status}")
        self._faults.arm(
            Fault(
                RESPOND,
                count,
                path,
                method,
                status=status,
                headers=list((headers or {}).items()),
                body=bytes(body),
                content_type=content_type,
                declared_length=declared_length,
            )
        )

    def clear_faults(self) -> None:
        """Disarm every fault not yet used up."""
        self._faults.clear()

    # -- observation --------------------------------------------------------------------

    @property
    def requests(self) -> List[RecordedRequest]:
        """The most recent requests received (faulted and dropped ones too), oldest first.

        At most ``request_log_size`` are kept, each body cut to ``request_log_body_bytes``;
        no credential is kept: the Authorization header keeps its scheme only
        (``"Basic ***"``) and every other credential is ``***`` wherever it appears
        (docs/Testing.md says how they are found).
        """
        return self._log.snapshot()

    def clear_requests(self) -> None:
        """Forget the requests recorded so far."""
        self._log.clear()

    def reset(self) -> None:
        """Back to a freshly started emulator on the same port with the same credentials.

        Forgets every key, armed fault, recorded request, rate-limit window, registered
        OAuth client, revoked token and count; token lifetimes and ``stale_reads`` go back
        to their starting values.
        """
        self._store.reset()
        self._store.stale_reads = self._initial_stale_reads
        self._faults.clear()
        self._log.clear()
        self._app.limiter.reset()
        self._authority.reset()

    # -- reads that lag writes ----------------------------------------------------------

    @property
    def stale_reads(self) -> int:
        """How many reads of a key after each write still see the version before that write.

        0 (the default): every read sees the latest write. With ``K`` above 0, after a key
        is created, updated or deleted, its next ``K`` reads (a GET of it, or a list page
        reaching it) answer as if that write had not happened yet: no key after a create,
        the previous fields after an update, the key still there after a delete. Writes
        always see the latest version. Changing it applies to later writes.
        """
        return self._store.stale_reads

    @stale_reads.setter
    def stale_reads(self, reads: int) -> None:
        self._store.stale_reads = reads

    # -- state control ------------------------------------------------------------------

    def seed_api_keys(
        self,
        count: int,
        *,
        owner: str = "sa-emulator",
        resource: Union[str, Mapping[str, Any], None] = "lkc-emulator",
        description: Optional[str] = None,
        created_at: Optional[datetime] = None,
    ) -> List[str]:
        """Insert ``count`` API keys directly (no HTTP, no quota) and return their ids.

        ``resource=None`` makes Cloud API keys (no resource); a mapping gives the reference
        as the service may spell it (``{"id": "aws.us-east-1", "environment": "env-1"}``: its
        ``id`` and ``environment`` are kept). ``created_at`` backdates them (e.g. to exercise
        a rotation of old keys), else they are created now.
        """
        if isinstance(resource, Mapping):
            if not isinstance(resource.get("id"), str):
                raise ValueError("seed_api_keys: a resource mapping needs a string 'id'")
            reference: Optional[Dict[str, Any]] = {
                name: resource[name] for name in ("id", "environment") if isinstance(resource.get(name), str)
            }
        else:
            reference = {"id": resource} if resource is not None else None
        _check_text({"owner": owner, "resource": reference, "description": description}, "seed_api_keys")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"seed_api_keys: count must be a whole number, 0 or more, got {count!r}")
        return self._store.seed_api_keys(count, {"id": owner}, reference, description, created_at)

    def seed_api_key_documents(self, documents: Sequence[Mapping[str, Any]]) -> List[str]:
        """Insert API keys answered exactly as given, e.g. bodies the real service sent; their ids.

        Each document is kept as it is (every field, every spelling: a resource
        ``{"id": "cloud", "kind": "Cloud"}``, ``"secret": ""``, nanosecond timestamps...);
        only a missing ``id`` is made up. The filters read ``spec.owner.id`` and
        ``spec.resource`` from it; PATCH changes its ``spec.display_name``/``description``.
        A non-empty ``spec.secret`` is the key's secret: its credentials then authenticate
        as its resource allows (a Cloud or Global key opens the Cloud APIs).
        """
        _check_text(list(documents), "seed_api_key_documents")
        return self._store.seed_api_key_documents(documents)

    def seed_byok_key(self, key: Mapping[str, Any], *, display_name: Optional[str] = None) -> str:
        """Register a BYOK key directly (no HTTP, no quota), as a create would; returns its id.

        ``key`` is the create body's ``key``, e.g. ``{"kind": "AwsKey", "key_arn": "arn:..."}``.
        """
        document: Dict[str, Any] = {"key": dict(key)}
        if display_name is not None:
            document["display_name"] = display_name
        _check_text(document, "seed_byok_key")
        try:
            read = read_body(document, _BYOK_CREATE_SCHEMA)
            return str(self._store.create_byok_key(read["key"], read.get("display_name"), seeded=True)["id"])
        except EmulatorError as exc:
            raise ValueError(f"seed_byok_key: {exc.detail}") from None

    def seed_byok_key_documents(self, documents: Sequence[Mapping[str, Any]]) -> List[str]:
        """Insert BYOK keys answered exactly as given, e.g. bodies the real service sent; their ids.

        Kept as they are (``"provider": "AZURE"``, ``"application_id": ""``, no ``validation``...);
        only a missing ``id`` is made up. The filters read the document's fields.
        """
        _check_text(list(documents), "seed_byok_key_documents")
        return self._store.seed_byok_key_documents(documents)

    def add_global_api_key(self, owner: str = "u-emulator") -> Tuple[str, str]:
        """Create a Global API key (resource ``GLOBAL``), usable at once; returns (key, secret).

        Its credentials are accepted on byok/v1 only (the document's ``global-api-key``).
        """
        return self._store.add_api_key_now({"id": owner}, {"id": "GLOBAL"}, "Global API key")

    def flap_api_key_auth(self, key_id: str, times: int = 1) -> None:
        """Refuse the next ``times`` authentications with this API key (401) although it is valid."""
        self._store.flap_api_key_auth(key_id, times)

    def set_byok_validation(
        self, key_id: str, phase: str, message: Optional[str] = None, region: Optional[str] = None
    ) -> None:
        """Set a BYOK key's validation phase (e.g. ``INVALID`` with a message); it then stays."""
        self._store.set_byok_validation(key_id, phase, message, region)

    def grant_byok_access(self, key_id: str) -> None:
        """Act as if the customer applied the key grant in their cloud account.

        With ``byok_requires_grant=True`` a new BYOK key stays INITIALIZING until this is
        called, then turns VALID after ``byok_validation_delay``.
        """
        self._store.grant_byok_access(key_id)

    def set_byok_state(self, key_id: str, state: str) -> None:
        """Set a BYOK key's state, e.g. ``IN_USE`` (then deleting it is refused with 400)."""
        self._store.set_byok_state(key_id, state)

    # -- OAuth: the fake identity provider and the STS ------------------------------------

    @property
    def identity_pool_id(self) -> str:
        """The identity pool the STS endpoint accepts."""
        return self._authority.identity_pool_id

    @property
    def token_lifetime(self) -> float:
        """Seconds an STS-issued token lives at most (default 900; a request may ask for less)."""
        return self._authority.token_lifetime

    @token_lifetime.setter
    def token_lifetime(self, seconds: float) -> None:
        self._authority.token_lifetime = float(seconds)

    @property
    def idp_token_lifetime(self) -> float:
        """Seconds a token from the fake identity provider lives (default 3600)."""
        return self._authority.idp_token_lifetime

    @idp_token_lifetime.setter
    def idp_token_lifetime(self, seconds: float) -> None:
        self._authority.idp_token_lifetime = float(seconds)

    @property
    def sts_exchanges(self) -> int:
        """How many tokens the STS endpoint has issued."""
        return self._authority.sts_exchanges

    @property
    def idp_grants(self) -> int:
        """How many tokens the fake identity provider has issued."""
        return self._authority.idp_grants

    @property
    def idp_token_url(self) -> str:
        """The fake identity provider's token endpoint (client-credentials grant)."""
        return f"{self.host}/oauth2/token"

    @property
    def sts_token_url(self) -> str:
        """The STS token-exchange endpoint."""
        return f"{self.host}/sts/v1/oauth2/token"

    def add_oauth_client(self) -> Tuple[str, str]:
        """Register a client of the fake identity provider; returns (client_id, client_secret)."""
        return self._authority.add_oauth_client()

    def issue_subject_token(self, lifetime: float = 3600.0, subject: str = "emulator-workload") -> str:
        """A token of the fake identity provider the STS accepts (for file or callable sources).

        A ``lifetime`` of 0 or less gives a token already expired.
        """
        return self._authority.subject_token(subject, lifetime)

    def revoke_token(self, token: str) -> None:
        """Refuse this bearer token from now on (401 with ``WWW-Authenticate: Bearer error="invalid_token"``)."""
        self._authority.revoke(token)

    def __repr__(self) -> str:
        where = self._host_url if self._server is not None else "stopped"
        return f"FakeConfluentCloud({where})"


_BYOK_CREATE_SCHEMA = OPERATIONS[("POST", BYOK_KEYS_PATH)].body or {}


def _check_text(value: Any, where: str) -> None:
    """Refuse text no answer could carry (a lone surrogate) before anything is stored."""
    pointer = lone_surrogate_at(value)
    if pointer is not None:
        raise ValueError(f"{where}: the value at '{pointer or '/'}' holds a lone surrogate, which is not text")
