"""The webhook event types (API.md "Webhooks", RULES.md §8)."""

from __future__ import annotations

EVENT_TYPES = (
    "review.due_soon",
    "review.overdue",
    "review.brought_forward",
    "review.scheduled",
    "review.held",
    "review.adjourned",
    "review.cancelled",
    "milestone.due_soon",
    "milestone.overdue",
    "action.overdue",
    "consideration.opened",
    "consideration.overdue",
    "meeting.created",
    "meeting.overdue",
    "conference.due_soon",
    "conference.overdue",
    "plan.management_oversight_due",
    "calendar.changed",
    "policy.changed",
    "subscription.failing",
    "ping",
)
