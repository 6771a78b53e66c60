"""The asyncio transport's aiohttp session, the twin of the sync transport's pools: one
connector of at most ``connection_pool_maxsize`` connections with the configuration's TLS
settings, and a session that adds nothing of its own (no decompression, no cookies, no
timeout: each attempt brings its own, :mod:`openapi_client.aio._timeouts`)."""

from __future__ import annotations

import ssl
from typing import Optional

import aiohttp

from openapi_client.configuration import Configuration

__all__ = ["new_session", "server_hostname"]


def new_session(config: Configuration) -> aiohttp.ClientSession:
    """A session for a client of its own (made inside the running event loop)."""
    connector = aiohttp.TCPConnector(
        limit=config.connection_pool_maxsize,
        ssl=_ssl_context(config),
    )
    return aiohttp.ClientSession(
        connector=connector,
        auto_decompress=False,
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=None),
    )


def server_hostname(config: Configuration) -> Optional[str]:
    """The name the server's certificate is checked against when it is not the URL's host."""
    if config.tls_server_name:
        return config.tls_server_name
    return config.assert_hostname if isinstance(config.assert_hostname, str) else None


_default_context: Optional[ssl.SSLContext] = None


def _ssl_context(config: Configuration) -> ssl.SSLContext:
    """The TLS settings of the configuration, as the sync client applies them.

    Clients with the default settings share one context: loading the system's CA store
    takes tens of milliseconds, paid once per process rather than per client. A context
    naming a CA file is made anew each time, so that a renewed file is read again.
    """
    global _default_context
    if config.verify_ssl and config.assert_hostname is not False and not (config.ssl_ca_cert or config.cert_file):
        if _default_context is None:
            _default_context = ssl.create_default_context()
        return _default_context
    context = ssl.create_default_context(cafile=config.ssl_ca_cert)
    if not config.verify_ssl:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif config.assert_hostname is False:
        context.check_hostname = False
    if config.cert_file:
        context.load_cert_chain(config.cert_file, config.key_file)
    return context
