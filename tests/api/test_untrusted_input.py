"""Untrusted input at the edge (issue 8, defects 6, 9 and 13) through the real ASGI app.

Every date and date-time field of every request body and query is found in the app's own
OpenAPI document, so a field added later is covered without editing this file.
"""

from __future__ import annotations

import uuid
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from review_service.app import create_app
from review_service.clock import ControllableClock
from review_service.problems import PROBLEM_TYPE_BASE
from review_service.settings import Settings
from tests.api.factories import Headers, create_child, create_plan

MIB = 1024 * 1024

# ---------------------------------------------------------------------------------------------
# The fields, read from the OpenAPI document


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _alternatives(schema: dict[str, Any], components: dict[str, Any]) -> list[dict[str, Any]]:
    schema = _resolve(schema, components)
    options = schema.get("anyOf") or schema.get("oneOf") or [schema]
    return [_resolve(option, components) for option in options]


def _format_of(schema: dict[str, Any], components: dict[str, Any]) -> str | None:
    formats = {option.get("format") for option in _alternatives(schema, components)}
    return next((f for f in ("date", "date-time") if f in formats), None)


def _is_text(schema: dict[str, Any], components: dict[str, Any]) -> bool:
    return any(option.get("type") == "string" for option in _alternatives(schema, components))


def _concrete(path: str) -> str:
    """A path with every parameter filled: bodies are validated before any record is read."""
    filled = path.replace("{local_authority}", "LA1")
    while "{" in filled:
        start, end = filled.index("{"), filled.index("}")
        filled = filled[:start] + str(uuid.uuid4()) + filled[end + 1 :]
    return filled


def _operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in app.openapi()["paths"].items()
        for method, operation in item.items()
    ]


def body_fields(app: FastAPI) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(method, path, field, schema) of every top-level property of every request body."""
    components = app.openapi()["components"]["schemas"]
    found = []
    for method, path, operation in _operations(app):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        body = _resolve(content["application/json"]["schema"], components)
        for name, schema in body.get("properties", {}).items():
            found.append((method, path, name, schema))
    return found


def query_parameters(app: FastAPI) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(method, path, name, schema) of every query parameter."""
    return [
        (method, path, parameter["name"], parameter.get("schema", {}))
        for method, path, operation in _operations(app)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    ]


def _send(client: TestClient, method: str, path: str, headers: Headers,
          body: dict[str, Any] | None = None, query: dict[str, Any] | None = None) -> Any:
    return client.request(method, _concrete(path), json=body, params=query, headers=headers)


def _errors_of(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return {error["field"]: error["type"] for error in response.json().get("errors", [])}


# ---------------------------------------------------------------------------------------------
# Defect 6: dates and date-times bounded to the calendar's range, a date refuses a date-time

OUT_OF_RANGE_DATES = ["0001-01-01", "9999-12-31", "1989-12-31", "2101-01-01"]
NOT_DATES = ["2024-01-01T00:00:00", "2024-01-01T00:00:00Z", "2024-01-01 00:00", "20240101",
             1704067200, "2024-1-1"]
OUT_OF_RANGE_DATETIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                          "1989-12-31T23:59:59Z", "2101-01-01T00:00:00Z",
                          # 1990-01-01 00:30 at +01:00 is 1989-12-31 23:30 UTC.
                          "1990-01-01T00:30:00+01:00"]


def _date_fields(app: FastAPI, fmt: str) -> list[tuple[str, str, str]]:
    components = app.openapi()["components"]["schemas"]
    return [(m, p, name) for m, p, name, schema in body_fields(app)
            if _format_of(schema, components) == fmt]


def test_every_date_field_of_every_body_is_bounded_and_strict(
    client: TestClient, app: FastAPI, admin_headers: Headers
) -> None:
    fields = _date_fields(app, "date")
    assert {"date_of_birth", "start_date", "held_on", "effective_date", "due_by"} <= {
        name for _, _, name in fields}
    for method, path, name in fields:
        for value in OUT_OF_RANGE_DATES + NOT_DATES:
            errors = _errors_of(_send(client, method, path, admin_headers, {name: value}))
            assert f"body.{name}" in errors, (method, path, name, value)


def test_every_datetime_field_of_every_body_is_bounded(
    client: TestClient, app: FastAPI, admin_headers: Headers
) -> None:
    fields = _date_fields(app, "date-time")
    assert {"occurred_at", "scheduled_for"} <= {name for _, _, name in fields}
    for method, path, name in fields:
        for value in OUT_OF_RANGE_DATETIMES:
            errors = _errors_of(_send(client, method, path, admin_headers, {name: value}))
            assert errors.get(f"body.{name}") == "outside_calendar_range", (path, name, value)


