"""The committed OpenAPI document is the product: it must equal what the app serves, and the
app must honour it under schemathesis with every check on."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import ALL_CHECKS
from schemathesis.specs.openapi.checks import negative_data_rejection
from schemathesis.specs.openapi.schemas import BaseOpenAPISchema

from tests.conftest import BACKENDS, TokenFactory

# FastAPI serves OpenAPI 3.1, which schemathesis 3.x supports behind this switch.
schemathesis.experimental.OPEN_API_3_1.enable()



def _readings(value: Any) -> list[Any]:
    """The ways a server can read a value sent in a query string: as text, and as the JSON
    scalar that text spells (`1`, `true`)."""
    if isinstance(value, list):
        # A repeated parameter: a list parameter reads them all, a scalar one the last.
        texts = [str(item).lower() if isinstance(item, bool) else str(item) for item in value]
        return [texts, *(_readings(texts[-1]) if texts else [])]
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    readings: list[Any] = [text]
    with contextlib.suppress(ValueError):
        readings.append(json.loads(text))
    return readings


def negative_query_cannot_be_sent(case: schemathesis.Case) -> bool:
    """True when a case is "negative" only through query values that stop being invalid
    once written as text (`external_id=false`, `limit=1`): the server cannot tell them from
    valid input, so `negative_data_rejection` would report a false positive."""
    meta = case.meta
    negative = schemathesis.DataGenerationMethod.negative
    if meta is None or meta.query is not negative:
        return False
    # Only parts the case actually sends can carry the negative data.
    sent = ((meta.path_parameters, case.path_parameters), (meta.headers, case.headers),
            (meta.cookies, case.cookies), (meta.body, case.body))
    if any(method is negative and data not in (None, {}) for method, data in sent):
        return False
    parameters = [p for p in case.operation.definition.resolved.get("parameters", [])
                  if p.get("in") == "query"]
    query = case.query or {}
    if any(p.get("required") and p["name"] not in query for p in parameters):
        return False
    schemas = {p["name"]: p.get("schema", {}) for p in parameters}
    for name, value in query.items():
        if value == []:
            continue  # an empty list sends nothing at all
        if name not in schemas:
            return False  # an unknown parameter is refused, as it should be
        validator = jsonschema.Draft202012Validator(schemas[name])
        if value is not None and not any(validator.is_valid(r) for r in _readings(value)):
            return False
    return True


COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def test_committed_openapi_equals_served(app: FastAPI) -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == app.openapi(), "openapi/openapi.json is stale: run `make openapi`"


def test_every_operation_declares_its_errors(app: FastAPI) -> None:
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            if path not in ("/health", "/ready"):  # no token, so no 401 or 403
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
        # The test sends a real token; generated Authorization values would only mask it.
        generation_config=schemathesis.GenerationConfig(with_security_parameters=False),
    )


schema = schemathesis.from_pytest_fixture("api_schema")


# One backend is enough for the fuzzing (the other API tests cover both): PostgreSQL when
# reachable, as the stricter store, else SQLite.
@pytest.mark.parametrize("database_url", [BACKENDS[-1]], indirect=True)
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_honours_its_schema(case: schemathesis.Case, make_token: TokenFactory) -> None:
    # The token goes as an explicit header (so `ignored_auth` retries without it and with a
    # bad one); case.headers must be a dict for that check to set its bad value.
    case.headers = dict(case.headers or {})
    checks = ALL_CHECKS
    if negative_query_cannot_be_sent(case):
        checks = tuple(check for check in ALL_CHECKS if check is not negative_data_rejection)
    case.call_and_validate(headers={**case.headers, **make_token("admin")}, checks=checks)
