"""SQLAlchemy 2 typed models: every table of the service on one metadata."""

from review_service.models.audit import AuditEntry
from review_service.models.base import Base
from review_service.models.calendar import NonWorkingDay
from review_service.models.children import Child, Plan
from review_service.models.policies import PolicyOverride
from review_service.models.reviews import Action, Attendee, Milestone, Review
from review_service.models.tokens import ApiToken

__all__ = [
    "Action",
    "ApiToken",
    "Attendee",
    "AuditEntry",
    "Base",
    "Child",
    "Milestone",
    "NonWorkingDay",
    "Plan",
    "PolicyOverride",
    "Review",
]
