"""IamApiKeysApi: create, list, read, update and delete API keys (iam/v2)."""

from __future__ import annotations

from typing import Iterator, Optional, Union

from typing_extensions import Unpack

from openapi_client.api._base import BaseApi
from openapi_client.api_response import ApiResponse
from openapi_client.exceptions import NotFoundException
from openapi_client.models.iam_v2_api_key import IamV2ApiKey
from openapi_client.models.iam_v2_api_key_list import IamV2ApiKeyList
from openapi_client.models.iam_v2_api_key_update import IamV2ApiKeyUpdate
from openapi_client.models.request_dicts import IamV2ApiKeyDict, IamV2ApiKeyUpdateDict
from openapi_client.models.responses import IamV2ApiKeyCreated, IamV2ApiKeyListItem, IamV2ApiKeyRead
from openapi_client.operation import PAGE_SIZE, PAGE_TOKEN, Body, Operation, Param, RequestOptions
from openapi_client.pagination import iter_items, iter_pages
from openapi_client.rest import RESTResponse
from openapi_client.waiters import wait_until

__all__ = ["IamApiKeysApi"]

_AUTH = ("cloud-api-key", "confluent-sts-access-token")
_ID = Param("id", min_length=1, max_length=255)

LIST = Operation(
    "GET",
    "/iam/v2/api-keys",
    responses={"200": IamV2ApiKeyList},
    auth=_AUTH,
    query_params=(
        Param("spec_owner", "spec.owner"),
        Param("spec_resource", "spec.resource"),
        PAGE_SIZE,
        PAGE_TOKEN,
    ),
    name="list_iam_v2_api_keys",
)
CREATE = Operation(
    "POST",
    "/iam/v2/api-keys",
    responses={"202": IamV2ApiKeyCreated},
    auth=_AUTH,
    body=Body("iam_v2_api_key", IamV2ApiKey),
    required_body_fields=(("spec", "owner"),),
    name="create_iam_v2_api_key",
)
GET = Operation(
    "GET",
    "/iam/v2/api-keys/{id}",
    responses={"200": IamV2ApiKeyRead},
    auth=_AUTH,
    path_params=(_ID,),
    name="get_iam_v2_api_key",
)
UPDATE = Operation(
    "PATCH",
    "/iam/v2/api-keys/{id}",
    responses={"200": IamV2ApiKeyRead},
    auth=_AUTH,
    path_params=(_ID,),
    body=Body("iam_v2_api_key_update", IamV2ApiKeyUpdate, optional=True),
    name="update_iam_v2_api_key",
)
DELETE = Operation(
    "DELETE",
    "/iam/v2/api-keys/{id}",
    responses={"204": None},
    auth=_AUTH,
    path_params=(_ID,),
    name="delete_iam_v2_api_key",
)


