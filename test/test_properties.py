"""Property-based tests (hypothesis) driven by openapi_client/openapi.json.

* Payloads generated from the document's schemas, read-only fields and unknown fields
  included, survive ``from_json`` then ``to_json`` exactly.
* Arbitrary JSON, and schema-shaped JSON with wrong parts, makes ``from_json``/``from_dict``
  raise only ``pydantic.ValidationError`` (a ``ValueError``), never anything else.
* Arbitrary strings as ids and filter values are encoded so that they can change neither
  the request path nor the other query parameters.
"""

from __future__ import annotations

import datetime
import json
from typing import Any, Callable, Dict, Iterator, List, Tuple, Type
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from property_budget import examples
from pydantic import ValidationError
from test_contract import SCHEMA_MODELS, SCHEMAS, ref_name

from openapi_client import ApiClient, ByokKeysApi, Configuration, IamApiKeysApi, _descriptions as descriptions
from openapi_client._operation_types import Operation
from openapi_client.exceptions import NotFoundException
from openapi_client.models import ByokV1Key, IamV2ApiKeyList
from openapi_client.models._base import ApiModel
from openapi_client.testing import FakeConfluentCloud

# Generous per-example deadline: it only trips on a hang or a pathological slowdown.
SETTINGS = settings(
    max_examples=examples(40),
    deadline=datetime.timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

INT32 = (-(2**31), 2**31 - 1)
OFFSETS = [
    datetime.timezone.utc,
    datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
    datetime.timezone(datetime.timedelta(hours=-8)),
]

# Names no model declares (neither as JSON name nor as Python name), for unknown fields.
UNKNOWN_FIELD_NAMES = st.from_regex(r"\Ax_[a-z]{1,8}\Z")

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
ANY_JSON = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


# -- schema -> strategy ------------------------------------------------------------------


def canonical_datetime(value: datetime.datetime) -> str:
    """A date-time written the way pydantic writes one back (so round trips are exact)."""
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    offset = value.utcoffset() or datetime.timedelta(0)
    if not offset:
        return text + "Z"
    sign = "-" if offset < datetime.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


DATE_TIMES = st.builds(
    lambda naive, zone: canonical_datetime(naive.replace(tzinfo=zone)),
    st.datetimes(min_value=datetime.datetime(1970, 1, 1), max_value=datetime.datetime(2200, 1, 1)),
    st.sampled_from(OFFSETS),
)


def from_schema(schema: Dict[str, Any], wrong: bool = False) -> st.SearchStrategy[Any]:
    """JSON values valid for ``schema``; with ``wrong``, any part may be replaced by junk."""
    strategy = _valid(schema, wrong)
    if wrong:
        return st.one_of(strategy, ANY_JSON)
    return strategy


def _valid(schema: Dict[str, Any], wrong: bool) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        return st.deferred(lambda: from_schema(SCHEMAS[ref_name(schema["$ref"])], wrong))
    if "allOf" in schema:
        (part,) = schema["allOf"]
        if schema.get("required"):  # fields this use of the schema requires besides its own
            base = SCHEMAS[ref_name(part["$ref"])] if "$ref" in part else part
            properties = dict(base.get("properties", {}))
            for name, narrowing in schema.get("properties", {}).items():
                properties[name] = {"allOf": [properties[name]], "required": narrowing["required"]}
            required = sorted({*base.get("required", ()), *schema["required"]})
            part = {**base, "properties": properties, "required": required}
        inner = from_schema(part, wrong)
        return st.none() | inner if schema.get("nullable") else inner
    if "oneOf" in schema:
        variants = [from_schema(part, wrong) for part in schema["oneOf"]]
        unknown_kind = st.fixed_dictionaries(
            {"kind": st.sampled_from(["FutureKey", "HsmKey"])},
            optional={"x_material": st.text(max_size=10), "x_labels": st.lists(st.text(max_size=5), max_size=2)},
        )
        return st.one_of(*variants, unknown_kind)
    strategy = _typed(schema, wrong)
    return st.none() | strategy if schema.get("nullable") else strategy


def _typed(schema: Dict[str, Any], wrong: bool) -> st.SearchStrategy[Any]:
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        required = set(schema.get("required", ()))
        return st.builds(
            _with_unknown_fields,
            st.fixed_dictionaries(
                {name: from_schema(sub, wrong) for name, sub in props.items() if name in required},
                optional={name: from_schema(sub, wrong) for name, sub in props.items() if name not in required},
            ),
            st.dictionaries(UNKNOWN_FIELD_NAMES, ANY_JSON, max_size=2),
        )
    if kind == "array":
        return st.lists(from_schema(schema["items"], wrong), max_size=3)
    if kind == "integer":
        low = schema.get("minimum", INT32[0] if schema.get("format") == "int32" else -(2**63))
        high = schema.get("maximum", INT32[1] if schema.get("format") == "int32" else 2**63 - 1)
        return st.integers(min_value=low, max_value=high)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if schema.get("format") == "date-time":
        return DATE_TIMES
    text = st.text(min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 30), 30))
    if "x-extensible-enum" in schema:
        return st.sampled_from(schema["x-extensible-enum"]) | text
    return text