def test_every_date_query_parameter_is_bounded_and_strict(
    client: TestClient, app: FastAPI, admin_headers: Headers
) -> None:
    components = app.openapi()["components"]["schemas"]
    parameters = [(m, p, name) for m, p, name, schema in query_parameters(app)
                  if _format_of(schema, components) == "date"]
    assert {"date", "start", "end", "due_before", "due_after"} <= {n for _, _, n in parameters}
    for method, path, name in parameters:
        for value in OUT_OF_RANGE_DATES + NOT_DATES:
            errors = _errors_of(_send(client, method, path, admin_headers, query={name: value}))
            assert f"query.{name}" in errors, (path, name, value)


def _is_boolean(schema: dict[str, Any], components: dict[str, Any]) -> bool:
    return any(option.get("type") == "boolean" for option in _alternatives(schema, components))


def test_every_boolean_query_parameter_is_true_or_false(
    client: TestClient, app: FastAPI, admin_headers: Headers
) -> None:
    # The OpenAPI says boolean: `overdue=yes` or `late=1` is a 422, not a filter quietly read.
    components = app.openapi()["components"]["schemas"]
    parameters = [(m, p, name) for m, p, name, schema in query_parameters(app)
                  if _is_boolean(schema, components)]
    assert {"overdue", "late"} <= {name for _, _, name in parameters}
    for method, path, name in parameters:
        for value in ["1", "0", "yes", "no", "on", "off", "t", "True", "FALSE", ""]:
            errors = _errors_of(_send(client, method, path, admin_headers, query={name: value}))
            assert f"query.{name}" in errors, (path, name, value)
        for value in ["true", "false"]:
            response = _send(client, method, path, admin_headers, query={name: value})
            assert response.status_code == 200, (path, name, value, response.text)


def test_the_calendar_range_itself_is_accepted(client: TestClient,
                                               admin_headers: Headers) -> None:
    child = create_child(client, admin_headers, date_of_birth="1990-01-01")
    assert child["date_of_birth"] == "1990-01-01"
    response = client.get("/v1/calendar/working-days/between?start=1990-01-01&end=2100-12-31",
                          headers=admin_headers)
    assert response.status_code == 200, response.text


def test_extreme_date_of_birth_is_422_naming_the_field(client: TestClient,
                                                       admin_headers: Headers) -> None:
    response = client.post("/v1/children", headers=admin_headers, json={
        "external_id": "x-1", "date_of_birth": "0001-01-01", "local_authority": "LA1"})
    assert _errors_of(response) == {"body.date_of_birth": "outside_calendar_range"}
    assert "body.date_of_birth" in response.json()["detail"]
    listing = client.get("/v1/children", headers=admin_headers).json()
    assert listing["items"] == []


@pytest.mark.parametrize("occurred_at", OUT_OF_RANGE_DATETIMES[:2])
def test_extreme_occurred_at_is_422_not_500(client: TestClient, admin_headers: Headers,
                                            occurred_at: str) -> None:
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-02-02")
    response = client.post("/v1/events", headers=admin_headers, json={
        "source": "feed", "event_id": f"e-{uuid.uuid4().hex}", "child_id": plan["child_id"],
        "type": "placement_change_proposed", "occurred_at": occurred_at,
        "effective_date": "2026-02-20"})
    assert _errors_of(response) == {"body.occurred_at": "outside_calendar_range"}


@pytest.mark.parametrize("scheduled_for", OUT_OF_RANGE_DATETIMES[:2])
def test_extreme_scheduled_for_is_422_not_500(client: TestClient, admin_headers: Headers,
                                              scheduled_for: str) -> None:
    plan = create_plan(client, admin_headers, plan_type="looked_after", start_date="2026-02-02")
    review_id = plan["next_review"]["id"]
    response = client.post(f"/v1/reviews/{review_id}/schedule", headers=admin_headers,
                           json={"scheduled_for": scheduled_for})
    assert _errors_of(response) == {"body.scheduled_for": "outside_calendar_range"}


# ---------------------------------------------------------------------------------------------
# Defect 13: NUL characters refused in every string of every body and query


def test_nul_in_every_body_string_field_is_422_naming_it(
    client: TestClient, app: FastAPI, admin_headers: Headers
) -> None:
    components = app.openapi()["components"]["schemas"]
    fields = [(m, p, n) for m, p, n, schema in body_fields(app) if _is_text(schema, components)]
    assert {"external_id", "reason", "summary", "url", "name"} <= {n for _, _, n in fields}
    for method, path, name in fields:
        errors = _errors_of(_send(client, method, path, admin_headers, {name: "a\x00b"}))
        assert errors == {f"body.{name}": "string_nul_character"}, (method, path, name)


