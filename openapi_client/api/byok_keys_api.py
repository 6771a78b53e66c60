"""ByokKeysApi: register, list, read, update and delete customer-managed keys (byok/v1)."""

from __future__ import annotations

from typing import Iterator, Optional, Union

from typing_extensions import Unpack

from openapi_client.api._base import BaseApi
from openapi_client.api_response import ApiResponse
from openapi_client.exceptions import KeyValidationFailedError
from openapi_client.models.byok_v1_key import ByokV1Key
from openapi_client.models.byok_v1_key_list import ByokV1KeyList
from openapi_client.models.byok_v1_key_update import ByokV1KeyUpdate
from openapi_client.models.enums import INVALID, VALID
from openapi_client.models.request_dicts import ByokV1KeyDict, ByokV1KeyUpdateDict
from openapi_client.models.responses import ByokV1KeyCreated, ByokV1KeyListItem, ByokV1KeyRead
from openapi_client.operation import PAGE_SIZE, PAGE_TOKEN, Body, Operation, Param, RequestOptions
from openapi_client.pagination import iter_items, iter_pages
from openapi_client.rest import RESTResponse
from openapi_client.waiters import wait_until

__all__ = ["ByokKeysApi"]

_AUTH = ("cloud-api-key", "global-api-key", "confluent-sts-access-token")
_ID = Param("id", min_length=1, max_length=255)

LIST = Operation(
    "GET",
    "/byok/v1/keys",
    responses={"200": ByokV1KeyList},
    auth=_AUTH,
    query_params=(
        Param("provider"),
        Param("state"),
        Param("display_name"),
        Param("validation_phase"),
        Param("validation_region"),
        Param("key"),
        PAGE_SIZE,
        PAGE_TOKEN,
    ),
    name="list_byok_v1_keys",
)
CREATE = Operation(
    "POST",
    "/byok/v1/keys",
    responses={"201": ByokV1KeyCreated},
    auth=_AUTH,
    body=Body("byok_v1_key", ByokV1Key),
    required_body_fields=(("key", "kind"),),
    name="create_byok_v1_key",
)
GET = Operation(
    "GET",
    "/byok/v1/keys/{id}",
    responses={"200": ByokV1KeyRead},
    auth=_AUTH,
    path_params=(_ID,),
    name="get_byok_v1_key",
)
UPDATE = Operation(
    "PATCH",
    "/byok/v1/keys/{id}",
    responses={"200": ByokV1KeyRead},
    auth=_AUTH,
    path_params=(_ID,),
    body=Body("byok_v1_key_update", ByokV1KeyUpdate, optional=True),
    name="update_byok_v1_key",
)
DELETE = Operation(
    "DELETE",
    "/byok/v1/keys/{id}",
    responses={"204": None},
    auth=_AUTH,
    path_params=(_ID,),
    name="delete_byok_v1_key",
)