class IamApiKeysApi(BaseApi):
    """API keys (iam/v2): access for a user or service account to a cluster or the Cloud APIs.

    Every operation comes in three forms: ``op(...)`` returns the decoded model,
    ``op_with_http_info(...)`` an :class:`ApiResponse` with status and headers too, and
    ``op_without_preload_content(...)`` the raw :class:`RESTResponse`, body unread. Each
    takes the per-call options of :class:`~openapi_client.operation.RequestOptions`.
    """

    # -- list ----------------------------------------------------------------------------

    def list_iam_v2_api_keys(
        self,
        spec_owner: Optional[str] = None,
        spec_resource: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
        **options: Unpack[RequestOptions],
    ) -> IamV2ApiKeyList:
        """One page of API keys, optionally only those of one owner and/or one resource."""
        return self.list_iam_v2_api_keys_with_http_info(
            spec_owner, spec_resource, page_size, page_token, **options
        ).data

    def list_iam_v2_api_keys_with_http_info(
        self,
        spec_owner: Optional[str] = None,
        spec_resource: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
        **options: Unpack[RequestOptions],
    ) -> ApiResponse[IamV2ApiKeyList]:
        """:meth:`list_iam_v2_api_keys` with the response's status and headers."""
        response = self.list_iam_v2_api_keys_without_preload_content(
            spec_owner, spec_resource, page_size, page_token, **options
        )
        return self.api_client.response_deserialize(response, LIST.responses, operation=LIST)

    def list_iam_v2_api_keys_without_preload_content(
        self,
        spec_owner: Optional[str] = None,
        spec_resource: Optional[str] = None,
        page_size: Optional[int] = None,
        page_token: Optional[str] = None,
        **options: Unpack[RequestOptions],
    ) -> RESTResponse:
        """:meth:`list_iam_v2_api_keys` returning the raw response, body unread."""
        query = {
            "spec_owner": spec_owner,
            "spec_resource": spec_resource,
            "page_size": page_size,
            "page_token": page_token,
        }
        return self.api_client.execute(LIST, options, query_params=query, preload_content=False)

    def iter_iam_v2_api_keys_pages(
        self,
        spec_owner: Optional[str] = None,
        spec_resource: Optional[str] = None,
        page_size: Optional[int] = None,
        **options: Unpack[RequestOptions],
    ) -> Iterator[IamV2ApiKeyList]:
        """Every page of the listing, fetched lazily by following ``metadata.next``."""
        return iter_pages(
            lambda token: self.list_iam_v2_api_keys(spec_owner, spec_resource, page_size, token, **options)
        )

    def iter_iam_v2_api_keys(
        self,
        spec_owner: Optional[str] = None,
        spec_resource: Optional[str] = None,
        page_size: Optional[int] = None,
        **options: Unpack[RequestOptions],
    ) -> Iterator[IamV2ApiKeyListItem]:
        """Every API key of the listing, one page held in memory at a time."""
        return iter_items(self.iter_iam_v2_api_keys_pages(spec_owner, spec_resource, page_size, **options))

    # -- create --------------------------------------------------------------------------

    def create_iam_v2_api_key(
        self, iam_v2_api_key: Union[IamV2ApiKey, IamV2ApiKeyDict], **options: Unpack[RequestOptions]
    ) -> IamV2ApiKeyCreated:
        """Create an API key; the answer carries its secret, shown this one time only."""
        return self.create_iam_v2_api_key_with_http_info(iam_v2_api_key, **options).data

    def create_iam_v2_api_key_with_http_info(
        self, iam_v2_api_key: Union[IamV2ApiKey, IamV2ApiKeyDict], **options: Unpack[RequestOptions]
    ) -> ApiResponse[IamV2ApiKeyCreated]:
        """:meth:`create_iam_v2_api_key` with the response's status and headers."""
        response = self.create_iam_v2_api_key_without_preload_content(iam_v2_api_key, **options)
        return self.api_client.response_deserialize(response, CREATE.responses, operation=CREATE)

    def create_iam_v2_api_key_without_preload_content(
        self, iam_v2_api_key: Union[IamV2ApiKey, IamV2ApiKeyDict], **options: Unpack[RequestOptions]
    ) -> RESTResponse:
        """:meth:`create_iam_v2_api_key` returning the raw response, body unread."""
        return self.api_client.execute(CREATE, options, body=iam_v2_api_key, preload_content=False)

    # -- get -----------------------------------------------------------------------------

    def get_iam_v2_api_key(self, id: str, **options: Unpack[RequestOptions]) -> IamV2ApiKeyRead:
        """Read one API key (its secret is never returned again)."""
        return self.get_iam_v2_api_key_with_http_info(id, **options).data

    def get_iam_v2_api_key_with_http_info(
        self, id: str, **options: Unpack[RequestOptions]
    ) -> ApiResponse[IamV2ApiKeyRead]:
        """:meth:`get_iam_v2_api_key` with the response's status and headers."""
        response = self.get_iam_v2_api_key_without_preload_content(id, **options)
        return self.api_client.response_deserialize(response, GET.responses, operation=GET)

    def get_iam_v2_api_key_without_preload_content(self, id: str, **options: Unpack[RequestOptions]) -> RESTResponse:
        """:meth:`get_iam_v2_api_key` returning the raw response, body unread."""
        return self.api_client.execute(GET, options, path_params={"id": id}, preload_content=False)

    def wait_for_iam_v2_api_key(
        self,
        id: str,
        timeout: float = 60.0,
        poll_interval: float = 1.0,
        **options: Unpack[RequestOptions],
    ) -> IamV2ApiKeyRead:
        """Wait until a new API key can be read (404 means not yet), and return it."""

        def poll() -> Optional[IamV2ApiKeyRead]:
            try:
                return self.get_iam_v2_api_key(id, **options)
            except NotFoundException:
                return None

        return wait_until(poll, timeout=timeout, poll_interval=poll_interval, what=f"API key {id}")

    # -- update --------------------------------------------------------------------------

    def update_iam_v2_api_key(
        self,
        id: str,
        iam_v2_api_key_update: Optional[Union[IamV2ApiKeyUpdate, IamV2ApiKeyUpdateDict]] = None,
        **options: Unpack[RequestOptions],
    ) -> IamV2ApiKeyRead:
        """Change an API key's display name and/or description."""
        return self.update_iam_v2_api_key_with_http_info(id, iam_v2_api_key_update, **options).data

    def update_iam_v2_api_key_with_http_info(
        self,
        id: str,
        iam_v2_api_key_update: Optional[Union[IamV2ApiKeyUpdate, IamV2ApiKeyUpdateDict]] = None,
        **options: Unpack[RequestOptions],
    ) -> ApiResponse[IamV2ApiKeyRead]:
        """:meth:`update_iam_v2_api_key` with the response's status and headers."""
        response = self.update_iam_v2_api_key_without_preload_content(id, iam_v2_api_key_update, **options)
        return self.api_client.response_deserialize(response, UPDATE.responses, operation=UPDATE)

    def update_iam_v2_api_key_without_preload_content(
        self,
        id: str,
        iam_v2_api_key_update: Optional[Union[IamV2ApiKeyUpdate, IamV2ApiKeyUpdateDict]] = None,
        **options: Unpack[RequestOptions],
    ) -> RESTResponse:
        """:meth:`update_iam_v2_api_key` returning the raw response, body unread."""
        return self.api_client.execute(
            UPDATE, options, path_params={"id": id}, body=iam_v2_api_key_update, preload_content=False
        )

    # -- delete --------------------------------------------------------------------------

    def delete_iam_v2_api_key(self, id: str, **options: Unpack[RequestOptions]) -> None:
        """Delete an API key; clients using it lose access."""
        self.delete_iam_v2_api_key_with_http_info(id, **options)

    def delete_iam_v2_api_key_with_http_info(self, id: str, **options: Unpack[RequestOptions]) -> ApiResponse[None]:
        """:meth:`delete_iam_v2_api_key` with the response's status and headers."""
        response = self.delete_iam_v2_api_key_without_preload_content(id, **options)
        return self.api_client.response_deserialize(response, DELETE.responses, operation=DELETE)

    def delete_iam_v2_api_key_without_preload_content(self, id: str, **options: Unpack[RequestOptions]) -> RESTResponse:
        """:meth:`delete_iam_v2_api_key` returning the raw response, body unread."""
        return self.api_client.execute(DELETE, options, path_params={"id": id}, preload_content=False)
