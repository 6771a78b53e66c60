"""Every error the SDK raises survives pickling (a worker process of ``multiprocessing`` or
``concurrent.futures`` hands it back to its parent this way): the same class, message and
attributes come back, and a secret masked in the original is not in the pickled bytes."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
from typing import Any, Callable, Dict, List

import pytest
from pydantic import BaseModel

import openapi_client
from openapi_client import ByokKeysApi, IamApiKeysApi
from openapi_client._redaction import Redactor
from openapi_client.credentials import TokenExchangeError
from openapi_client.exceptions import (
    ApiConnectionError,
    ApiException,
    ApiResponseError,
    ApiTimeoutError,
    ApiTypeError,
    ApiValueError,
    ClientClosedError,
    InsecureTransportError,
    KeyValidationFailedError,
    OpenApiException,
    WaiterError,
    WaiterTimeoutError,
    exception_for_status,
)
from openapi_client.models import ByokV1Key
from openapi_client.models.responses import ByokV1KeyRead
from openapi_client.testing import FakeConfluentCloud
from openapi_client.workflows import RotationError, RotationStep
from openapi_client.workflows._rotation_results import ClaimLost
from openapi_client.workflows.grants import ByokAccessPendingError, GrantNotAvailableError
from openapi_client.workflows.usability import KeyNotUsableError, Strategy

SECRET = "Pickled-S3cret-Value"
MASKED = Redactor((SECRET,))
BYOK_BODY: Dict[str, Any] = {
    "api_version": "byok/v1",
    "kind": "Key",
    "id": "cck-pickle",
    "key": {"kind": "AwsKey", "key_arn": "arn:aws:kms:us-west-2:111122223333:key/12ab", "roles": []},
    "metadata": {"self": "https://api.confluent.cloud/byok/v1/keys/cck-pickle"},
    "state": "AVAILABLE",
    "provider": "AWS",
    "validation": {
        "phase": "INVALID",
        "since": "2024-05-01T10:00:00.123456789Z",
        "message": "the role cannot use the key",
    },
}


def status_error(status: int) -> ApiException:
    body = f'{{"errors":[{{"status":"{status}","detail":"refused {SECRET}"}}]}}'
    headers = {"X-Request-Id": "req-1", "Content-Type": "application/json", "Retry-After": "3", "Location": "/x"}
    return exception_for_status(status)(status=status, reason="Refused", body=body, headers=headers, redactor=MASKED)


CASES: Dict[type, Callable[[], OpenApiException]] = {
    OpenApiException: lambda: OpenApiException("plain"),
    ApiTypeError: lambda: ApiTypeError("wrong type", path_to_item=["spec", 0], valid_classes=(str,), key_type=False),
    ApiValueError: lambda: ApiValueError("wrong value", path_to_item=["spec", "owner"]),
    InsecureTransportError: lambda: InsecureTransportError("clear text"),
    ApiConnectionError: lambda: ApiConnectionError("reset", method="GET", url="https://h/iam/v2/api-keys"),
    ApiTimeoutError: lambda: ApiTimeoutError("timed out", method="POST", url="https://h/iam/v2/api-keys"),
    ClientClosedError: lambda: ClientClosedError("closed"),
    ApiResponseError: lambda: ApiResponseError(
        f"not JSON: {SECRET}", status=200, headers={"X-Request-Id": "req-2"}, body=SECRET, redactor=MASKED
    ),
    WaiterError: lambda: WaiterError("stopped"),
    WaiterTimeoutError: lambda: WaiterTimeoutError("ran out"),
    KeyValidationFailedError: lambda: KeyValidationFailedError(ByokV1KeyRead.from_dict(BYOK_BODY), redactor=MASKED),
    TokenExchangeError: lambda: TokenExchangeError("Confluent STS", "refused", status=400, request_id="req-3"),
    ClaimLost: lambda: ClaimLost("another run holds the key"),
    RotationError: lambda: RotationError(
        RotationStep.HANDOVER,
        "OLDKEY",
        RuntimeError(f"store refused {SECRET}"),
        new_key_id="NEWKEY",
        new_key_deleted=True,
        cleanup_error=ClaimLost("lost"),
        secrets=(SECRET,),
    ),
    GrantNotAvailableError: lambda: GrantNotAvailableError("no principal yet"),
    ByokAccessPendingError: lambda: ByokAccessPendingError(ByokV1Key.from_dict(BYOK_BODY), 5.0, None),
    KeyNotUsableError: lambda: KeyNotUsableError("NEWKEY", Strategy.CALLER_PROBE, 3, 5.0),
}
for _status in (400, 401, 402, 403, 404, 409, 422, 429, 418, 503):
    CASES.setdefault(type(status_error(_status)), lambda status=_status: status_error(status))


def package_exception_classes() -> List[type]:
    found = set()
    for module_info in pkgutil.walk_packages(openapi_client.__path__, "openapi_client."):
        if module_info.name.startswith("openapi_client.testing"):
            continue
        for value in vars(importlib.import_module(module_info.name)).values():
            if inspect.isclass(value) and issubclass(value, OpenApiException):
                found.add(value)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def comparable(value: Any) -> Any:
    if isinstance(value, BaseException):
        return (type(value), str(value))
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    return value


def assert_same_after_pickling(error: OpenApiException) -> None:
    data = pickle.dumps(error)
    copy = pickle.loads(data)
    assert type(copy) is type(error)
    assert str(copy) == str(error) and copy.args == error.args
    assert comparable(vars(copy)) == comparable(vars(error))
    assert SECRET.encode() not in data  # masked in the original, so masked in what travels


def test_every_exception_class_of_the_package_has_a_case() -> None:
    assert set(package_exception_classes()) <= set(CASES), "add a case for the new exception class"


@pytest.mark.parametrize("cls", list(CASES), ids=lambda cls: cls.__name__)
def test_an_error_comes_back_from_pickling_as_it_was(cls: type) -> None:
    error = CASES[cls]()
    assert type(error) is cls
    assert_same_after_pickling(error)


def test_errors_from_real_answers_come_back_from_pickling_as_they_were() -> None:
    with FakeConfluentCloud() as cloud, cloud.api_client() as client:
        errors: List[OpenApiException] = []
        for call in (
            lambda: IamApiKeysApi(client).get_iam_v2_api_key("NOSUCHKEY"),
            lambda: ByokKeysApi(client).get_byok_v1_key("cck-none"),
        ):
            with pytest.raises(ApiException) as raised:
                call()
            errors.append(raised.value)
        cloud.fail_next(5, status=429, method="GET", path="/iam/v2/api-keys")
        with pytest.raises(ApiException) as limited:
            IamApiKeysApi(client).list_iam_v2_api_keys(_retries=False)
        errors.append(limited.value)
    assert [error.status for error in errors if isinstance(error, ApiException)] == [404, 404, 429]
    for error in errors:
        assert isinstance(error, ApiException) and error.request_id and error.failure is not None
        assert_same_after_pickling(error)
