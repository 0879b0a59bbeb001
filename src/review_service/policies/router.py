"""HTTP edge of policies."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1/policies", tags=["policies"])
