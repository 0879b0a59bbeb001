"""SQLAlchemy 2 typed models: every table of the service on one metadata."""

from review_service.models.audit import AuditEntry
from review_service.models.base import Base
from review_service.models.calendar import NonWorkingDay
from review_service.models.calendar_feeds import CalendarFeed
from review_service.models.child_protection import ChildProtectionEnquiry
from review_service.models.children import Child, Plan
from review_service.models.events import (
    Consideration,
    Event,
    EventEffect,
    IdempotentRequest,
    Meeting,
)
from review_service.models.policies import PolicyOverride
from review_service.models.reviews import Action, Attendee, Milestone, Review
from review_service.models.timers import Timer
from review_service.models.tokens import ApiToken
from review_service.models.webhooks import (
    CalendarRecompute,
    Delivery,
    DeliveryAttempt,
    OutboxMessage,
    SchedulerLease,
    WebhookSubscription,
)

__all__ = [
    "Action",
    "ApiToken",
    "Attendee",
    "AuditEntry",
    "Base",
    "CalendarFeed",
    "CalendarRecompute",
    "Child",
    "ChildProtectionEnquiry",
    "Consideration",
    "Delivery",
    "DeliveryAttempt",
    "Event",
    "EventEffect",
    "IdempotentRequest",
    "Meeting",
    "Milestone",
    "NonWorkingDay",
    "OutboxMessage",
    "Plan",
    "PolicyOverride",
    "Review",
    "SchedulerLease",
    "Timer",
    "WebhookSubscription",
]
