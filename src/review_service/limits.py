"""Bounded lengths for every free-text and identifier field (no unbounded input anywhere)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

LocalAuthorityCode = Annotated[
    str, StringConstraints(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_-]+$")
]
ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=100)]
PersonId = Annotated[str, StringConstraints(min_length=1, max_length=100)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
Venue = Annotated[str, StringConstraints(min_length=1, max_length=500)]
IntervalMonths = Annotated[int, Field(ge=1, le=12)]
