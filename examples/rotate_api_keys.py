#!/usr/bin/env python3
"""Rotate the API keys of an owner (or resource) that are older than N days.

A thin command line over ``openapi_client.workflows.rotate_api_keys``: for every selected
key a replacement is created for the same owner and resource, waited on until usable,
handed over (written to --secrets-file, mode 0600, before the old key goes), and then the
old key is deleted. With --dry-run nothing changes and the plan is printed. A progress
bar goes to stderr; one line per key to stdout, secrets masked.

    python examples/rotate_api_keys.py --owner sa-abc123 --older-than-days 90 \\
        --secrets-file new-keys.json [--resource lkc-abc123] [--workers 4] [--dry-run]

--owner or --resource is required; --all instead takes the old keys of every owner and
resource the credentials can list, and must be asked for by name.

Overlapping runs are safe: each run claims a key before replacing it, and skips keys
another run holds (reported as "skipped"). --run-id names the run in those claims; a job
restarted after a crash may pass its earlier id to take its claims back at once.

Credentials come from CONFLUENT_CLOUD_API_KEY / CONFLUENT_CLOUD_API_SECRET. Without them
the script runs against the embedded emulator, seeded with a few old keys, and says so.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
import threading
from typing import Dict, Generator, List, Optional, TextIO, Tuple

import openapi_client
from openapi_client import Configuration
from openapi_client.workflows import (
    KeyHandover,
    KeySelection,
    LeaseOptions,
    Outcome,
    RotationResult,
    RotationSummary,
    UsabilityOptions,
    rotate_api_keys,
)

# The emulator's reads never lag and its calls are quick: a short claim is safe there. Against
# Confluent Cloud the defaults hold (docs/Workflows.md, "The claim").
EMULATOR_LEASE = LeaseOptions(duration=60, read_lag=0, write_window=0.5, step_margin=5)


def masked(secret: str) -> str:
    return "*" * max(len(secret) - 4, 0) + secret[-4:]


class SecretsFile:
    """The handover: each new key and secret is written out (0600) before its old key is deleted."""

    def __init__(self, path: Optional[str]) -> None:
        self.path = path
        self.entries: List[Dict[str, str]] = []
        self.shown: Dict[str, str] = {}
        self._lock = threading.Lock()

    def __call__(self, handover: KeyHandover) -> None:
        with self._lock:
            self.shown[handover.new_key_id] = masked(handover.secret)
            self.entries.append(
                {"api_key": handover.new_key_id, "api_secret": handover.secret, "replaces": handover.old_key_id}
            )
            if self.path is not None:
                descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(descriptor, "w") as handle:
                    json.dump(self.entries, handle, indent=2)


class ProgressBar:
    """``[#####-----] 5/10`` on stderr, redrawn after each key."""

    def __init__(self, out: TextIO, width: int = 30) -> None:
        self.out = out
        self.width = width
        self.failed = 0

    def __call__(self, done: int, total: int, result: RotationResult) -> None:
        self.failed += 0 if result.ok else 1
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "-" * (self.width - filled)
        failed = f", {self.failed} failed" if self.failed else ""
        self.out.write(f"\r[{bar}] {done}/{total}{failed}")
        if done == total:
            self.out.write("\n")
        self.out.flush()


def report(summary: RotationSummary, handover: SecretsFile, out: TextIO) -> None:
    for result in summary.results:
        if result.outcome is Outcome.PLANNED and result.plan is not None:
            print(f"would replace {result.old_key_id}: " + "; ".join(result.plan.actions), file=out)
        elif result.outcome is Outcome.ROTATED:
            secret = handover.shown.get(result.new_key_id or "", "?")
            print(
                f"replaced {result.old_key_id} with {result.new_key_id} (secret {secret}); deleted {result.old_key_id}",
                file=out,
            )
        elif result.outcome in (Outcome.SKIPPED, Outcome.GONE):
            print(f"skipped {result.old_key_id}: {result.reason}", file=out)
        elif result.outcome is Outcome.RESUMED:
            print(
                f"finished an interrupted rotation: deleted {result.old_key_id}, "
                f"replaced earlier by {result.new_key_id}",
                file=out,
            )
        else:
            print(f"FAILED {result.old_key_id}: {result.error}", file=out)
    print(summary, file=out)


@contextlib.contextmanager
def target(owner: Optional[str], resource: Optional[str]) -> Generator[Tuple[Configuration, bool], None, None]:
    """The configuration to use, and whether it is the embedded emulator."""
    if os.environ.get(openapi_client.configuration.API_KEY_ENV):
        yield Configuration(), False
        return
    from openapi_client.testing import FakeConfluentCloud

    with FakeConfluentCloud() as cloud:
        print(f"No Confluent Cloud credentials set: using the embedded emulator at {cloud.host}")
        long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=400)
        owner, resource = owner or "sa-rotate1", resource or "lkc-demo01"
        cloud.seed_api_keys(3, owner=owner, resource=resource, created_at=long_ago)
        cloud.seed_api_keys(1, owner=owner, resource=resource)
        yield cloud.configuration(), True


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--owner", help="service account or user id whose keys to rotate")
    parser.add_argument("--resource", help="only keys for this resource (e.g. lkc-abc123)")
    parser.add_argument("--all", action="store_true", help="every owner's and resource's keys (instead of --owner)")
    parser.add_argument("--older-than-days", type=int, default=90, help="rotate keys created before this many days")
    parser.add_argument("--workers", type=int, default=4, help="keys rotated at the same time")
    parser.add_argument("--settle-seconds", type=float, help="wait this long for keys nothing can probe")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    parser.add_argument("--secrets-file", help="write the new keys and secrets here (mode 0600)")
    parser.add_argument("--run-id", help="this run's id in its claims (default: a random one)")
    args = parser.parse_args(argv)
    if args.all and (args.owner or args.resource):
        parser.error("--all cannot be combined with --owner or --resource")
    if not (args.all or args.owner or args.resource):
        parser.error("give --owner or --resource to choose the keys, or --all to rotate every listed key")
    if args.older_than_days < 0:
        parser.error("--older-than-days must be >= 0")
    if args.workers < 1:
        parser.error("--workers must be >= 1")
    if not args.dry_run and not args.secrets_file:
        parser.error("--secrets-file is required (a new secret is shown only once), or use --dry-run")

    handover = SecretsFile(args.secrets_file)
    selection = KeySelection(
        owner=args.owner, resource=args.resource, older_than=dt.timedelta(days=args.older_than_days)
    )
    with target(args.owner, args.resource) as (config, emulated), openapi_client.ApiClient(config) as api_client:
        settle = args.settle_seconds if args.settle_seconds is not None else (0.2 if emulated else None)
        usability = UsabilityOptions()
        if settle is not None:
            usability = UsabilityOptions(settle_delays=dict.fromkeys(usability.settle_delays, settle))
        lease = EMULATOR_LEASE if emulated else None
        try:
            summary = rotate_api_keys(
                api_client,
                selection,
                handover=handover,
                max_workers=args.workers,
                usability=usability,
                dry_run=args.dry_run,
                progress=ProgressBar(sys.stderr),
                lease=lease,
                run_id=args.run_id,
            )
        except openapi_client.OpenApiException as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            return 1
    report(summary, handover, sys.stdout)
    if args.secrets_file and handover.entries:
        print(f"new secrets written to {args.secrets_file}")
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
