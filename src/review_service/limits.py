"""Bounded lengths for every free-text and identifier field (no unbounded input anywhere)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from review_service.domain.authorities import AUTHORITY_CODE_MAX_LENGTH, AUTHORITY_CODE_PATTERN

# Any case on input, upper case once parsed (domain/authorities.py: one canonical form).
LocalAuthorityCode = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=AUTHORITY_CODE_MAX_LENGTH,
        pattern=AUTHORITY_CODE_PATTERN,
        to_upper=True,
    ),
]
ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=100)]
PersonId = Annotated[str, StringConstraints(min_length=1, max_length=100)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
Venue = Annotated[str, StringConstraints(min_length=1, max_length=500)]
IntervalMonths = Annotated[int, Field(ge=1, le=12)]
