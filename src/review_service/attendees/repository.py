"""Queries on a review's attendees."""

from __future__ import annotations

from review_service.models import Attendee
from review_service.pagination import Keyset
from review_service.reviews.records import ReviewRecords

# Oldest listing first: the order they were invited in.
ATTENDEES = ReviewRecords(Attendee, "attendee", Keyset(Attendee.created_at, Attendee.id))