def test_nul_in_nested_strings_and_keys_is_refused(client: TestClient,
                                                   admin_headers: Headers) -> None:
    response = client.post("/v1/webhook-subscriptions", headers=admin_headers, json={
        "url": "https://example.org/hook", "event_types": ["review.due_soon", "x\x00"],
        "d\x00": 1})
    assert _errors_of(response) == {"body.event_types.1": "string_nul_character",
                                    "body.d\x00": "string_nul_character"}


def test_nul_in_every_query_string_parameter_is_422_naming_it(
    client: TestClient, app: FastAPI, admin_headers: Headers
) -> None:
    components = app.openapi()["components"]["schemas"]
    parameters = [(m, p, n) for m, p, n, schema in query_parameters(app)
                  if _is_text(schema, components)]
    assert {"external_id", "chair_id", "cursor"} <= {n for _, _, n in parameters}
    for method, path, name in parameters:
        errors = _errors_of(_send(client, method, path, admin_headers, query={name: "a\x00b"}))
        assert errors == {f"query.{name}": "string_nul_character"}, (path, name)


def test_nul_is_neither_stored_nor_a_server_error(client: TestClient,
                                                  admin_headers: Headers) -> None:
    response = client.post("/v1/children", headers=admin_headers, json={
        "external_id": "nul\x00id", "date_of_birth": "2015-05-01", "local_authority": "LA1"})
    assert _errors_of(response) == {"body.external_id": "string_nul_character"}
    assert "nul" not in response.json()["detail"].replace("NUL", "")
    assert client.get("/v1/children", headers=admin_headers).json()["items"] == []
    response = client.get("/v1/children", headers=admin_headers,
                          params={"external_id": "nul\x00id"})
    assert _errors_of(response) == {"query.external_id": "string_nul_character"}


# ---------------------------------------------------------------------------------------------
# Defect 13: If-Match compares strongly; bounded query strings, headers and error lists


def test_weak_if_match_never_matches(client: TestClient, admin_headers: Headers) -> None:
    child = create_child(client, admin_headers)
    etag = client.get(f"/v1/children/{child['id']}", headers=admin_headers).headers["ETag"]
    assert etag == '"1"'
    for if_match in (f"W/{etag}", f'"9", W/{etag}'):
        response = client.patch(f"/v1/children/{child['id']}",
                                headers={**admin_headers, "If-Match": if_match},
                                json={"parents_with_parental_responsibility": 1})
        assert response.status_code == 412, (if_match, response.text)
        assert response.json()["type"] == PROBLEM_TYPE_BASE + "precondition-failed"
    response = client.patch(f"/v1/children/{child['id']}",
                            headers={**admin_headers, "If-Match": f'W/"7", {etag}'},
                            json={"parents_with_parental_responsibility": 1})
    assert response.status_code == 200, response.text


def test_ten_thousand_unknown_query_parameters_get_a_small_problem(
    client: TestClient, admin_headers: Headers
) -> None:
    query = "&".join(f"{i:x}=" for i in range(10_000))  # short: clients cap a URL at 64 KiB
    response = client.get(f"/v1/children?{query}", headers=admin_headers)
    assert response.status_code == 414
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == PROBLEM_TYPE_BASE + "uri-too-long"
    assert len(response.content) < 2000


def test_the_list_of_field_errors_is_capped_with_a_count(client: TestClient,
                                                         admin_headers: Headers) -> None:
    query = "&".join(f"p{i}=1" for i in range(60))
    response = client.get(f"/v1/children?{query}", headers=admin_headers)
    assert len(_errors_of(response)) == 20
    assert "60 errors" in response.json()["detail"]
    assert len(response.content) < 4000
    response = client.post("/v1/children", headers=admin_headers,
                           json={f"k{i}": i for i in range(5000)})
    assert len(_errors_of(response)) == 20
    assert "5002 errors" in response.json()["detail"]  # 5000 unknown + 2 missing fields
    assert len(response.content) < 4000


@pytest.mark.parametrize("extra", [{f"x-h{i}": "1" for i in range(150)}, {"x-long": "a" * 20_000}],
                         ids=["150-headers", "20-kib-header"])
def test_too_many_or_too_large_headers_is_431_problem(client: TestClient, admin_headers: Headers,
                                                      extra: Headers) -> None:
    response = client.get("/v1/children", headers={**admin_headers, **extra})
    assert response.status_code == 431
    assert response.json()["type"] == PROBLEM_TYPE_BASE + "headers-too-large"


# ---------------------------------------------------------------------------------------------
# Defect 9: bodies bounded, and refused before they are read; authentication first


