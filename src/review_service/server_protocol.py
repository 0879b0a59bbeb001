"""How `review-service serve` runs uvicorn at the edge (issue 8, defect 13).

uvicorn answers a request it cannot parse (a form feed in a header, a head over the size
limit) with `400 text/plain`; every error of the service is a problem document, so `serve`
uses uvicorn's HTTP/1.1 protocol (h11) with that one answer replaced. h11 also bounds the
request line and headers together (`max_request_head_bytes`).
"""

from __future__ import annotations

from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from review_service.problems import problem_response
from review_service.settings import Settings


class ProblemH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, answering a malformed request with a 400 problem document."""

    def send_400_response(self, msg: str) -> None:
        """Answer 400 `application/problem+json` and close (the connection cannot be
        trusted to frame another request)."""
        problem = problem_response(
            400,
            "malformed-request",
            "Malformed HTTP request",
            "the request is not valid HTTP/1.1 (a control character in a header, say, or "
            "a request line and headers over the size limit)",
        )
        headers = [
            (b"content-type", problem.media_type.encode("ascii")),
            (b"content-length", str(len(problem.body)).encode("ascii")),
            (b"connection", b"close"),
        ]
        self.transport.write(
            self.conn.send(h11.Response(status_code=400, headers=headers, reason=b"Bad Request"))
            or b""
        )
        self.transport.write(self.conn.send(h11.Data(data=bytes(problem.body))) or b"")
        self.transport.write(self.conn.send(h11.EndOfMessage()) or b"")
        self.transport.close()


def server_options(settings: Settings) -> dict[str, Any]:
    """The uvicorn options that put this edge in front of the app."""
    return {
        "http": f"{__name__}:{ProblemH11Protocol.__name__}",
        "h11_max_incomplete_event_size": settings.max_request_head_bytes,
    }
