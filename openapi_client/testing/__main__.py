"""``python -m openapi_client.testing``: run the emulator until interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import List, Optional

from openapi_client.configuration import API_KEY_ENV, API_SECRET_ENV, HOST_ENV
from openapi_client.testing.emulator import FakeConfluentCloud


def _parse(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m openapi_client.testing",
        description="Serve an in-memory Confluent Cloud (API keys and BYOK keys) until Ctrl-C.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on; 0 picks a free one (default: 8080)")
    parser.add_argument("--api-key", help="the API key to accept (default: a random one)")
    parser.add_argument("--api-secret", help="the API secret to accept (default: a random one)")
    parser.add_argument("--access-token", help="a bearer token to accept (default: a random one)")
    parser.add_argument(
        "--byok-validation-delay",
        type=float,
        default=0.0,
        help="seconds a new BYOK key stays INITIALIZING before turning VALID (default: 0)",
    )
    parser.add_argument(
        "--api-key-propagation-delay",
        type=float,
        default=0.0,
        help="seconds a new API key's own credentials are refused (default: 0)",
    )
    parser.add_argument(
        "--rate-limit", type=int, help="requests allowed per window and API group; over it, 429 (default: no limit)"
    )
    parser.add_argument(
        "--rate-limit-window", type=float, default=60.0, help="seconds of a rate-limit window (default: 60)"
    )
    parser.add_argument(
        "--stale-reads",
        type=int,
        default=0,
        help="reads of a key after each write that still see it as it was before (default: 0)",
    )
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Start the emulator, print how to reach it, and serve until SIGINT or SIGTERM."""
    args = _parse(argv)
    stop_requested = threading.Event()

    def request_stop(signum: int, frame: Optional[FrameType]) -> None:
        stop_requested.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        cloud = FakeConfluentCloud(
            host=args.host,
            port=args.port,
            api_key=args.api_key,
            api_secret=args.api_secret,
            access_token=args.access_token,
            byok_validation_delay=args.byok_validation_delay,
            api_key_propagation_delay=args.api_key_propagation_delay,
            rate_limit=args.rate_limit,
            rate_limit_window=args.rate_limit_window,
            stale_reads=args.stale_reads,
        )
    except ValueError as exc:
        print(f"invalid option: {exc}", file=sys.stderr)
        return 2
    try:
        cloud.start()
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(f"Confluent Cloud emulator listening on {cloud.host}", flush=True)
    print(f"  API key:      {cloud.api_key}")
    print(f"  API secret:   {cloud.api_secret}")
    print(f"  Access token: {cloud.access_token}")
    print(f"  Identity pool (STS): {cloud.identity_pool_id}")
    print(f"  Admin surface (loopback only): {cloud.admin_url}")
    print("Point the SDK (and examples/quickstart.py) at it from a shell:")
    print(f"  export {HOST_ENV}={cloud.host}")
    print(f"  export {API_KEY_ENV}={cloud.api_key}")
    print(f"  export {API_SECRET_ENV}={cloud.api_secret}")
    print("then Configuration() with no arguments talks to the emulator.")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        while not stop_requested.wait(0.2):
            pass
    finally:
        cloud.stop()
    print("Emulator stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
