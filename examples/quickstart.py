#!/usr/bin/env python3
"""Walk the whole life of an API key and two BYOK keys.

With CONFLUENT_CLOUD_API_KEY and CONFLUENT_CLOUD_API_SECRET set, this talks to Confluent
Cloud (or to CONFLUENT_CLOUD_HOST). Against Confluent Cloud it also needs QUICKSTART_OWNER
(a service account id, e.g. sa-abc123) and QUICKSTART_CLUSTER (a Kafka cluster id, e.g.
lkc-abc123), and for the BYOK part QUICKSTART_AWS_KEY_ARN and QUICKSTART_GCP_KEY_ID (keys
you own; that part is skipped without them). When CONFLUENT_CLOUD_HOST is this SDK's
emulator (``python -m openapi_client.testing``; the script asks it), made-up ids are used
as with the embedded one. Without credentials it starts the embedded emulator and says so.

With --oauth it authenticates with OAuth (Confluent's token exchange) instead of an API key:
against Confluent Cloud from the CONFLUENT_OAUTH_* variables (docs/Authentication.md),
against the embedded emulator through its identity provider and token service.

Exit status 0 only if every step succeeded.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from importlib import resources
from typing import Generator, List, Optional, Tuple

import urllib3

import openapi_client
from openapi_client import (
    ByokKeysApi,
    ByokV1AwsKey,
    ByokV1GcpKey,
    ByokV1Key,
    Configuration,
    IamApiKeysApi,
    IamV2ApiKey,
    IamV2ApiKeySpec,
    IamV2ApiKeySpecUpdate,
    IamV2ApiKeyUpdate,
    ObjectReference,
)


def masked(secret: str) -> str:
    """All but the last four characters hidden."""
    return "*" * max(len(secret) - 4, 0) + secret[-4:]


def step(message: str) -> None:
    print(f"  - {message}", flush=True)


def is_emulator(host: str) -> bool:
    """Whether ``host`` is this SDK's emulator: it serves the SDK's own API document at
    /openapi.json (Confluent Cloud does not). Asked without credentials."""
    own = json.loads(resources.files("openapi_client").joinpath("openapi.json").read_bytes())
    try:
        with urllib3.PoolManager(timeout=3.0, retries=False) as pool:
            answer = pool.request("GET", host.rstrip("/") + "/openapi.json")
    except urllib3.exceptions.HTTPError:
        return False
    if answer.status != 200:
        return False
    try:
        return bool(json.loads(answer.data)["info"] == own["info"])
    except (ValueError, TypeError, KeyError):  # not JSON, or not an API document
        return False


@contextlib.contextmanager
def target(oauth: bool) -> Generator[Tuple[Configuration, bool], None, None]:
    """Confluent Cloud (or CONFLUENT_CLOUD_HOST) when credentials are set, else a fresh
    embedded emulator; the flag says which."""
    settings = openapi_client.configuration
    if (
        os.environ.get(settings.OAUTH_IDENTITY_POOL_ID_ENV)
        if oauth
        else (os.environ.get(settings.API_KEY_ENV) and os.environ.get(settings.API_SECRET_ENV))
    ):
        config = Configuration()
        emulated = is_emulator(config.host)
        kind = "the emulator" if emulated else "the service"
        how = f"OAuth ({config.credentials[0]!r})" if oauth else f"API key {config.username}"
        print(f"Using {kind} at {config.host} with {how}")
        yield config, emulated
        return
    from openapi_client.testing import FakeConfluentCloud

    with FakeConfluentCloud(byok_validation_delay=0.5) as cloud:
        print(f"No Confluent Cloud credentials set: using the embedded emulator at {cloud.host}")
        cloud.seed_api_keys(4, owner="sa-quick1", resource="lkc-quick1")  # so the listing has pages
        if not oauth:
            yield cloud.configuration(), True
            return
        client_id, client_secret = cloud.add_oauth_client()
        credentials = openapi_client.ConfluentOAuth(
            cloud.identity_pool_id,
            openapi_client.ClientCredentialsGrant(cloud.idp_token_url, client_id, client_secret),
            sts_url=cloud.sts_token_url,
        )
        print(f"Authenticating with OAuth: identity pool {cloud.identity_pool_id}, client {client_id}")
        yield Configuration(host=cloud.host, credentials=credentials), True
        print(f"Token exchanges made: {credentials.exchanges}")


def api_key_lifecycle(iam: IamApiKeysApi, owner: str, cluster: str) -> None:
    print("API keys (iam/v2)")
    created = iam.create_iam_v2_api_key(
        IamV2ApiKey(
            spec=IamV2ApiKeySpec(
                owner=ObjectReference(id=owner),
                resource=ObjectReference(id=cluster),
                display_name="quickstart key",
                description="created by examples/quickstart.py",
            )
        )
    )
    step(f"created {created.id} for {owner} on {cluster}")
    step(f"secret (shown once, keep it safe): {masked(created.spec.secret.get_secret_value())}")

    key = iam.wait_for_iam_v2_api_key(created.id, timeout=60, poll_interval=1)
    step(f"{key.id} is readable")

    pages = list(iam.iter_iam_v2_api_keys_pages(spec_owner=owner, page_size=2))
    total = sum(len(page.data) for page in pages)
    step(f"listed {total} key(s) of {owner} in {len(pages)} page(s) of at most 2")
    if created.id not in {k.id for page in pages for k in page.data}:
        raise RuntimeError(f"the new key {created.id} is missing from the listing")

    iam.update_iam_v2_api_key(
        created.id,
        IamV2ApiKeyUpdate(
            spec=IamV2ApiKeySpecUpdate(display_name="quickstart key (renamed)", description="updated by the quickstart")
        ),
    )
    again = iam.get_iam_v2_api_key(created.id)
    if again.spec.display_name != "quickstart key (renamed)":
        raise RuntimeError(f"the update did not stick: {again.spec.display_name!r}")
    step(f"renamed it to {again.spec.display_name!r}; description {again.spec.description!r}")

    iam.delete_iam_v2_api_key(created.id)
    try:
        iam.get_iam_v2_api_key(created.id)
    except openapi_client.NotFoundException:
        step(f"deleted {created.id}")
    else:
        raise RuntimeError(f"{created.id} is still there after delete")


def byok_lifecycle(byok: ByokKeysApi, aws_key_arn: str, gcp_key_id: str) -> None:
    print("BYOK keys (byok/v1)")
    registered: List[str] = []
    try:
        for key in (ByokV1AwsKey(key_arn=aws_key_arn), ByokV1GcpKey(key_id=gcp_key_id)):
            created = byok.create_byok_v1_key(ByokV1Key(key=key, display_name=f"quickstart {key.kind}"))
            registered.append(created.id)
            step(f"registered {created.provider} key {created.id}")
        for key_id in registered:
            valid = byok.wait_for_byok_v1_key(key_id, timeout=300, poll_interval=0.25)
            step(f"{key_id} validated: {valid.validation.phase} in {valid.validation.region or 'its region'}")
        for provider in ("AWS", "GCP"):
            found = [k.id for k in byok.iter_byok_v1_keys(provider=provider) if k.id in registered]
            step(f"{provider}: {', '.join(i or '' for i in found)}")
            if len(found) != 1:
                raise RuntimeError(f"expected one {provider} key of ours, found {found}")
    finally:
        for key_id in registered:
            byok.delete_byok_v1_key(key_id)
            step(f"deleted {key_id}")


def main(argv: List[str]) -> int:
    unknown = [arg for arg in argv if arg != "--oauth"]
    if unknown:
        print(f"usage: quickstart.py [--oauth] (unknown: {' '.join(unknown)})", file=sys.stderr)
        return 2
    with target("--oauth" in argv) as (config, emulated):
        owner = os.environ.get("QUICKSTART_OWNER", "sa-quick1" if emulated else "")
        cluster = os.environ.get("QUICKSTART_CLUSTER", "lkc-quick1" if emulated else "")
        aws_arn: Optional[str] = os.environ.get(
            "QUICKSTART_AWS_KEY_ARN",
            "arn:aws:kms:us-west-2:037803949979:key/0e2609e3-a0bf-4f39-aedf-8b1f63b16d81" if emulated else "",
        )
        gcp_id: Optional[str] = os.environ.get(
            "QUICKSTART_GCP_KEY_ID", "projects/demo/locations/us/keyRings/quick/cryptoKeys/start" if emulated else ""
        )
        if not owner or not cluster:
            print("Set QUICKSTART_OWNER and QUICKSTART_CLUSTER to run against Confluent Cloud.", file=sys.stderr)
            return 2
        with openapi_client.ApiClient(config) as api_client:
            try:
                api_key_lifecycle(IamApiKeysApi(api_client), owner, cluster)
                if aws_arn and gcp_id:
                    byok_lifecycle(ByokKeysApi(api_client), aws_arn, gcp_id)
                else:
                    print("BYOK keys: skipped (set QUICKSTART_AWS_KEY_ARN and QUICKSTART_GCP_KEY_ID)")
            except (openapi_client.OpenApiException, RuntimeError) as exc:
                print(f"FAILED: {exc}", file=sys.stderr)
                return 1
    print("All steps succeeded.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
