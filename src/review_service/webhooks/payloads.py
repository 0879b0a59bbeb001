"""What each webhook message carries, for the OpenAPI `webhooks` section (API.md "Webhooks").

Every message is `{"type", "timestamp", "data"}`; `data` holds ids, dates and roles only,
never a child's personal details. The models mirror the code that builds the payloads:
`timers.derive` (reminders and escalations), `reviews.service`/`reviews.completion`/
`reviews.deadlines` (review changes), `events.effects`, `scheduler.jobs` (calendar) and
`webhooks.delivery`/`webhooks.service` (subscription failing, ping).
"""

from __future__ import annotations

import datetime as dt
import inspect
import uuid
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Header, Response
from pydantic import BaseModel, ConfigDict, Field, create_model

from review_service.domain.events import EventType
from review_service.domain.milestones import MilestoneKind
from review_service.domain.plan_types import PlanType
from review_service.domain.regions import Region
from review_service.domain.reviews import ReviewStatus
from review_service.webhooks.delivery import ATTEMPT_TIMEOUT

_ADDRESSED_TO = (
    "Whom the message is for: the owner of the deadline (`chair`, a milestone's owner role, "
    "`action_owner`, a meeting's chair role) for a reminder; for an escalation, level 1 "
    "`iro_unit_manager` (reviews) or `team_manager`, level 2 `service_manager`, level 3 "
    "`head_of_service` (RULES.md §8); `service_delivery_manager` for management oversight."
)


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Deadline(_Data):
    due_by: dt.date = Field(description="The deadline the message is about (London date).")
    local_authority: str = Field(description="Code of the local authority.")
    addressed_to: str = Field(description=_ADDRESSED_TO)


class _Escalation(BaseModel):
    escalation_level: int = Field(
        ge=1, le=3, description="1 the day after `due_by`, then 2 and 3 (RULES.md §8)."
    )


class _ReviewIds(BaseModel):
    review_id: uuid.UUID = Field(description="The review.")
    plan_id: uuid.UUID = Field(description="The review's plan.")
    plan_type: PlanType = Field(description="The type of the plan.")
    sequence: int = Field(description="Place of the review in the plan's series: 1, 2, ...")
    chair_id: str | None = Field(description="The record system's id of the IRO or chair.")


class ReviewDueSoonData(_ReviewIds, _Deadline):
    """A review is due within the reminder lead time."""


class ReviewOverdueData(_Escalation, _ReviewIds, _Deadline):
    """A review was not held by `due_by`."""

    cafcass_referral_consideration: Literal[True] | None = Field(
        default=None,
        description="Present, true, at level 3 of a looked_after review: the IRO's "
        "consideration of a Cafcass referral is recorded (RULES.md §8).",
    )


class _MilestoneIds(BaseModel):
    milestone_id: uuid.UUID = Field(description="The milestone.")
    kind: MilestoneKind = Field(description="Which task (RULES.md §5).")
    plan_id: uuid.UUID = Field(description="The milestone's plan.")
    review_id: uuid.UUID | None = Field(description="Its review; null for plan-level ones.")


class MilestoneDueSoonData(_MilestoneIds, _Deadline):
    """A milestone is due within the reminder lead time."""


class MilestoneOverdueData(_Escalation, _MilestoneIds, _Deadline):
    """A milestone was not done by `due_by`."""


class ManagementOversightDueData(_MilestoneIds, _Deadline):
    """A child in need plan's management oversight milestone is due today."""


class ActionOverdueData(_Escalation, _Deadline):
    """A review's action was not done by `due_by`."""

    action_id: uuid.UUID = Field(description="The action.")
    review_id: uuid.UUID = Field(description="The review that decided it.")
    plan_id: uuid.UUID = Field(description="The plan.")


class ConsiderationOverdueData(_Escalation, _Deadline):
    """The chair has not decided on a significant event by `due_by`."""

    consideration_id: uuid.UUID = Field(description="The consideration.")
    plan_id: uuid.UUID = Field(description="The plan.")
    event_type: EventType = Field(description="The event to consider.")
    chair_id: str | None = Field(description="The chair who considers it.")


