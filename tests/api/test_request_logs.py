"""Issue 8, "Logs": every request has an id (accepted or made, returned, logged), its access
line names the route template, and every process logs one JSON object per line."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from review_service.observability.logs import JsonLineFormatter
from tests.api.factories import create_child


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    """The service's own lines (the test's HTTP client, httpx, logs in this process too)."""
    formatter = JsonLineFormatter()
    return [json.loads(formatter.format(record)) for record in caplog.records
            if record.name.startswith("review_service")]


def _access(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [line for line in _lines(caplog) if line["logger"] == "review_service.access"]


def test_a_request_id_is_made_returned_and_logged(
    client: TestClient, admin_headers: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    child = create_child(client, admin_headers)
    response = client.get(f"/v1/children/{child['id']}", headers=admin_headers)
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    (line,) = [a for a in _access(caplog) if a["request_id"] == request_id]
    assert line["method"] == "GET"
    assert line["route"] == "/v1/children/{child_id}"
    assert line["status"] == 200
    assert isinstance(line["latency_ms"], float)
    assert line["latency_ms"] >= 0


def test_a_clients_request_id_is_kept_on_problems_and_401s(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = client.get("/v1/children", headers={"X-Request-ID": "trace-4f2a.9:b_c-1"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["X-Request-ID"] == "trace-4f2a.9:b_c-1"
    assert [a["status"] for a in _access(caplog) if a["request_id"] == "trace-4f2a.9:b_c-1"] == [
        401
    ]


@pytest.mark.parametrize("offered", ["x" * 65, "has space", "a/b", "ünïcode", ""])
def test_an_unacceptable_request_id_is_replaced(client: TestClient, offered: str) -> None:
    response = client.get("/health", headers={"X-Request-ID": offered.encode()})
    assert response.status_code == 200
    returned = response.headers["X-Request-ID"]
    assert returned != offered
    assert len(returned) == 32


def test_access_line_has_the_route_template_never_the_query(
    client: TestClient, admin_headers: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    client.get("/v1/children", params={"external_id": "query-ext-7731"}, headers=admin_headers)
    client.get("/v1/unknown/query-ext-7731", headers=admin_headers)
    lines = _access(caplog)
    assert [(a["route"], a["status"]) for a in lines] == [("/v1/children", 200), ("unmatched", 404)]
    assert all("query-ext-7731" not in json.dumps(line) for line in _lines(caplog))


def test_an_unhandled_error_logs_its_type_route_and_request_id_only(
    app: FastAPI, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    @app.get("/test-only/explode/{child_id}")
    def explode(child_id: str) -> None:
        raise RuntimeError(f"secret-ext-9931 born 2012-04-05 ({child_id})")

    caplog.set_level(logging.INFO)
    response = client.get("/test-only/explode/abc", headers={"X-Request-ID": "boom-1"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["X-Request-ID"] == "boom-1"
    lines = _lines(caplog)
    text = "\n".join(json.dumps(line) for line in lines)
    assert "secret-ext-9931" not in text
    assert "2012-04-05" not in text
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["error_type"] == "builtins.RuntimeError"
    assert error["route"] == "/test-only/explode/{child_id}"
    assert error["request_id"] == "boom-1"
    (access,) = [line for line in lines if line["logger"] == "review_service.access"]
    assert (access["status"], access["request_id"]) == (500, "boom-1")


def test_an_exception_is_logged_as_type_and_frames_never_its_message() -> None:
    try:
        try:
            raise KeyError("inner-ext-5521")
        except KeyError as inner:
            raise ValueError("outer-ext-5521 2013-02-03") from inner
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    line = json.loads(JsonLineFormatter().format(record))
    assert "5521" not in json.dumps(line)
    assert line["error_type"] == "builtins.ValueError"
    assert line["caused_by"] == ["builtins.KeyError"]
    assert any("test_request_logs.py" in frame for frame in line["stack"])


def test_log_level_setting_is_respected() -> None:
    script = ("import logging; from review_service.observability.logs import configure_logging;"
              "configure_logging('warning'); logging.getLogger('review_service.x').info('hidden');"
              "logging.getLogger('review_service.x').warning('shown')")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout == ""
    (line,) = [json.loads(text) for text in done.stderr.splitlines()]
    assert (line["msg"], line["level"]) == ("shown", "WARNING")
