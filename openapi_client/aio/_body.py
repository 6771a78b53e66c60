"""Reading an answer's body for the asyncio transport: what aiohttp has received, fed to the
shared :class:`~openapi_client.response_body.BodyDecoder` (content codings undone, the size
cap counted after decoding), within the call's deadline (aiohttp's ``total`` timer, set by
:mod:`openapi_client.aio._timeouts`, runs until the body is read)."""

from __future__ import annotations

import asyncio

import aiohttp

from openapi_client._call import CallPlan, SendFailure
from openapi_client.response_body import BodyDecoder, BodyTooLarge, UnsupportedEncoding

__all__ = ["read_body"]


async def read_body(response: aiohttp.ClientResponse, plan: CallPlan, max_bytes: int) -> bytes:
    """The whole decoded body of ``response``, at most ``max_bytes``; the connection goes back
    to the pool when all of it is read, and is closed when it could not be."""
    try:
        decoder = BodyDecoder(response.headers.get("Content-Encoding"), max_bytes)
    except UnsupportedEncoding as exc:
        response.close()
        raise plan.unsupported_coding_error(str(exc), response.status, response.headers) from None
    content = response.content
    try:
        if decoder.plain and content.is_eof():
            # The usual small answer: all of it arrived with the head and is buffered already.
            data = content.read_nowait()
            if len(data) > max_bytes:
                raise BodyTooLarge
        else:
            while not content.at_eof():
                # aiohttp buffers at most its read_bufsize per connection; readany hands over
                # what has arrived, and the decoder counts it against the cap.
                decoder.feed(await content.readany())
            data = decoder.finish()
    except BodyTooLarge:
        response.close()
        raise plan.too_large_error(max_bytes, response.status, response.headers) from None
    except asyncio.TimeoutError:
        response.close()
        raise plan.failure_error(SendFailure.READ_TIMEOUT, "reading the response") from None
    except BaseException as exc:
        # Cancelled, or broken mid-body: the connection cannot be reused either way.
        response.close()
        if isinstance(exc, (aiohttp.ClientError, ValueError, OSError)):
            raise plan.cut_short_error(exc, response.status, response.headers) from None
        raise
    response.release()
    return data