def _with_unknown_fields(known: Dict[str, Any], unknown: Dict[str, Any]) -> Dict[str, Any]:
    return {**known, **unknown}


MODELS: List[Tuple[str, Type[ApiModel]]] = [
    (schema_name, model) for schema_name, classes in SCHEMA_MODELS.items() for model in classes
]
MODEL_IDS = [model.__name__ for _, model in MODELS]


# -- round trips -----------------------------------------------------------------------


@pytest.mark.parametrize(("schema_name", "model"), MODELS, ids=MODEL_IDS)
def test_generated_payloads_round_trip_exactly(schema_name: str, model: Type[ApiModel]) -> None:
    @SETTINGS
    @given(payload=from_schema(SCHEMAS[schema_name]))
    def check(payload: Dict[str, Any]) -> None:
        text = json.dumps(payload, ensure_ascii=False)
        decoded = model.from_json(text)
        assert json.loads(decoded.to_json()) == payload
        assert decoded.to_dict() == payload
        assert model.from_dict(payload).to_dict() == payload  # type: ignore[union-attr]

    check()


# -- hostile input -----------------------------------------------------------------------


def assert_only_validation_errors(call: Callable[[], Any]) -> None:
    """``call`` returns, or raises pydantic's ValidationError naming its problems; any other
    exception (TypeError, KeyError, RecursionError, ...) propagates and fails the test."""
    try:
        call()
    except ValidationError as exc:
        assert exc.errors(), "a ValidationError must name at least one problem"


@pytest.mark.parametrize(("schema_name", "model"), MODELS, ids=MODEL_IDS)
def test_wrong_json_raises_only_validation_errors(schema_name: str, model: Type[ApiModel]) -> None:
    @SETTINGS
    @given(payload=from_schema(SCHEMAS[schema_name], wrong=True) | ANY_JSON)
    def check(payload: Any) -> None:
        assert_only_validation_errors(lambda: model.from_json(json.dumps(payload)))
        assert_only_validation_errors(lambda: model.from_dict(payload))

    check()


@pytest.mark.parametrize(("schema_name", "model"), MODELS, ids=MODEL_IDS)
def test_arbitrary_bytes_raise_only_validation_errors(schema_name: str, model: Type[ApiModel]) -> None:
    @SETTINGS
    @given(raw=st.binary(max_size=200) | st.text(max_size=200))
    def check(raw: Any) -> None:
        assert_only_validation_errors(lambda: model.from_json(raw))

    check()


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for level in range(depth):
        value = [value] if level % 2 else {"spec": value}
    return value


