"""The committed OpenAPI document explains itself: every field described, request bodies with
examples, the headers the service sends declared, and the webhooks it emits documented."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def _document() -> dict[str, Any]:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


def _properties(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (location, property schema) under `node`, at any depth."""
    if isinstance(node, dict):
        for name, schema in (node.get("properties") or {}).items():
            yield f"{where}.{name}", schema
        for key, value in node.items():
            yield from _properties(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _properties(value, f"{where}[{index}]")


def test_every_property_of_every_schema_has_a_description() -> None:
    undescribed = [
        where
        for where, schema in _properties(_document(), "#")
        if not str(schema.get("description", "")).strip()
    ]
    assert undescribed == []


def _operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in _document()["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


# POST /v1/events answers 201 with the event, which has no address of its own (it is read
# in its child's list), so it names no Location.
NO_ADDRESS = {"/v1/events"}


def test_every_201_declares_location_and_replayable_ones_idempotent_replayed() -> None:
    creates = [(p, m, o) for p, m, o in _operations() if "201" in o["responses"]]
    assert len(creates) >= 6
    for path, method, operation in creates:
        headers = operation["responses"]["201"].get("headers", {})
        if path not in NO_ADDRESS:
            assert "Location" in headers, f"{method} {path}"
        takes_key = any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
        assert ("Idempotent-Replayed" in headers) == takes_key, f"{method} {path}"


def test_etag_is_declared_where_resources_are_read_and_changed() -> None:
    declared = {
        (method, path)
        for path, method, operation in _operations()
        for response in operation["responses"].values()
        if "ETag" in response.get("headers", {})
    }
    for path in ("/v1/children/{child_id}", "/v1/plans/{plan_id}", "/v1/reviews/{review_id}",
                 "/v1/reviews/{review_id}/actions/{action_id}",
                 "/v1/reviews/{review_id}/attendees/{attendee_id}",
                 "/v1/policies/{local_authority}"):
        assert ("get", path) in declared, path
    assert ("post", "/v1/reviews/{review_id}/schedule") in declared
    assert ("post", "/v1/children") in declared


def test_every_request_body_has_an_example() -> None:
    document = _document()
    schemas = document["components"]["schemas"]
    missing = []
    for path, method, operation in _operations():
        body = operation.get("requestBody")
        if body is None:
            continue
        # JSON bodies, and the multipart uploads of the imports.
        media = next(iter(body["content"].values()))
        ref = media["schema"].get("$ref", "")
        schema = schemas.get(ref.rsplit("/", 1)[-1], {})
        if not (media.get("examples") or media.get("example") or schema.get("examples")):
            missing.append(f"{method} {path}")
    assert missing == []
