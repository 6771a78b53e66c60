"""FakeConfluentCloud: the emulator's public face, its lifecycle and its test controls."""

from __future__ import annotations

import secrets
import threading
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, List, Mapping, Optional, Tuple, Type, Union

from openapi_client.testing._app import Application, RateLimiter
from openapi_client.testing._auth import Authority
from openapi_client.testing._faults import DELAY, DROP, FAIL, RESPOND, Fault, FaultQueue
from openapi_client.testing._handler import EmulatorServer, ServerLimits
from openapi_client.testing._recording import RecordedRequest, RequestLog
from openapi_client.testing._store import Store, new_api_key_id, new_api_secret

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
        self._authority = Authority(self._store, self.api_key, self.api_secret, self.access_token)
        self._faults = FaultQueue()
        self._log = RequestLog(request_log_size, request_log_body_bytes)
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
            (self._bind_host, self._bind_port), self._app, self._faults, self._log, self._limits
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
        the Authorization header is kept as its scheme only (``"Basic ***"``).
        """
        return self._log.snapshot()

    def clear_requests(self) -> None:
        """Forget the requests recorded so far."""
        self._log.clear()

    # -- state control ------------------------------------------------------------------

    def seed_api_keys(
        self,
        count: int,
        *,
        owner: str = "sa-emulator",
        resource: Optional[str] = "lkc-emulator",
        description: Optional[str] = None,
        created_at: Optional[datetime] = None,
    ) -> List[str]:
        """Insert ``count`` API keys directly (no HTTP, no quota) and return their ids.

        ``resource=None`` makes Cloud API keys (no resource); ``created_at`` backdates them
        (e.g. to exercise a rotation of old keys), else they are created now.
        """
        reference = {"id": resource} if resource is not None else None
        return self._store.seed_api_keys(count, {"id": owner}, reference, description, created_at)

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
