"""Queries on a review's actions."""

from __future__ import annotations

from review_service.models import Action
from review_service.pagination import Keyset
from review_service.reviews.records import ReviewRecords

# By due date: the order an IRO works through them.
ACTIONS = ReviewRecords(Action, "action", Keyset(Action.due_by, Action.id))
