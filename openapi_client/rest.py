"""The HTTP transport: one urllib3 pool per client, retries, timeouts, bounded reads."""

from __future__ import annotations

import io
import logging
import ssl
import time
from typing import Any, Dict, Mapping, Optional

import urllib3
from urllib3.exceptions import (
    HTTPError,
    MaxRetryError,
    ProtocolError,
    ProxyError,
    SSLError,
    TimeoutError as Urllib3TimeoutError,
)
from urllib3.util.retry import Retry

from openapi_client.configuration import Configuration, TimeoutValue
from openapi_client.exceptions import (
    REQUEST_ID_HEADER,
    ApiConnectionError,
    ApiResponseError,
    ApiTimeoutError,
    ApiValueError,
)
from openapi_client.rate_limit import RateLimitGate
from openapi_client.retry import ApiRetry, RetrySetting, path_for_log

__all__ = ["RESTClientObject", "RESTResponse"]

_CHUNK = 64 * 1024

logger = logging.getLogger("openapi_client")


class RESTResponse(io.IOBase):
    """A response as the transport received it: status, reason, headers and raw bytes.

    ``data`` is ``None`` until :meth:`read` when the call was made without preloading.
    """

    def __init__(
        self, resp: urllib3.BaseHTTPResponse, data: Optional[bytes], max_bytes: int, request_line: str = ""
    ) -> None:
        self.response = resp
        self.status: int = resp.status
        self.reason: Optional[str] = resp.reason
        self.data = data
        self._max_bytes = max_bytes
        self._request_line = request_line

    @property
    def headers(self) -> Mapping[str, str]:
        return self.response.headers

    def read(self) -> bytes:
        """The whole body (read from the network on first call), at most the size cap."""
        if self.data is None:
            self.data = _read_bounded(self.response, self._max_bytes, self._request_line)
        return self.data

    def getheaders(self) -> Mapping[str, str]:
        """All response headers (case-insensitive)."""
        return self.response.headers

    def getheader(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """One response header, or ``default``."""
        return self.response.headers.get(name, default)

    def stream(self, chunk_size: int = 64 * 1024) -> Any:
        """The body as an iterator of byte chunks, for ``_without_preload_content`` calls."""
        return self.response.stream(chunk_size)

    def release_conn(self) -> None:
        """Give the connection back to the pool (after a partial read, drain it first)."""
        self.response.drain_conn()
        self.response.release_conn()


class RESTClientObject:
    """Sends requests over one ``urllib3.PoolManager`` (connections reused across calls).

    Retries follow ``configuration.retries`` (see :class:`~openapi_client.retry.ApiRetry`);
    network failures raise :class:`ApiConnectionError`/:class:`ApiTimeoutError`; a body
    over ``configuration.max_response_bytes`` or cut short raises :class:`ApiResponseError`.
    """

    def __init__(self, configuration: Configuration) -> None:
        # Retries, timeouts and the size cap are read from the configuration on every call,
        # so changing them on a live client takes effect; pool settings are fixed here.
        self.configuration = configuration
        self._timeout_setting: Any = configuration.timeout
        self._timeout = _timeout(configuration.timeout)
        self.rate_limit = RateLimitGate()
        pool_args: Dict[str, Any] = {
            "maxsize": configuration.connection_pool_maxsize,
            "block": False,
            "cert_reqs": ssl.CERT_REQUIRED if configuration.verify_ssl else ssl.CERT_NONE,
            "ca_certs": configuration.ssl_ca_cert,
            "cert_file": configuration.cert_file,
            "key_file": configuration.key_file,
        }
        if configuration.assert_hostname is not None:
            pool_args["assert_hostname"] = configuration.assert_hostname
        if configuration.tls_server_name:
            pool_args["server_hostname"] = configuration.tls_server_name
        self.pool_manager: urllib3.PoolManager
        if configuration.proxy:
            self.pool_manager = urllib3.ProxyManager(
                proxy_url=configuration.proxy, proxy_headers=configuration.proxy_headers, **pool_args
            )
        else:
            self.pool_manager = urllib3.PoolManager(**pool_args)

    def request(
        self,
        method: str,
        url: str,
        headers: Optional[Mapping[str, str]] = None,
        body: Optional[bytes] = None,
        post_params: Any = None,
        _request_timeout: TimeoutValue = None,
        *,
        retries: RetrySetting = None,
        preload_content: bool = True,
    ) -> RESTResponse:
        """Send one request (retrying as configured) and return its final response."""
        if post_params:
            raise ApiValueError("form parameters are not used by this API", ["post_params"])
        config = self.configuration
        retry = config.retries if retries is None else ApiRetry.from_setting(retries)
        if isinstance(retry, ApiRetry):
            retry = retry.started()
        if _request_timeout is not None:
            timeout = _timeout(_request_timeout)
        else:
            if config.timeout is not self._timeout_setting:
                self._timeout_setting, self._timeout = config.timeout, _timeout(config.timeout)
            timeout = self._timeout
        max_bytes = config.max_response_bytes
        self.rate_limit.wait()
        started = time.perf_counter()
        try:
            resp = self.pool_manager.urlopen(
                method,
                url,
                body=body,
                headers=headers,
                timeout=timeout,
                retries=retry,
                redirect=False,
                preload_content=False,
            )
        except (MaxRetryError, HTTPError) as exc:
            raise _connection_error(exc, method, url) from exc
        self.rate_limit.observe(resp.headers, config.rate_limit_max_wait)
        request_line = f"{method} {_without_query(url)}"
        data = _read_bounded(resp, max_bytes, request_line) if preload_content else None
        if logger.isEnabledFor(logging.DEBUG):
            history = resp.retries.history if isinstance(resp.retries, Retry) else ()
            logger.debug(
                "%s %s -> %d in %.1f ms (request id %s, attempt %d)",
                method,
                path_for_log(url),
                resp.status,
                (time.perf_counter() - started) * 1000.0,
                resp.headers.get(REQUEST_ID_HEADER, "-"),
                len(history) + 1,
            )
        return RESTResponse(resp, data, max_bytes, request_line)

    def clear(self) -> None:
        """Close every pooled connection."""
        self.pool_manager.clear()


def _read_bounded(resp: urllib3.BaseHTTPResponse, max_bytes: int, request_line: str) -> bytes:
    try:
        return _read_within(resp, max_bytes)
    except Urllib3TimeoutError as exc:
        raise ApiTimeoutError(f"timed out reading the response to {request_line} ({exc})") from exc
    except (ProtocolError, HTTPError) as exc:
        raise ApiResponseError(
            f"the response to {request_line} was cut short: {exc}", status=resp.status, headers=resp.headers
        ) from exc


def _read_within(resp: urllib3.BaseHTTPResponse, max_bytes: int) -> bytes:
    length = resp.headers.get("Content-Length")
    if length is not None and length.isdigit() and int(length) > max_bytes:
        resp.close()
        raise ApiResponseError(
            f"the response is {length} bytes, over the {max_bytes}-byte limit (max_response_bytes)",
            status=resp.status,
            headers=resp.headers,
        )
    if length is not None:
        data = resp.read()
    else:
        # Unknown length: read in chunks, not read(max_bytes), which makes some Pythons
        # allocate the whole cap up front for every small answer.
        chunks = []
        received = 0
        for chunk in resp.stream(_CHUNK):
            received += len(chunk)
            if received > max_bytes:
                resp.close()
                raise ApiResponseError(
                    f"the response is over the {max_bytes}-byte limit (max_response_bytes)",
                    status=resp.status,
                    headers=resp.headers,
                )
            chunks.append(chunk)
        data = b"".join(chunks)
    resp.release_conn()
    return data


def _timeout(value: TimeoutValue) -> Optional[urllib3.Timeout]:
    if value is None:
        return None
    if isinstance(value, urllib3.Timeout):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return urllib3.Timeout(total=float(value))
    if isinstance(value, tuple) and len(value) == 2:
        return urllib3.Timeout(connect=value[0], read=value[1])
    raise ApiValueError(
        f"_request_timeout must be seconds or a (connect, read) pair, got {value!r}", ["_request_timeout"]
    )


def _connection_error(exc: Exception, method: str, url: str) -> ApiConnectionError:
    reason: Any = exc.reason if isinstance(exc, MaxRetryError) and exc.reason is not None else exc
    if isinstance(reason, ProxyError) and reason.original_error is not None:
        reason = reason.original_error
    if isinstance(reason, Urllib3TimeoutError):
        return ApiTimeoutError(f"timed out ({reason})", method=method, url=_without_query(url))
    if isinstance(reason, SSLError):
        return ApiConnectionError(f"TLS failure: {reason}", method=method, url=_without_query(url))
    return ApiConnectionError(f"connection failed: {reason}", method=method, url=_without_query(url))


def _without_query(url: str) -> str:
    # Query strings carry filters: keep them out of messages.
    return url.split("?", 1)[0]

