"""The committed OpenAPI document is the product: it must equal what the app serves, and the
app must honour it under schemathesis with every check on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import ALL_CHECKS
from schemathesis.specs.openapi.schemas import BaseOpenAPISchema

from tests.conftest import TokenFactory

# FastAPI serves OpenAPI 3.1, which schemathesis 3.x supports behind this switch.
schemathesis.experimental.OPEN_API_3_1.enable()

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def test_committed_openapi_equals_served(app: FastAPI) -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == app.openapi(), "openapi/openapi.json is stale: run `make openapi`"


def test_every_operation_declares_its_errors(app: FastAPI) -> None:
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            if path != "/health":
                assert {"401", "403", "422"} <= set(responses), f"{method} {path}"
            for code, response in responses.items():
                if code[0] in "45":
                    assert list(response["content"]) == ["application/problem+json"], code


@pytest.fixture
def api_schema(app: FastAPI) -> BaseOpenAPISchema:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    return schemathesis.from_dict(
        committed,
        app=app,
        data_generation_methods=[
            schemathesis.DataGenerationMethod.positive,
            schemathesis.DataGenerationMethod.negative,
        ],
    )


schema = schemathesis.from_pytest_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_honours_its_schema(case: schemathesis.Case, make_token: TokenFactory) -> None:
    headers = dict(case.headers or {})
    headers.update(make_token("admin"))
    case.call_and_validate(headers=headers, checks=ALL_CHECKS)
