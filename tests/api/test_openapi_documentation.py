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
