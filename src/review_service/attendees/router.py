"""HTTP edge of attendees."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1/reviews", tags=["attendees"])
