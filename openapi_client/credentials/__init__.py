"""Credential providers: what goes into the ``Authorization`` header, and when it changes.

Every provider satisfies :class:`CredentialProvider`. :class:`CloudApiKey`,
:class:`GlobalApiKey` and :class:`BearerToken` hold a fixed credential;
:class:`ConfluentOAuth` exchanges an external identity provider's JWT for a short-lived
Confluent access token at the Security Token Service (``POST /sts/v1/oauth2/token``),
caches it and refreshes it before it expires.

Refresh rules of :class:`ConfluentOAuth`:

- a token is refreshed once less than its *margin* is left: 60 seconds, or a tenth of the
  token's life, whichever is smaller (a 900 s token is refreshed after 840 s, a 300 s one
  after 270 s);
- one thread exchanges while the others wait for its result (single flight), however many
  ask at once; when the exchange fails they all get its error;
- after a 401 from the API the token is refreshed once and the request retried once;
- an exchange made during an API call ends by that call's deadline (its ``total_timeout``):
  its token requests are sent by the client's own transport (``rest.py``, ``aio/rest.py``)
  under the call's plan; a provider of another kind gets ``deadline=`` (a
  ``time.monotonic()`` value) in ``authorization`` and ``on_unauthorized`` when its methods
  accept that keyword;
- a token that has already expired when it arrives (its ``exp`` is past by this machine's
  clock, or ``expires_in`` is not positive) is exchanged once more, then
  :class:`TokenExchangeError` is raised, naming clock skew as the likely cause.

No provider shows a secret or a token in ``repr``, ``str``, logs or exception messages.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence, Tuple

from typing_extensions import Protocol, runtime_checkable

from openapi_client.credentials._base import (
    CLOUD_API_KEY,
    CONFLUENT_STS_ACCESS_TOKEN,
    GLOBAL_API_KEY,
)
from openapi_client.credentials._http import TokenExchangeError
from openapi_client.credentials._oauth import (
    DEFAULT_STS_URL,
    STS_PATH,
    ClientCredentialsGrant,
    ConfluentOAuth,
    SubjectTokenFile,
    SubjectTokenSource,
)
from openapi_client.credentials._static import BearerToken, CloudApiKey, GlobalApiKey
from openapi_client.exceptions import ApiValueError

if TYPE_CHECKING:
    from openapi_client.configuration import Configuration

__all__ = [
    "CredentialProvider",
    "CloudApiKey",
    "GlobalApiKey",
    "BearerToken",
    "ConfluentOAuth",
    "ClientCredentialsGrant",
    "SubjectTokenFile",
    "SubjectTokenSource",
    "TokenExchangeError",
    "select_provider",
    "CLOUD_API_KEY",
    "GLOBAL_API_KEY",
    "CONFLUENT_STS_ACCESS_TOKEN",
    "DEFAULT_STS_URL",
    "STS_PATH",
]


class CredentialProvider(Protocol):
    """What :class:`~openapi_client.configuration.Configuration` takes as ``credentials``.

    ``scheme`` is the security scheme of the API document this provider satisfies.
    """

    scheme: str

    def authorization(self) -> str:
        """The full ``Authorization`` header value, refreshed first when due."""
        ...

    def on_unauthorized(self, rejected: str) -> bool:
        """The service answered 401 to ``rejected``; True when a different, fresh value is
        now available (the caller then retries that request once, never more)."""
        ...

    def needs_refresh(self) -> bool:
        """True when :meth:`authorization` would do network I/O first (async callers then
        call it in a worker thread)."""
        ...

    def secrets(self) -> Tuple[str, ...]:
        """Every sensitive string in use (secret, token, header value), to scrub from output."""
        ...


@runtime_checkable
class _HasAuthorization(Protocol):
    scheme: str

    def authorization(self) -> str: ...


def select_provider(configuration: Configuration, schemes: Sequence[str]) -> CredentialProvider:
    """The first of ``configuration.credentials`` whose scheme the operation accepts.

    Raises :class:`ApiValueError` naming the accepted schemes when none fits (nothing is
    sent then), e.g. an iam/v2 call given only a :class:`GlobalApiKey`.
    """
    accepted = set(schemes)
    providers = configuration.credentials
    for provider in providers:
        if provider.scheme in accepted:
            return provider
    wanted = ", ".join(sorted(accepted)) or "none"
    if not providers:
        raise ApiValueError(
            f"no credentials configured; this operation accepts {wanted}. Pass credentials= to "
            "Configuration, or set CONFLUENT_CLOUD_API_KEY/CONFLUENT_CLOUD_API_SECRET or the "
            "CONFLUENT_OAUTH_* variables (see docs/Authentication.md)"
        )
    have = ", ".join(sorted({p.scheme for p in providers}))
    raise ApiValueError(f"this operation accepts {wanted}, but the configured credentials are {have}")


def authorization_by(provider: CredentialProvider, deadline: Optional[float]) -> str:
    """``provider.authorization()``, ended by ``deadline`` when the provider takes one."""
    if deadline is not None and _takes_deadline(provider.authorization):
        authorization: Any = provider.authorization  # the protocol's signature has no deadline
        return str(authorization(deadline=deadline))
    return provider.authorization()


def renewed_by(provider: CredentialProvider, rejected: str, deadline: Optional[float]) -> bool:
    """``provider.on_unauthorized(rejected)``, ended by ``deadline`` when the provider takes one."""
    if deadline is not None and _takes_deadline(provider.on_unauthorized):
        on_unauthorized: Any = provider.on_unauthorized
        return bool(on_unauthorized(rejected, deadline=deadline))
    return provider.on_unauthorized(rejected)


def _takes_deadline(method: Callable[..., Any]) -> bool:
    # Providers written before the keyword existed are called without it. Asked only when
    # a renewal is due, of the method itself (an instance may replace its class's).
    try:
        return "deadline" in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


def as_providers(credentials: Any) -> Tuple[CredentialProvider, ...]:
    """``credentials`` (one provider, a sequence of them, or None) as a checked tuple."""
    if credentials is None:
        return ()
    items = (credentials,) if isinstance(credentials, _HasAuthorization) else credentials
    try:
        providers = tuple(items)
    except TypeError:
        raise ApiValueError(
            f"credentials must be a credential provider or a sequence of them, got {type(credentials).__name__}"
        ) from None
    for provider in providers:
        if isinstance(provider, type):
            raise ApiValueError(f"credentials: pass an instance, e.g. {provider.__name__}(...), not the class")
        if not isinstance(provider, _HasAuthorization):
            raise ApiValueError(f"credentials: {type(provider).__name__} is not a credential provider")
    return providers
