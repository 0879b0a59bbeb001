"""The import report (API.md "Wave 2" Importing)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CreatedUpdatedUnchanged(BaseModel):
    """How many records the import created, updated, or found already as the files say."""

    created: int = Field(default=0, description="New in the service.")
    updated: int = Field(default=0, description="Held already and extended or completed.")
    unchanged: int = Field(default=0, description="Held already exactly as the files say.")


class ReviewCounts(BaseModel):
    """Held reviews the import recorded, and those the service already held."""

    recorded: int = Field(default=0, description="Held reviews the import recorded.")
    unchanged: int = Field(default=0, description="Held reviews the service already held.")


class RejectedRow(BaseModel):
    """A row (or child) not imported, and why."""

    file: str = Field(description="`HEADER`, `EPISODES`, `REVIEWS` or `CIN census`.")
    row: int | None = Field(description="1-based data row of the file, when one applies.")
    child: str | None = Field(description="The file's CHILD / LAchildID, when the row has one.")
    rule: str | None = Field(description="The DfE validation rule number, where one applies.")
    reason: str = Field(description="Why, in plain words (never a date of birth).")


class ImportReport(BaseModel):
    """What an import did (or, with `dry_run`, would do). A child with any rejected row is
    rejected whole: nothing of theirs is written."""

    local_authority: str = Field(description="The authority imported into.")
    dry_run: bool = Field(description="True when nothing was written.")
    children: CreatedUpdatedUnchanged = Field(
        default_factory=CreatedUpdatedUnchanged, description="Children, by what happened."
    )
    plans: CreatedUpdatedUnchanged = Field(
        default_factory=CreatedUpdatedUnchanged, description="Plans, by what happened."
    )
    reviews: ReviewCounts = Field(default_factory=ReviewCounts, description="Held reviews.")
    rejected: list[RejectedRow] = Field(
        default_factory=list, description="Every rejected row; its child is not imported."
    )