class ByokKeysApi(BaseApi):
    """BYOK keys (byok/v1): your own AWS, Azure or GCP keys protecting dedicated clusters.

    Every operation comes in three forms: ``op(...)`` returns the decoded model,
    ``op_with_http_info(...)`` an :class:`ApiResponse` with status and headers too, and
    ``op_without_preload_content(...)`` the raw :class:`RESTResponse`, body unread. Each
    takes the per-call options of :class:`~openapi_client.operation.RequestOptions`.
    """

    # -- list ----------------------------------------------------------------------------

    def list_byok_v1_keys(
        self,
        provider: Optional[str] = None,
        state: Optional[str] = None,
        display_name: Optional[str] = None,
        validation_phase: Optional[str] = None,
        validation_region: Optional[str] = None,
        key: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
        **options: Unpack[RequestOptions],
    ) -> ByokV1KeyList:
        """One page of BYOK keys, optionally filtered (display_name and key match partially)."""
        return self.list_byok_v1_keys_with_http_info(
            provider, state, display_name, validation_phase, validation_region, key, page_size, page_token, **options
        ).data

    def list_byok_v1_keys_with_http_info(
        self,
        provider: Optional[str] = None,
        state: Optional[str] = None,
        display_name: Optional[str] = None,
        validation_phase: Optional[str] = None,
        validation_region: Optional[str] = None,
        key: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
        **options: Unpack[RequestOptions],
    ) -> ApiResponse[ByokV1KeyList]:
        """:meth:`list_byok_v1_keys` with the response's status and headers."""
        response = self.list_byok_v1_keys_without_preload_content(
            provider, state, display_name, validation_phase, validation_region, key, page_size, page_token, **options
        )
        return self.api_client.response_deserialize(response, LIST.responses, operation=LIST)

    def list_byok_v1_keys_without_preload_content(
        self,
        provider: Optional[str] = None,
        state: Optional[str] = None,
        display_name: Optional[str] = None,
        validation_phase: Optional[str] = None,
        validation_region: Optional[str] = None,
        key: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
        **options: Unpack[RequestOptions],
    ) -> RESTResponse:
        """:meth:`list_byok_v1_keys` returning the raw response, body unread."""
        query = {
            "provider": provider,
            "state": state,
            "display_name": display_name,
            "validation_phase": validation_phase,
            "validation_region": validation_region,
            "key": key,
            "page_size": page_size,
            "page_token": page_token,
        }
        return self.api_client.execute(LIST, options, query_params=query, preload_content=False)

    def iter_byok_v1_keys_pages(
        self,
        provider: Optional[str] = None,
        state: Optional[str] = None,
        display_name: Optional[str] = None,
        validation_phase: Optional[str] = None,
        validation_region: Optional[str] = None,
        key: Optional[str] = None,
        page_size: Optional[int] = None,
        **options: Unpack[RequestOptions],
    ) -> Iterator[ByokV1KeyList]:
        """Every page of the listing, fetched lazily by following ``metadata.next``."""
        return iter_pages(
            lambda token: self.list_byok_v1_keys(
                provider, state, display_name, validation_phase, validation_region, key, page_size, token, **options
            )
        )

    def iter_byok_v1_keys(
        self,
        provider: Optional[str] = None,
        state: Optional[str] = None,
        display_name: Optional[str] = None,
        validation_phase: Optional[str] = None,
        validation_region: Optional[str] = None,
        key: Optional[str] = None,
        page_size: Optional[int] = None,
        **options: Unpack[RequestOptions],
    ) -> Iterator[ByokV1KeyListItem]:
        """Every BYOK key of the listing, one page held in memory at a time."""
        return iter_items(
            self.iter_byok_v1_keys_pages(
                provider, state, display_name, validation_phase, validation_region, key, page_size, **options
            )
        )

    # -- create --------------------------------------------------------------------------

    def create_byok_v1_key(
        self, byok_v1_key: Union[ByokV1Key, ByokV1KeyDict], **options: Unpack[RequestOptions]
    ) -> ByokV1KeyCreated:
        """Register a key; Confluent Cloud then validates it (see :meth:`wait_for_byok_v1_key`)."""
        return self.create_byok_v1_key_with_http_info(byok_v1_key, **options).data

    def create_byok_v1_key_with_http_info(
        self, byok_v1_key: Union[ByokV1Key, ByokV1KeyDict], **options: Unpack[RequestOptions]
    ) -> ApiResponse[ByokV1KeyCreated]:
        """:meth:`create_byok_v1_key` with the response's status and headers."""
        response = self.create_byok_v1_key_without_preload_content(byok_v1_key, **options)
        return self.api_client.response_deserialize(response, CREATE.responses, operation=CREATE)

    def create_byok_v1_key_without_preload_content(
        self, byok_v1_key: Union[ByokV1Key, ByokV1KeyDict], **options: Unpack[RequestOptions]
    ) -> RESTResponse:
        """:meth:`create_byok_v1_key` returning the raw response, body unread."""
        return self.api_client.execute(CREATE, options, body=byok_v1_key, preload_content=False)

    # -- get -----------------------------------------------------------------------------

    def get_byok_v1_key(self, id: str, **options: Unpack[RequestOptions]) -> ByokV1KeyRead:
        """Read one BYOK key, with its current state and validation."""
        return self.get_byok_v1_key_with_http_info(id, **options).data

    def get_byok_v1_key_with_http_info(self, id: str, **options: Unpack[RequestOptions]) -> ApiResponse[ByokV1KeyRead]:
        """:meth:`get_byok_v1_key` with the response's status and headers."""
        response = self.get_byok_v1_key_without_preload_content(id, **options)
        return self.api_client.response_deserialize(response, GET.responses, operation=GET)

    def get_byok_v1_key_without_preload_content(self, id: str, **options: Unpack[RequestOptions]) -> RESTResponse:
        """:meth:`get_byok_v1_key` returning the raw response, body unread."""
        return self.api_client.execute(GET, options, path_params={"id": id}, preload_content=False)

    def wait_for_byok_v1_key(
        self,
        id: str,
        timeout: float = 300.0,
        poll_interval: float = 5.0,
        **options: Unpack[RequestOptions],
    ) -> ByokV1KeyRead:
        """Wait until the key's validation leaves INITIALIZING, and return it if VALID.

        Raises :class:`KeyValidationFailedError` (with the service's message) if the key
        is INVALID, and :class:`WaiterTimeoutError` if ``timeout`` seconds pass first.
        """

        def poll() -> Optional[ByokV1KeyRead]:
            key = self.get_byok_v1_key(id, **options)
            phase = key.validation.phase
            if phase == VALID:
                return key
            if phase == INVALID:
                raise KeyValidationFailedError(key)
            return None

        return wait_until(poll, timeout=timeout, poll_interval=poll_interval, what=f"BYOK key {id} to validate")

    # -- update --------------------------------------------------------------------------

    def update_byok_v1_key(
        self,
        id: str,
        byok_v1_key_update: Optional[Union[ByokV1KeyUpdate, ByokV1KeyUpdateDict]] = None,
        **options: Unpack[RequestOptions],
    ) -> ByokV1KeyRead:
        """Change a BYOK key's display name."""
        return self.update_byok_v1_key_with_http_info(id, byok_v1_key_update, **options).data

    def update_byok_v1_key_with_http_info(
        self,
        id: str,
        byok_v1_key_update: Optional[Union[ByokV1KeyUpdate, ByokV1KeyUpdateDict]] = None,
        **options: Unpack[RequestOptions],
    ) -> ApiResponse[ByokV1KeyRead]:
        """:meth:`update_byok_v1_key` with the response's status and headers."""
        response = self.update_byok_v1_key_without_preload_content(id, byok_v1_key_update, **options)
        return self.api_client.response_deserialize(response, UPDATE.responses, operation=UPDATE)

    def update_byok_v1_key_without_preload_content(
        self,
        id: str,
        byok_v1_key_update: Optional[Union[ByokV1KeyUpdate, ByokV1KeyUpdateDict]] = None,
        **options: Unpack[RequestOptions],
    ) -> RESTResponse:
        """:meth:`update_byok_v1_key` returning the raw response, body unread."""
        return self.api_client.execute(
            UPDATE, options, path_params={"id": id}, body=byok_v1_key_update, preload_content=False
        )

    # -- delete --------------------------------------------------------------------------

    def delete_byok_v1_key(self, id: str, **options: Unpack[RequestOptions]) -> None:
        """Delete a BYOK key that no cluster uses (a key IN_USE is refused)."""
        self.delete_byok_v1_key_with_http_info(id, **options)

    def delete_byok_v1_key_with_http_info(self, id: str, **options: Unpack[RequestOptions]) -> ApiResponse[None]:
        """:meth:`delete_byok_v1_key` with the response's status and headers."""
        response = self.delete_byok_v1_key_without_preload_content(id, **options)
        return self.api_client.response_deserialize(response, DELETE.responses, operation=DELETE)

    def delete_byok_v1_key_without_preload_content(self, id: str, **options: Unpack[RequestOptions]) -> RESTResponse:
        """:meth:`delete_byok_v1_key` returning the raw response, body unread."""
        return self.api_client.execute(DELETE, options, path_params={"id": id}, preload_content=False)
