"""Every operation of the API, described once.

Each :class:`~openapi_client._operation_types.Operation` below holds the facts of one operation:
its path and method, its parameters and their limits, its body, its documented answers, the
security schemes it accepts, its doc text and the helpers (pagination, waiter) it has.

``tools/generate.py`` (``./dev generate``) writes from these descriptions the API classes
(``openapi_client/api/*.py``), the operation parts of their docs pages and the README's
table of endpoints; ``test/test_generated.py`` fails when any of those is stale. At run time
the generated methods hand their description to ``ApiClient.execute``. The contract test
checks every description against ``openapi.json``.

To add an operation: describe it here, add it to its :class:`ApiDescription`, run
``./dev generate``, then write its example and prose in the docs page's hand-written parts.
"""

from __future__ import annotations

from typing import Tuple

from openapi_client._operation_types import (
    PAGE_SIZE,
    PAGE_TOKEN,
    ApiDescription,
    Body,
    Operation,
    Pagination,
    Param,
    Response,
    Waiter,
)

__all__ = [
    "API_DESCRIPTIONS",
    "BYOK_KEYS",
    "CREATE_BYOK_V1_KEY",
    "CREATE_IAM_V2_API_KEY",
    "DELETE_BYOK_V1_KEY",
    "DELETE_IAM_V2_API_KEY",
    "GET_BYOK_V1_KEY",
    "GET_IAM_V2_API_KEY",
    "HEADER_DOCS",
    "IAM_API_KEYS",
    "SCHEME_DOCS",
    "LIST_BYOK_V1_KEYS",
    "LIST_IAM_V2_API_KEYS",
    "UPDATE_BYOK_V1_KEY",
    "UPDATE_IAM_V2_API_KEY",
]

HEADER_DOCS = {
    "X-Request-Id": "the service's id for this request",
    "Location": "the URL of the key concerned",
    "WWW-Authenticate": "what is wrong with the credentials",
    "X-RateLimit-Limit": "requests allowed per window",
    "X-RateLimit-Remaining": "requests left in this window",
    "X-RateLimit-Reset": "seconds until the window resets",
    "Retry-After": "seconds to wait before trying again",
}
"""What each response header carries, for the docs' status tables."""

SCHEME_DOCS = {
    "cloud-api-key": "HTTP Basic with a Cloud API key and its secret",
    "global-api-key": "HTTP Basic with a Global API key and its secret",
    "confluent-sts-access-token": "a bearer token from Confluent's token service (STS)",
}
"""What each security scheme of the document means, for the docs' authorization sections."""

# -- pieces several operations share -----------------------------------------------------

IAM_AUTH = ("cloud-api-key", "confluent-sts-access-token")
BYOK_AUTH = ("cloud-api-key", "global-api-key", "confluent-sts-access-token")

