"""What "ready" and "gone" mean for each ``wait_for_*`` helper, written once for sync and async.

A :class:`Readiness` judges one read of an object: ready (return it), not yet (poll
again), or failed (raise). An :class:`Absence` judges the reads of an object being deleted:
still there (poll again), gone (done, by :func:`is_gone`), or failed (raise). Neither does
I/O or sleeps: the sync helpers poll through :func:`openapi_client.waiters.wait_until`, the
async ones through its twin in :mod:`openapi_client.aio.waiters`. The operation descriptions
(:mod:`openapi_client._descriptions`) name one per waiter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Iterable, Optional, Tuple, Type, TypeVar

from openapi_client._redaction import Redactor
from openapi_client.exceptions import ApiException, KeyValidationFailedError, NotFoundException
from openapi_client.models.enums import INVALID, VALID

if TYPE_CHECKING:
    from openapi_client.models.responses import ByokV1KeyRead

__all__ = [
    "API_KEY_DELETED",
    "API_KEY_READABLE",
    "Absence",
    "BYOK_KEY_DELETED",
    "BYOK_KEY_VALIDATED",
    "Readiness",
    "is_gone",
]

T = TypeVar("T")
Secrets = Callable[[], Iterable[str]]
"""The secrets a client has in use now (they change as credentials renew)."""


@dataclass(frozen=True)
class Readiness:
    """A condition on the result of a read, and the errors that only mean "not yet"."""

    what: str
    """What is waited for, with ``{id}`` for the object's id (for messages and logs)."""
    is_ready: Callable[[Any, Redactor], bool]
    """True when the object read is what the caller waits for; raises when it never will be
    (the redactor masks the client's secrets in what the error quotes of the object)."""
    not_yet: Tuple[Type[Exception], ...] = ()
    failures: Tuple[Tuple[Type[Exception], str], ...] = ()
    """What ``is_ready`` raises when the object never will be ready, and when (for docstrings)."""

    def describe(self, id: str) -> str:
        return self.what.format(id=id)

    def poller(self, read: Callable[[], T], secrets: Optional[Secrets] = None) -> Callable[[], Optional[T]]:
        """A poll function for ``wait_until``: the object once ready, else ``None``.
        ``secrets``: the client's secrets in use, which an error quoting the object masks."""

        def poll() -> Optional[T]:
            try:
                value = read()
            except self.not_yet:
                return None
            return value if self.is_ready(value, _redactor(secrets)) else None

        return poll

    def async_poller(
        self, read: Callable[[], Awaitable[T]], secrets: Optional[Secrets] = None
    ) -> Callable[[], Awaitable[Optional[T]]]:
        """:meth:`poller` for a coroutine ``read``: the same judgement, awaited."""

        async def poll() -> Optional[T]:
            try:
                value = await read()
            except self.not_yet:
                return None
            return value if self.is_ready(value, _redactor(secrets)) else None

        return poll


def _redactor(secrets: Optional[Secrets]) -> Redactor:
    return Redactor(secrets()) if secrets is not None else Redactor()


def _always(_: Any, __: Redactor) -> bool:
    return True


def _validated(key: ByokV1KeyRead, redactor: Redactor) -> bool:
    phase = key.validation.phase
    if phase == INVALID:
        raise KeyValidationFailedError(key, redactor=redactor)
    return phase == VALID


API_KEY_READABLE = Readiness("API key {id}", _always, not_yet=(NotFoundException,))
"""A new API key can be read: right after a create the service may answer 404 for a while."""

BYOK_KEY_VALIDATED = Readiness(
    "BYOK key {id} to validate",
    _validated,
    failures=((KeyValidationFailedError, "The validation ended INVALID; the error carries the key and its message"),),
)
"""A BYOK key's validation ended VALID; INVALID raises :class:`KeyValidationFailedError`."""


# The words of a 403 that refuses the caller's own credentials rather than hiding an object.
_INVALID_CREDENTIALS_MARK = "invalid api key"


def is_gone(error: BaseException) -> bool:
    """Whether ``error``, raised by a read or delete of an object known to exist, says it is gone.

    True for a 404, and for a 403 unless its body says the caller's API key is invalid:
    Confluent Cloud answers reads of a deleted API key ``403`` with code
    ``forbidden_access``, so as not to tell strangers which ids exist. This is the rule of
    Confluent's own Terraform provider (``isNonKafkaRestApiResourceNotFound``). False for
    every other error, and for anything that is not an :class:`ApiException`.

    A 403 is ambiguous on its own: it also answers a caller who may not see the object. Ask
    only about an object these credentials could use a moment ago (after deleting it, or
    when deleting it again); right after a create, 404 and 403 mean "not visible yet".
    """
    if not isinstance(error, ApiException):
        return False
    if error.status == 404:
        return True
    if error.status == 403:
        return _INVALID_CREDENTIALS_MARK not in (error.body or "").casefold()
    return False


@dataclass(frozen=True)
class Absence:
    """The condition of a deletion waiter: poll a read until :func:`is_gone` says its error means gone.

    A successful read means "still there"; any other error is raised at once. The poll
    functions return ``True`` once the object is gone, ``None`` while it is not.
    """

    what: str
    """What is waited for, with ``{id}`` for the object's id (for messages and logs)."""

    def describe(self, id: str) -> str:
        return self.what.format(id=id)

    def poller(self, read: Callable[[], object]) -> Callable[[], Optional[bool]]:
        """A poll function for ``wait_until``: ``True`` once gone, else ``None``."""

        def poll() -> Optional[bool]:
            try:
                read()
            except ApiException as error:
                if is_gone(error):
                    return True
                raise
            return None

        return poll

    def async_poller(self, read: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[Optional[bool]]]:
        """:meth:`poller` for a coroutine ``read``: the same judgement, awaited."""

        async def poll() -> Optional[bool]:
            try:
                await read()
            except ApiException as error:
                if is_gone(error):
                    return True
                raise
            return None

        return poll


API_KEY_DELETED = Absence("API key {id} to be deleted")
"""A deleted API key is gone: its reads answer 404, or 403 ``forbidden_access``."""

BYOK_KEY_DELETED = Absence("BYOK key {id} to be deleted")
"""A deleted BYOK key is gone: its reads answer 404, or 403 (see :func:`is_gone`)."""