class MeetingOverdueData(_Escalation, _Deadline):
    """A disruption meeting was not held by `due_by`."""

    meeting_id: uuid.UUID = Field(description="The meeting.")
    kind: Literal["disruption"] = Field(description="The kind of meeting.")
    plan_id: uuid.UUID = Field(description="The plan.")


class _ConferenceIds(BaseModel):
    enquiry_id: uuid.UUID = Field(description="The child protection enquiry.")
    strategy_discussion_on: dt.date = Field(
        description="The strategy discussion the conference is counted from (RULES.md §2)."
    )
    chair_id: str | None = Field(description="The conference chair, if known.")


class ConferenceDueSoonData(_ConferenceIds, _Deadline):
    """An initial child protection conference is due within the reminder lead time."""


class ConferenceOverdueData(_Escalation, _ConferenceIds, _Deadline):
    """An initial child protection conference was not held by `due_by` (15 working days
    after the strategy discussion, RULES.md §2)."""


class _ReviewChange(_ReviewIds, _Data):
    local_authority: str = Field(description="Code of the local authority.")
    status: ReviewStatus = Field(description="The review's status after the change.")
    due_by: dt.date = Field(description="The review's due date after the change.")
    late: bool = Field(description="Held, scheduled or reconvening after `due_by`.")


class ReviewScheduledData(_ReviewChange):
    """A review was scheduled (or rescheduled)."""

    scheduled_for: dt.datetime | None = Field(description="When it meets.")


class ReviewAdjournedData(_ReviewChange):
    """A review that met was adjourned."""

    reconvene_on: dt.date | None = Field(description="When it reconvenes.")


class ReviewHeldData(_ReviewChange):
    """A review was held; the next one of the series is due."""

    held_on: dt.date = Field(description="The date it was held.")
    next_review_id: uuid.UUID | None = Field(description="The next review, if the series goes on.")
    next_review_due_by: dt.date | None = Field(description="When the next review is due.")


class ReviewCancelledData(_ReviewChange):
    """A review was cancelled (by hand or because its plan ended)."""

    replacement_id: uuid.UUID | None = Field(
        description="The review opened in its place, or null when the plan ended."
    )


class ReviewBroughtForwardData(_ReviewIds, _Data):
    """A review's due date moved earlier (by hand, an event or a chair's decision)."""

    local_authority: str = Field(description="Code of the local authority.")
    due_by_before: dt.date = Field(description="The due date before.")
    due_by: dt.date = Field(description="The new, earlier due date.")


class ConsiderationOpenedData(_Data):
    """A significant event asks the chair to consider bringing the review forward."""

    consideration_id: uuid.UUID = Field(description="The consideration.")
    plan_id: uuid.UUID = Field(description="The plan.")
    review_id: uuid.UUID | None = Field(description="The pending review, if any.")
    event_type: EventType = Field(description="The event to consider.")
    chair_id: str | None = Field(description="The chair who considers it.")
    due_by: dt.date = Field(description="The chair decides by this date (RULES.md §4).")
    local_authority: str = Field(description="Code of the local authority.")


class MeetingCreatedData(_Data):
    """An unplanned ending calls for a disruption meeting."""

    meeting_id: uuid.UUID = Field(description="The meeting.")
    kind: Literal["disruption"] = Field(description="The kind of meeting.")
    plan_id: uuid.UUID = Field(description="The plan.")
    due_by: dt.date = Field(description="Held by this date (RULES.md §2).")
    chair_role: str = Field(description="Who chairs it: a manager not involved in the case.")
    local_authority: str = Field(description="Code of the local authority.")


class CalendarChangedData(_Data):
    """A region's calendar changed and its open deadlines were recomputed."""

    region: Region = Field(description="The region whose working days changed.")
    reason: str = Field(description="What changed, e.g. a declared non-working day.")
    deadlines_moved: int = Field(ge=0, description="How many open deadlines moved.")


class PolicyChangedData(_Data):
    """An authority's policy changed and its open deadlines were recomputed."""

    local_authority: str = Field(description="Code of the local authority.")
    reason: str = Field(description="What changed: the authority's policy.")
    deadlines_moved: int = Field(ge=0, description="How many open deadlines moved.")


