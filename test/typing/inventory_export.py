"""A user's inventory export: every API key and BYOK key of the organisation as CSV rows.

Part of the typing corpus (tools/typecheck.py); test_corpus_runs.py runs it on the emulator.
"""

from __future__ import annotations

import csv
import io
from typing import Iterator, List, Tuple

import openapi_client
from openapi_client.models.enums import IN_USE, VALID, ByokProvider
from openapi_client.models.responses import ByokV1KeyListItem, IamV2ApiKeyListItem

Row = Tuple[str, str, str, str, str]
HEADER: Row = ("type", "id", "owner_or_provider", "target", "status")


def api_key_rows(keys: Iterator[IamV2ApiKeyListItem]) -> Iterator[Row]:
    for key in keys:
        resource = key.spec.resource
        created = key.metadata.created_at
        yield (
            "api-key",
            key.id,
            key.spec.owner.id,
            resource.id if resource is not None else "cloud",
            f"created {created:%Y-%m-%d}" if created is not None else "created ?",
        )


def cloud_name(provider: ByokProvider) -> str:
    if provider == openapi_client.ByokV1AwsKey.PROVIDER:
        return "Amazon Web Services"
    if provider == openapi_client.ByokV1AzureKey.PROVIDER:
        return "Microsoft Azure"
    if provider == openapi_client.ByokV1GcpKey.PROVIDER:
        return "Google Cloud"
    return provider  # a provider added after this script was written


def byok_rows(keys: Iterator[ByokV1KeyListItem]) -> Iterator[Row]:
    for key in keys:
        variant = key.key.actual_instance
        if isinstance(variant, openapi_client.ByokV1AwsKey):
            target = variant.key_arn
        elif isinstance(variant, (openapi_client.ByokV1AzureKey, openapi_client.ByokV1GcpKey)):
            target = variant.key_id
        else:
            target = f"unknown kind {variant.kind}"
        validity = "valid" if key.validation.phase == VALID else key.validation.phase
        status = f"{key.state}{' (in use)' if key.state == IN_USE else ''}, {validity}"
        yield ("byok", key.id, cloud_name(key.provider), target, status)


def export(api_client: openapi_client.ApiClient) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    rows: List[Row] = [
        *api_key_rows(openapi_client.IamApiKeysApi(api_client).iter_iam_v2_api_keys(page_size=100)),
        *byok_rows(openapi_client.ByokKeysApi(api_client).iter_byok_v1_keys(page_size=100)),
    ]
    writer.writerows(sorted(rows))
    return out.getvalue()


def main(configuration: openapi_client.Configuration) -> str:
    with openapi_client.ApiClient(configuration) as api_client:
        return export(api_client)
