#!/usr/bin/env python3
"""Rotate an owner's API keys that are older than N days.

For every such key: create a replacement for the same owner and resource, report it, then
delete the old key. With --dry-run nothing changes; the plan is printed. New secrets are
printed masked; --secrets-file writes them in full to a file only you can read, for your
secret store to pick up.

    python examples/rotate_api_keys.py --owner sa-abc123 --older-than-days 90 [--dry-run]

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
from dataclasses import dataclass
from typing import Generator, List, Optional, TextIO, Tuple

import openapi_client
from openapi_client import Configuration, IamApiKeysApi, IamV2ApiKey, IamV2ApiKeySpec, ObjectReference
from openapi_client.models.responses import IamV2ApiKeyListItem


@dataclass
class Rotation:
    old_id: str
    resource: Optional[str]
    new_id: Optional[str] = None
    new_secret: Optional[str] = None


def masked(secret: str) -> str:
    return "*" * max(len(secret) - 4, 0) + secret[-4:]


def stale_keys(
    api: IamApiKeysApi, owner: str, older_than: dt.timedelta, now: dt.datetime
) -> List[Tuple[dt.datetime, IamV2ApiKeyListItem]]:
    """The owner's keys created before ``now - older_than``, oldest first, with their creation time."""
    cutoff = now - older_than
    stale: List[Tuple[dt.datetime, IamV2ApiKeyListItem]] = []
    for key in api.iter_iam_v2_api_keys(spec_owner=owner, page_size=100):
        created_at = key.metadata.created_at  # a listed key always has metadata; created_at is optional
        if created_at is not None and created_at < cutoff:
            stale.append((created_at, key))
    return sorted(stale, key=lambda pair: pair[0])


def rotate(
    api: IamApiKeysApi,
    owner: str,
    older_than: dt.timedelta,
    *,
    dry_run: bool,
    out: TextIO,
    now: Optional[dt.datetime] = None,
) -> List[Rotation]:
    """Replace then delete each stale key of ``owner``; returns what was (or would be) done."""
    now = now or dt.datetime.now(dt.timezone.utc)
    rotations: List[Rotation] = []
    stale = stale_keys(api, owner, older_than, now)
    print(f"{len(stale)} key(s) of {owner} older than {older_than.days} day(s)", file=out)
    for created_at, old in stale:
        resource = old.spec.resource.id if old.spec.resource is not None else None
        rotation = Rotation(old_id=old.id, resource=resource)
        age = (now - created_at).days
        if dry_run:
            print(f"would replace {old.id} ({resource or 'Cloud API key'}, {age} days old)", file=out)
            rotations.append(rotation)
            continue
        replacement = api.create_iam_v2_api_key(
            IamV2ApiKey(
                spec=IamV2ApiKeySpec(
                    owner=ObjectReference(id=owner),
                    resource=ObjectReference(id=resource) if resource else None,
                    display_name=old.spec.display_name,
                    description=f"rotated from {old.id} on {now:%Y-%m-%d}",
                )
            )
        )
        rotation.new_id = replacement.id
        rotation.new_secret = replacement.spec.secret.get_secret_value()
        api.wait_for_iam_v2_api_key(replacement.id, timeout=60, poll_interval=1)
        print(f"replaced {old.id} with {replacement.id} (secret {masked(rotation.new_secret)})", file=out)
        rotations.append(rotation)
    if not dry_run:
        for rotation in rotations:
            api.delete_iam_v2_api_key(rotation.old_id)
            print(f"deleted {rotation.old_id}", file=out)
    return rotations


def write_secrets(path: str, rotations: List[Rotation]) -> None:
    entries = [{"api_key": r.new_id, "api_secret": r.new_secret, "replaces": r.old_id} for r in rotations if r.new_id]
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(entries, handle, indent=2)


@contextlib.contextmanager
def target(owner: str) -> Generator[Configuration, None, None]:
    if os.environ.get(openapi_client.configuration.API_KEY_ENV):
        yield Configuration()
        return
    from openapi_client.testing import FakeConfluentCloud

    with FakeConfluentCloud() as cloud:
        print(f"No Confluent Cloud credentials set: using the embedded emulator at {cloud.host}")
        long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=400)
        cloud.seed_api_keys(3, owner=owner, resource="lkc-demo01", created_at=long_ago)
        cloud.seed_api_keys(1, owner=owner, resource="lkc-demo01")
        yield cloud.configuration()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--owner", default="sa-rotate1", help="service account or user id whose keys to rotate")
    parser.add_argument("--older-than-days", type=int, default=90, help="rotate keys created before this many days")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    parser.add_argument("--secrets-file", help="write the new keys and secrets here (mode 0600)")
    args = parser.parse_args(argv)
    if args.older_than_days < 0:
        parser.error("--older-than-days must be >= 0")

    with target(args.owner) as config, openapi_client.ApiClient(config) as api_client:
        try:
            rotations = rotate(
                IamApiKeysApi(api_client),
                args.owner,
                dt.timedelta(days=args.older_than_days),
                dry_run=args.dry_run,
                out=sys.stdout,
            )
        except openapi_client.OpenApiException as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            return 1
    if args.secrets_file and not args.dry_run:
        write_secrets(args.secrets_file, rotations)
        print(f"new secrets written to {args.secrets_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
