"""The benchmark's real openapi-generator client: its fallback and its correctness check.

Building the client needs Java and the generator's wheel, which the suite does not fetch;
what is tested here is what must hold on any machine: without Java the benchmark is told
why instead of failing, and the check that both clients decoded the same page names what
the generated client dropped and refuses what it changed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import real_generated


def test_without_java_the_reason_is_returned_and_nothing_is_built(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no java in it
    monkeypatch.setattr(real_generated, "CACHE", tmp_path / "cache")
    assert real_generated.load() == "no java on PATH"
    assert not (tmp_path / "cache").exists()


def test_dropped_fields_names_each_path_once() -> None:
    sent = {
        "kind": "ApiKeyList",
        "metadata": {"next": None, "total_size": 2},
        "data": [{"id": "A", "spec": {"owner": {"id": "u-1"}}}, {"id": "B", "spec": {"owner": {"id": "u-2"}}}],
    }
    decoded = {"metadata": {"total_size": 2}, "data": [{"spec": {"owner": {"id": "u-1"}}}, {"spec": {}}]}
    # A null that was sent and not kept is not a loss; a key that lost its owner is.
    assert real_generated.dropped_fields(sent, decoded) == ["kind", "data[].id", "data[].spec.owner"]
    assert real_generated.dropped_fields(sent, sent) == []


@pytest.mark.parametrize(
    "decoded",
    [
        {"data": [{"id": "B"}]},  # a value changed
        {"data": [{"id": "A"}, {"id": "B"}]},  # an item more than was sent
        {"data": [{"id": "A", "secret": "x"}]},  # a field that was not sent
    ],
)
def test_dropped_fields_refuses_what_was_not_sent(decoded: object) -> None:
    with pytest.raises(AssertionError):
        real_generated.dropped_fields({"data": [{"id": "A"}]}, decoded)
