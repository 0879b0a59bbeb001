"""`Idempotency-Key` for POSTs that create things (IETF draft-ietf-httpapi-idempotency-key).

The key is claimed by inserting a row under a unique constraint in the request's own
transaction: a concurrent duplicate waits on that constraint until the first commits, then
replays the first response. No read-then-write race.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from review_service.auth import Principal
from review_service.models import IdempotentRequest
from review_service.problems import Conflict

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="A unique key per create request; a retry with the same key and body "
        "gets the first response again and creates nothing.",
    ),
]


class Replay(Exception):
    """The request repeats an earlier one: answer with its stored response."""

    def __init__(self, status_code: int, body: dict[str, Any]) -> None:
        super().__init__("replay")
        self.status_code = status_code
        self.body = body


async def _on_replay(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Replay)
    return JSONResponse(
        exc.body, status_code=exc.status_code, headers={"Idempotent-Replayed": "true"}
    )


def install_replay_handler(app: FastAPI) -> None:
    """Answer a `Replay` with the stored response (idempotency owns it, so `problems`, which
    it imports, need not import it back)."""
    app.add_exception_handler(Replay, _on_replay)


def request_fingerprint(method: str, path: str, body: BaseModel | dict[str, Any]) -> str:
    """SHA-256 of the request's method, path and canonical JSON body."""
    payload = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    text = json.dumps([method, path, payload], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(slots=True)
class Claim:
    """A claimed key, to be completed with the response in the same transaction."""

    record: IdempotentRequest | None

    def remember(self, status_code: int, body: BaseModel) -> None:
        """Store the response that retries with this key will receive."""
        if self.record is not None:
            self.record.status_code = status_code
            self.record.response_body = body.model_dump(mode="json")


def claim(
    session: Session, principal: Principal, key: str | None, fingerprint: str, now: datetime
) -> Claim:
    """Claim `key` for this request, or raise Replay / Conflict if it was used before."""
    if key is None:
        return Claim(None)
    existing = _find(session, principal.token_name, key)
    if existing is None:
        record = IdempotentRequest(
            token_name=principal.token_name, key=key, request_hash=fingerprint, created_at=now
        )
        try:
            with session.begin_nested():
                session.add(record)
                session.flush()
            return Claim(record)
        except IntegrityError:
            existing = _find(session, principal.token_name, key)
            assert existing is not None
    if existing.request_hash != fingerprint:
        raise Conflict("this Idempotency-Key was already used for a different request")
    assert existing.status_code is not None
    assert existing.response_body is not None
    raise Replay(existing.status_code, existing.response_body)


def _find(session: Session, token_name: str, key: str) -> IdempotentRequest | None:
    return session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.token_name == token_name, IdempotentRequest.key == key
        )
    )