HOSTILE_DOCUMENTS = {
    "deep arrays": "[" * 100_000 + "]" * 100_000,
    "deep objects": '{"spec":' * 50_000 + "1" + "}" * 50_000,
    "huge string": json.dumps({"id": "k" * 2_000_000, "display_name": "\u00e9" * 500_000}),
    "huge number": '{"metadata": {"total_size": ' + "9" * 5_000 + "}}",
    "unterminated": '{"spec": {"owner": {"id": "sa-1"',
    "lone surrogate escape": '{"display_name": "\\ud800"}',
    "null document": "null",
    "empty": "",
}


@pytest.mark.parametrize(("schema_name", "model"), MODELS, ids=MODEL_IDS)
@pytest.mark.parametrize("document", list(HOSTILE_DOCUMENTS.values()), ids=list(HOSTILE_DOCUMENTS))
def test_hostile_documents_raise_only_validation_errors(schema_name: str, model: Type[ApiModel], document: str) -> None:
    assert_only_validation_errors(lambda: model.from_json(document))


@pytest.mark.parametrize(("schema_name", "model"), MODELS, ids=MODEL_IDS)
def test_deeply_nested_python_data_raises_only_validation_errors(schema_name: str, model: Type[ApiModel]) -> None:
    for prop in SCHEMAS[schema_name]["properties"]:
        assert_only_validation_errors(lambda prop=prop: model.from_dict({prop: _nested(5_000)}))  # type: ignore[misc]


@pytest.mark.parametrize("kind", [[], {}, ["AwsKey"], {"AwsKey": 1}, 7])
def test_a_key_kind_of_the_wrong_type_is_a_validation_error(kind: Any) -> None:
    # Found by test_wrong_json_raises_only_validation_errors: the variant is picked by
    # looking ``kind`` up in a dict, which must not be tried with an unhashable value.
    with pytest.raises(ValidationError):
        ByokV1Key.from_dict({"key": {"kind": kind, "key_arn": "arn:aws:kms:us-west-2:1:key/x"}})
    with pytest.raises(ValidationError):
        ByokV1Key.from_json(json.dumps({"key": {"kind": kind, "key_arn": "x"}, "display_name": 1}))


def test_wrong_values_are_refused_with_the_field_named() -> None:
    # The hostile-input tests above would pass if nothing were ever validated; this one
    # makes sure a wrong type really is refused, and the message says where.
    with pytest.raises(ValidationError) as caught:
        IamV2ApiKeyList.from_json('{"api_version": "iam/v2", "kind": "ApiKeyList", "metadata": {}, "data": [1]}')
    assert "data.0" in str(caught.value)


# -- ids and filters on the wire ------------------------------------------------------------

HOST = "https://api.confluent.cloud"
IDS = st.text(min_size=1, max_size=255) | st.sampled_from(
    ["..", ".", "../x", "a/b?c", "%2F", "#frag", "a b+c&d=e", "?page_size=1", "\x00", "\u202e\u00e9/\u2603"]
)
FILTERS = st.text(max_size=60) | st.sampled_from(["a&page_size=1", "=", "&", "#", "+", "%", "sa-1;x"])

PATH_OPERATIONS = [
    descriptions.GET_IAM_V2_API_KEY,
    descriptions.UPDATE_IAM_V2_API_KEY,
    descriptions.DELETE_IAM_V2_API_KEY,
    descriptions.GET_BYOK_V1_KEY,
    descriptions.UPDATE_BYOK_V1_KEY,
    descriptions.DELETE_BYOK_V1_KEY,
]
LIST_OPERATIONS = [descriptions.LIST_IAM_V2_API_KEYS, descriptions.LIST_BYOK_V1_KEYS]


def serialize(client: ApiClient, operation: Operation, path: Dict[str, Any], query: Dict[str, Any]) -> str:
    _, url, _, _ = client.param_serialize(
        operation.method,
        operation.path,
        path_params=operation.check_path(path),
        query_params=operation.check_query(query),
    )
    return url