class Exchange:
    """One request sent straight to the ASGI app, counting the body bytes the app pulls."""

    def __init__(self, app: FastAPI, path: str, headers: Headers, chunks: list[bytes],
                 content_length: int | None) -> None:
        self.app, self.path, self.chunks = app, path, list(chunks)
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        raw.append((b"content-type", b"application/json"))
        if content_length is None:
            raw.append((b"transfer-encoding", b"chunked"))
        else:
            raw.append((b"content-length", str(content_length).encode()))
        self.headers = raw
        self.pulled = 0
        self.status = 0
        self.response_headers: dict[str, str] = {}
        self.body = b""

    async def _receive(self) -> dict[str, Any]:
        if not self.chunks:
            return {"type": "http.disconnect"}
        chunk = self.chunks.pop(0)
        self.pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(self.chunks)}

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.response_headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    def run(self) -> Exchange:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "POST", "scheme": "http", "path": self.path,
                 "raw_path": self.path.encode(), "query_string": b"", "root_path": "",
                 "headers": self.headers, "client": ("127.0.0.1", 1),
                 "server": ("127.0.0.1", 80), "state": {}}

        async def call() -> None:
            await self.app(scope, self._receive, self._send)

        anyio.run(call)
        return self


def _child_body(padding: int = 0) -> bytes:
    text = (f'{{"external_id": "pad-{uuid.uuid4().hex[:8]}", "date_of_birth": "2015-05-01", '
            f'"local_authority": "LA1"{" " * padding}}}')
    return text.encode()


def test_unauthenticated_body_is_refused_before_it_is_read(app: FastAPI) -> None:
    for content_length in (len(_child_body()), None):
        exchange = Exchange(app, "/v1/children", {}, [_child_body()], content_length).run()
        assert exchange.status == 401
        assert exchange.response_headers["content-type"] == "application/problem+json"
        assert exchange.pulled == 0
        bad_token = {"authorization": "Bearer rs_not-a-token"}
        exchange = Exchange(app, "/v1/children", bad_token, [_child_body()], None).run()
        assert (exchange.status, exchange.pulled) == (401, 0)


def test_declared_oversized_body_is_413_before_it_is_read(app: FastAPI,
                                                          admin_headers: Headers) -> None:
    chunks = [b" " * (64 * 1024)] * 40
    exchange = Exchange(app, "/v1/children", admin_headers, chunks, 40 * 64 * 1024).run()
    assert exchange.status == 413
    assert exchange.response_headers["content-type"] == "application/problem+json"
    assert exchange.pulled == 0


def test_streamed_oversized_body_is_cut_off_at_the_limit(app: FastAPI,
                                                         admin_headers: Headers) -> None:
    chunk = b" " * (64 * 1024)
    exchange = Exchange(app, "/v1/children", admin_headers, [chunk] * 64, None).run()
    assert exchange.status == 413
    assert b"content-too-large" in exchange.body
    assert MIB < exchange.pulled <= MIB + len(chunk)


def test_body_within_the_limit_is_served(app: FastAPI, admin_headers: Headers) -> None:
    body = _child_body(padding=MIB - len(_child_body()))
    assert len(body) == MIB
    halves = [body[: len(body) // 2], body[len(body) // 2 :]]
    for content_length in (len(body), None):
        exchange = Exchange(app, "/v1/children", admin_headers, list(halves),
                            content_length).run()
        assert exchange.status == 201, exchange.body
        halves = [_child_body(padding=MIB - len(_child_body()))]


def test_the_limit_is_a_setting(app: FastAPI, settings: Settings, clock: ControllableClock,
                                admin_headers: Headers) -> None:
    small = create_app(settings.model_copy(update={"max_body_bytes": 1000}), clock=clock,
                       run_scheduler=False)
    try:
        body = _child_body(padding=950)
        exchange = Exchange(small, "/v1/children", admin_headers, [body], len(body)).run()
        assert (exchange.status, exchange.pulled) == (413, 0)
        body = _child_body(padding=800)
        exchange = Exchange(small, "/v1/children", admin_headers, [body], len(body)).run()
        assert exchange.status == 201, exchange.body
    finally:
        small.state.engine.dispose()


def test_a_route_can_allow_a_larger_body(app: FastAPI, admin_headers: Headers) -> None:
    from review_service.request_guard import max_body_bytes

    @app.post("/v1/test-upload")
    @max_body_bytes(4 * MIB)
    def upload(body: dict[str, Any]) -> dict[str, int]:
        return {"keys": len(body)}

    payload = b'{"a": 1' + b" " * (2 * MIB) + b"}"
    exchange = Exchange(app, "/v1/test-upload", admin_headers, [payload], len(payload)).run()
    assert exchange.status == 200, exchange.body
    payload = b'{"a": 1' + b" " * (5 * MIB) + b"}"
    exchange = Exchange(app, "/v1/test-upload", admin_headers, [payload], len(payload)).run()
    assert (exchange.status, exchange.pulled) == (413, 0)


def test_every_operation_with_a_body_declares_413(app: FastAPI) -> None:
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            if "requestBody" in operation:
                response = operation["responses"].get("413")
                assert response is not None, f"{method} {path}"
                assert list(response["content"]) == ["application/problem+json"]
