"""openapi_client.aio: the asyncio client, sending its requests through aiohttp.

The same surface as the sync client, as coroutines::

    async with aio.ApiClient(configuration) as client:
        key = await aio.IamApiKeysApi(client).get_iam_v2_api_key("HDS3YFUAYMZL4GDB")

Models, :class:`~openapi_client.Configuration`, exceptions and credential providers are the
sync client's own objects; request building, retry decisions, deadlines, rate-limit pacing,
the response size cap, redaction and error classification come from the same core. Only
the I/O differs.

aiohttp is an optional dependency: ``pip install "confluent-cloud-keys-sdk[asyncio]"``.
"""

from __future__ import annotations

try:
    import aiohttp  # noqa: F401  (checked here so the error names the extra)
except ImportError as missing:
    raise ImportError(
        "openapi_client.aio needs aiohttp, which the 'asyncio' extra installs: "
        'pip install "confluent-cloud-keys-sdk[asyncio]"',
        name=__name__,
    ) from missing

from openapi_client.aio.api.byok_keys_api import ByokKeysApi
from openapi_client.aio.api.iam_api_keys_api import IamApiKeysApi
from openapi_client.aio.api_client import ApiClient
from openapi_client.aio.rest import RESTClientObject, RESTResponse

__all__ = ["ApiClient", "ByokKeysApi", "IamApiKeysApi", "RESTClientObject", "RESTResponse"]