@pytest.fixture(scope="module")
def offline_client() -> ApiClient:
    return ApiClient(Configuration(host=HOST))


@pytest.mark.parametrize("operation", PATH_OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
def test_any_id_stays_one_path_segment(offline_client: ApiClient, operation: Operation) -> None:
    prefix = operation.path.split("{id}")[0]

    @SETTINGS
    @given(object_id=IDS)
    def check(object_id: str) -> None:
        url = serialize(offline_client, operation, {"id": object_id}, {})
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == HOST
        assert parts.query == "" and parts.fragment == ""
        assert parts.path.startswith(prefix)
        segment = parts.path[len(prefix) :]
        assert "/" not in segment and segment not in (".", "..")
        assert unquote(segment, errors="strict") == object_id

    check()


@pytest.mark.parametrize("operation", LIST_OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
def test_any_filter_value_stays_its_own_query_parameter(offline_client: ApiClient, operation: Operation) -> None:
    filters = [p for p in operation.query_params if p.type is str and p.max_length is None]

    @SETTINGS
    @given(values=st.fixed_dictionaries({}, optional={p.name: FILTERS for p in filters}))
    def check(values: Dict[str, str]) -> None:
        url = serialize(offline_client, operation, {}, {**values, "page_size": 7})
        parts = urlsplit(url)
        assert parts.path == operation.path and parts.fragment == ""
        wire = {p.name: p.wire_name for p in filters}
        expected = [(wire[p.name], values[p.name]) for p in filters if p.name in values] + [("page_size", "7")]
        assert parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query)) == expected

    check()


@pytest.fixture(scope="module")
def shared_cloud() -> Iterator[FakeConfluentCloud]:
    # One emulator for the module: hypothesis runs many examples per test, and refuses
    # function-scoped fixtures, which would be shared between examples anyway.
    with FakeConfluentCloud() as cloud:
        yield cloud


@settings(SETTINGS, max_examples=examples(25))
@given(object_id=IDS)
def test_any_id_reaches_the_emulator_as_one_segment(shared_cloud: FakeConfluentCloud, object_id: str) -> None:
    shared_cloud.clear_requests()
    with shared_cloud.api_client(retries=False) as client:
        with pytest.raises(NotFoundException):
            IamApiKeysApi(client).get_iam_v2_api_key(object_id)
        with pytest.raises(NotFoundException):
            ByokKeysApi(client).delete_byok_v1_key(object_id)
    iam_request, byok_request = shared_cloud.requests
    for request, prefix in ((iam_request, "/iam/v2/api-keys/"), (byok_request, "/byok/v1/keys/")):
        assert request.query == {}
        assert request.path.startswith(prefix)
        segment = request.path[len(prefix) :]
        assert "/" not in segment and unquote(segment, errors="strict") == object_id


def test_filters_reach_the_emulator_unchanged(shared_cloud: FakeConfluentCloud) -> None:
    owners = ["sa-1&spec.resource=lkc-2", "a+b c", "", "%41", "\u00e9\u2603#?", "sa-1;x=y"]
    with shared_cloud.api_client(retries=False) as client:
        api = IamApiKeysApi(client)
        byok = ByokKeysApi(client)
        for owner in owners:
            shared_cloud.clear_requests()
            assert api.list_iam_v2_api_keys(spec_owner=owner, page_size=3).data == []
            assert byok.list_byok_v1_keys(display_name=owner, key=owner + "/k").data == []
            iam_request, byok_request = shared_cloud.requests
            assert (iam_request.path, iam_request.query) == (
                "/iam/v2/api-keys",
                {"spec.owner": [owner], "page_size": ["3"]},
            )
            assert (byok_request.path, byok_request.query) == (
                "/byok/v1/keys",
                {"display_name": [owner], "key": [owner + "/k"]},
            )