_RATE_LIMIT = ("X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
_UNAUTHORIZED = Response("401", "Missing or wrong credentials.", headers=("X-Request-Id", "WWW-Authenticate"))
_MALFORMED = Response("400", "The request is malformed.")
_FAILED = Response("500", "The service failed.")
_FAILED_NOT_RETRIED = Response("500", "The service failed; not retried.")


_THROTTLED = Response(
    "429", "Rate limit reached; retried by the default policy first.", headers=(*_RATE_LIMIT, "Retry-After")
)
_CONFLICT_HEADERS = ("X-Request-Id", "Location")


def _id(what: str, example: str = "") -> Param:
    return Param("id", min_length=1, max_length=255, doc=f"The {what}{example}.")


# -- API keys (iam/v2) -----------------------------------------------------------------------

LIST_IAM_V2_API_KEYS = Operation(
    name="list_iam_v2_api_keys",
    method="GET",
    path="/iam/v2/api-keys",
    summary="One page of API keys, optionally of one owner and/or one resource",
    description="Secrets are never listed. `iter_iam_v2_api_keys` follows the pages for you.",
    auth=IAM_AUTH,
    query_params=(
        Param(
            "spec_owner",
            "spec.owner",
            doc="Only keys whose `spec.owner` is exactly this id (a user `u-...` or service account `sa-...`).",
            note="exact match",
        ),
        Param(
            "spec_resource",
            "spec.resource",
            doc="Only keys whose `spec.resource` is exactly this id (e.g. a cluster `lkc-...`).",
            note="exact match",
        ),
        PAGE_SIZE,
        PAGE_TOKEN,
    ),
    outcomes=(
        Response("200", "A page of API keys.", "IamV2ApiKeyList", headers=_RATE_LIMIT),
        Response("400", "A filter or paging parameter the service refuses."),
        _UNAUTHORIZED,
        Response("403", "The credentials may not list keys."),
        _THROTTLED,
        _FAILED,
    ),
    pagination=Pagination("iter_iam_v2_api_keys", "iter_iam_v2_api_keys_pages", "IamV2ApiKeyListItem", "API key"),
)

CREATE_IAM_V2_API_KEY = Operation(
    name="create_iam_v2_api_key",
    method="POST",
    path="/iam/v2/api-keys",
    summary="Create an API key; the answer carries its secret, this one time",
    description="Store the secret at once: no later read returns it.",
    auth=IAM_AUTH,
    body=Body(
        "iam_v2_api_key",
        "IamV2ApiKey",
        doc="The key to create. `spec` and `spec.owner` must be set; read-only fields, if set, are not sent. "
        "An `IamV2ApiKeyDict` of the same shape is accepted too.",
    ),
    required_body_fields=(("spec", "owner"),),
    outcomes=(
        Response(
            "202",
            "Accepted: the new API key, with its secret (returned this once).",
            "IamV2ApiKeyCreated",
            headers=(*_RATE_LIMIT, "Location"),
        ),
        _MALFORMED,
        _UNAUTHORIZED,
        Response("402", "The organization's API key quota would be exceeded."),
        Response("403", "The credentials may not create keys for this owner or resource."),
        Response("409", "The request conflicts with the current state.", headers=_CONFLICT_HEADERS),
        Response("422", "The body is well formed but invalid, e.g. an unknown owner."),
        _THROTTLED,
        Response("500", "The service failed; not retried (the key may exist)."),
    ),
    returns_doc="with `spec.secret` set",
)

GET_IAM_V2_API_KEY = Operation(
    name="get_iam_v2_api_key",
    method="GET",
    path="/iam/v2/api-keys/{id}",
    summary="Read an API key (without its secret)",
    auth=IAM_AUTH,
    path_params=(_id("API key to read"),),
    outcomes=(
        Response("200", "The API key.", "IamV2ApiKeyRead", headers=_RATE_LIMIT),
        _MALFORMED,
        _UNAUTHORIZED,
        Response("403", "The credentials may not read this key."),
        Response("404", "No such API key, not visible to these credentials, or (just after creation) not visible yet."),
        _THROTTLED,
        _FAILED,
    ),
    waiter=Waiter(
        method="wait_for_iam_v2_api_key",
        readiness="API_KEY_READABLE",
        timeout=60.0,
        poll_interval=1.0,
        summary="Wait until a new API key can be read, and return it",
        doc="Any other error is raised at once.",
        returns_doc="once readable. Raises `WaiterTimeoutError` (a `TimeoutError`) when `timeout` passes first, "
        "and any other error of `get_iam_v2_api_key` (401, 403, ...) at once.",
    ),
)

UPDATE_IAM_V2_API_KEY = Operation(
    name="update_iam_v2_api_key",
    method="PATCH",
    path="/iam/v2/api-keys/{id}",
    summary="Change an API key's display name and/or description",
    description="Only the fields set on the update are sent; the others keep their values.",
    auth=IAM_AUTH,
    path_params=(_id("API key to change"),),
    body=Body(
        "iam_v2_api_key_update",
        "IamV2ApiKeyUpdate",
        optional=True,
        doc="The changes. Only fields that were set are sent; read-only fields never are. A `dict` is accepted too.",
    ),
    outcomes=(
        Response("200", "The API key after the change.", "IamV2ApiKeyRead", headers=_RATE_LIMIT),
        _MALFORMED,
        _UNAUTHORIZED,
        Response("402", "The change would exceed a quota."),
        Response("403", "The credentials may not change this key."),
        Response("404", "No such API key, or not visible to these credentials."),
        Response("409", "The change conflicts with the key's current state.", headers=_CONFLICT_HEADERS),
        Response("422", "The body is well formed but invalid, e.g. it tries to change a fixed field."),
        _THROTTLED,
        _FAILED_NOT_RETRIED,
    ),
)

DELETE_IAM_V2_API_KEY = Operation(
    name="delete_iam_v2_api_key",
    method="DELETE",
    path="/iam/v2/api-keys/{id}",
    summary="Delete an API key",
    description="Clients using it lose access.",
    auth=IAM_AUTH,
    path_params=(_id("API key to delete"),),
    outcomes=(
        Response("204", "The API key is being deleted; no body.", headers=_RATE_LIMIT),
        _MALFORMED,
        _UNAUTHORIZED,
        Response("403", "The credentials may not delete this key."),
        Response("404", "No such API key, or not visible to these credentials."),
        _THROTTLED,
        _FAILED,
    ),
    waiter=Waiter(
        method="wait_for_iam_v2_api_key_deleted",
        readiness="API_KEY_DELETED",
        timeout=60.0,
        poll_interval=1.0,
        summary="Wait until a deleted API key is gone",
        doc="A 404, or a 403 not refusing the caller's own key, means gone (`readiness.is_gone`).",
        returns_doc="once gone. Raises `WaiterTimeoutError` (a `TimeoutError`) when `timeout` passes first, "
        "and any other error of `get_iam_v2_api_key` (401, a 403 naming an invalid API key, ...) at once.",
        polls="get_iam_v2_api_key",
        until_gone=True,
    ),
)

IAM_API_KEYS = ApiDescription(
    class_name="IamApiKeysApi",
    module="iam_api_keys_api",
    summary="API keys (iam/v2): access for a user or service account to a cluster or the Cloud APIs.",
    operations=(
        CREATE_IAM_V2_API_KEY,
        DELETE_IAM_V2_API_KEY,
        GET_IAM_V2_API_KEY,
        LIST_IAM_V2_API_KEYS,
        UPDATE_IAM_V2_API_KEY,
    ),
)

# -- BYOK keys (byok/v1) ---------------------------------------------------------------------

_CCK = ", e.g. `cck-4ad2x1`"

LIST_BYOK_V1_KEYS = Operation(
    name="list_byok_v1_keys",
    method="GET",
    path="/byok/v1/keys",
    summary="One page of keys, optionally filtered",
    description="`display_name` and `key` match partially, the other filters exactly.",
    auth=BYOK_AUTH,
    query_params=(
        Param("provider", doc="Only keys of this cloud: {providers}.", note="exact match"),
        Param("state", doc="Only keys in this state: {key_states}.", note="exact match"),
        Param("display_name", doc="Only keys whose display name contains this text.", note="partial match"),
        Param(
            "validation_phase",
            doc="Only keys in this validation phase: {validation_phases}.",
            note="exact match",
        ),
        Param("validation_region", doc="Only keys in this cloud region, e.g. `us-west-2`.", note="exact match"),
        Param(
            "key",
            doc="Only keys whose identifier contains this text: {identifiers}.",
            note="partial match",
        ),
        PAGE_SIZE,
        PAGE_TOKEN,
    ),
    outcomes=(
        Response("200", "A page of keys.", "ByokV1KeyList", headers=_RATE_LIMIT),
        Response("400", "A filter or paging parameter the service refuses."),
        _UNAUTHORIZED,
        Response("403", "The credentials may not list keys."),
        _THROTTLED,
        _FAILED,
    ),
    pagination=Pagination("iter_byok_v1_keys", "iter_byok_v1_keys_pages", "ByokV1KeyListItem", "BYOK key"),
)

CREATE_BYOK_V1_KEY = Operation(
    name="create_byok_v1_key",
    method="POST",
    path="/byok/v1/keys",
    summary="Register a key; Confluent Cloud then validates it",
    description="`wait_for_byok_v1_key` waits for the validation to end.",
    auth=BYOK_AUTH,
    body=Body(
        "byok_v1_key",
        "ByokV1Key",
        doc="The key to register. `key` (with its `kind`) must be set; read-only fields, if set, are not sent. "
        "A `ByokV1KeyDict` of the same shape is accepted too.",
    ),
    required_body_fields=(("key", "kind"),),
    outcomes=(
        Response(
            "201",
            "The key was registered; its validation has started.",
            "ByokV1KeyCreated",
            headers=(*_RATE_LIMIT, "Location"),
        ),
        _MALFORMED,
        _UNAUTHORIZED,
        Response("402", "The organization's BYOK key quota would be exceeded."),
        Response("403", "The credentials may not register keys."),
        Response("409", "This key is already registered.", headers=_CONFLICT_HEADERS),
        Response("422", "The body is well formed but invalid, e.g. a key without its required fields."),
        _THROTTLED,
        Response("500", "The service failed; not retried (the key may be registered)."),
    ),
)

GET_BYOK_V1_KEY = Operation(
    name="get_byok_v1_key",
    method="GET",
    path="/byok/v1/keys/{id}",
    summary="Read a key, with its state and validation",
    auth=BYOK_AUTH,
    path_params=(_id("key to read", _CCK),),
    outcomes=(
        Response("200", "The key.", "ByokV1KeyRead", headers=_RATE_LIMIT),
        _MALFORMED,
        _UNAUTHORIZED,
        Response("403", "The credentials may not read this key."),
        Response("404", "No such key, or not visible to these credentials."),
        _THROTTLED,
        _FAILED,
    ),
    waiter=Waiter(
        method="wait_for_byok_v1_key",
        readiness="BYOK_KEY_VALIDATED",
        timeout=300.0,
        poll_interval=5.0,
        summary="Wait until a key's validation ends; return it if VALID",
        doc="An INVALID key raises `KeyValidationFailedError` with the service's message.",
        returns_doc="validated. Raises `KeyValidationFailedError` or `WaiterTimeoutError` as above (see "
        "[Errors](Errors.md#waiters-waitertimeouterror-and-keyvalidationfailederror)).",
    ),
)

UPDATE_BYOK_V1_KEY = Operation(
    name="update_byok_v1_key",
    method="PATCH",
    path="/byok/v1/keys/{id}",
    summary="Change a key's display name",
    auth=BYOK_AUTH,
    path_params=(_id("key to change", _CCK),),
    body=Body(
        "byok_v1_key_update",
        "ByokV1KeyUpdate",
        optional=True,
        doc="The changes. Only fields that were set are sent; read-only fields never are. A `dict` is accepted too.",
    ),
    outcomes=(
        Response("200", "The key after the change.", "ByokV1KeyRead", headers=_RATE_LIMIT),
        _MALFORMED,
        _UNAUTHORIZED,
        Response("402", "The change would exceed a quota."),
        Response("403", "The credentials may not change this key."),
        Response("404", "No such key, or not visible to these credentials."),
        Response("409", "The change conflicts with the current state.", headers=_CONFLICT_HEADERS),
        Response("422", "The body is well formed but invalid."),
        _THROTTLED,
        _FAILED_NOT_RETRIED,
    ),
)

DELETE_BYOK_V1_KEY = Operation(
    name="delete_byok_v1_key",
    method="DELETE",
    path="/byok/v1/keys/{id}",
    summary="Delete a key that no cluster uses",
    description="A key `IN_USE` is refused.",
    auth=BYOK_AUTH,
    path_params=(_id("key to delete", _CCK),),
    outcomes=(
        Response("204", "The key is being deleted; no body.", headers=_RATE_LIMIT),
        Response("400", "The key cannot be deleted, e.g. because a cluster uses it."),
        _UNAUTHORIZED,
        Response("403", "The credentials may not delete this key."),
        Response("404", "No such key, or not visible to these credentials."),
        _THROTTLED,
        _FAILED,
    ),
    waiter=Waiter(
        method="wait_for_byok_v1_key_deleted",
        readiness="BYOK_KEY_DELETED",
        timeout=60.0,
        poll_interval=1.0,
        summary="Wait until a deleted key is gone",
        doc="A 404, or a 403 not refusing the caller's own key, means gone (`readiness.is_gone`).",
        returns_doc="once gone. Raises `WaiterTimeoutError` (a `TimeoutError`) when `timeout` passes first, "
        "and any other error of `get_byok_v1_key` at once.",
        polls="get_byok_v1_key",
        until_gone=True,
    ),
)

BYOK_KEYS = ApiDescription(
    class_name="ByokKeysApi",
    module="byok_keys_api",
    summary="BYOK keys (byok/v1): your own AWS, Azure or GCP keys protecting dedicated clusters.",
    operations=(
        CREATE_BYOK_V1_KEY,
        DELETE_BYOK_V1_KEY,
        GET_BYOK_V1_KEY,
        LIST_BYOK_V1_KEYS,
        UPDATE_BYOK_V1_KEY,
    ),
)

API_DESCRIPTIONS: Tuple[ApiDescription, ...] = (IAM_API_KEYS, BYOK_KEYS)