class SubscriptionFailingData(_Data):
    """Another subscription is failing (sent to every subscription but that one)."""

    subscription_id: uuid.UUID = Field(description="The failing subscription.")
    url: str = Field(description="Its receiver's address.")
    status: Literal["active", "disabled"] = Field(description="Its status now.")
    failed_webhook_id: str = Field(description="The `webhook-id` of the delivery that failed.")
    last_status_code: int | None = Field(description="The receiver's last HTTP status, if any.")


class PingData(_Data):
    """A test message sent on request to one subscription."""

    subscription_id: uuid.UUID = Field(description="The subscription tested.")


# What the `data` of each type in EVENT_TYPES holds (tests hold the two equal).
PAYLOADS: dict[str, type[BaseModel]] = {
    "review.due_soon": ReviewDueSoonData,
    "review.overdue": ReviewOverdueData,
    "review.brought_forward": ReviewBroughtForwardData,
    "review.scheduled": ReviewScheduledData,
    "review.held": ReviewHeldData,
    "review.adjourned": ReviewAdjournedData,
    "review.cancelled": ReviewCancelledData,
    "milestone.due_soon": MilestoneDueSoonData,
    "milestone.overdue": MilestoneOverdueData,
    "action.overdue": ActionOverdueData,
    "consideration.opened": ConsiderationOpenedData,
    "consideration.overdue": ConsiderationOverdueData,
    "meeting.created": MeetingCreatedData,
    "meeting.overdue": MeetingOverdueData,
    "conference.due_soon": ConferenceDueSoonData,
    "conference.overdue": ConferenceOverdueData,
    "plan.management_oversight_due": ManagementOversightDueData,
    "calendar.changed": CalendarChangedData,
    "policy.changed": PolicyChangedData,
    "subscription.failing": SubscriptionFailingData,
    "ping": PingData,
}


class WebhookMessage(BaseModel):
    """The body POSTed to a subscription's URL."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="The event type, the webhook's name.")
    timestamp: dt.datetime = Field(description="When the message was written, with an offset.")
    data: dict[str, Any] = Field(description="What happened: ids, dates and roles.")


def message_model(event_type: str) -> type[BaseModel]:
    """The model of a whole message of `event_type`: the envelope with its `data`."""
    data_model = PAYLOADS[event_type]
    name = data_model.__name__.removesuffix("Data") + "Message"
    fields: dict[str, Any] = {
        "type": (Literal[event_type], Field(description="The event type.")),
        "data": (data_model, Field(description=f"What the `{event_type}` message is about.")),
    }
    return create_model(name, __base__=WebhookMessage, **fields)


_HEADERS = {
    "webhook_id": (
        "webhook-id",
        "The message id, the same on every retry: deduplicate on it.",
    ),
    "webhook_timestamp": ("webhook-timestamp", "When this attempt was signed, in unix seconds."),
    "webhook_signature": (
        "webhook-signature",
        "`v1,` + base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` keyed with "
        "the decoded secret; during a secret rotation, two signatures separated by a space.",
    ),
}
_RECEIVER_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"description": "Received: any 2xx answer acknowledges the delivery."},
    "default": {
        "description": f"Any other answer, or none within {ATTEMPT_TIMEOUT:g} s, is retried "
        "with backoff "
        "(`Retry-After` honoured); 410 disables the subscription."
    },
}


def declare_webhooks(app: FastAPI) -> None:
    """Describe every webhook the service sends in the OpenAPI `webhooks` section."""
    for event_type, data_model in PAYLOADS.items():
        message = message_model(event_type)

        def receive(**_: Any) -> None:
            """Documentation only: the service sends this; it does not receive it."""

        parameters = [
            inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, annotation=message)
        ] + [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[str, Header(alias=alias, description=text)],
            )
            for name, (alias, text) in _HEADERS.items()
        ]
        receive.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        app.webhooks.add_api_route(
            event_type,
            receive,
            methods=["POST"],
            summary=event_type,
            description=data_model.__doc__,
            responses=_RECEIVER_ANSWERS,
            response_model=None,
            response_class=Response,
        )
