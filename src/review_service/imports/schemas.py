"""The import report (API.md "Wave 2" Importing)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CreatedUpdatedUnchanged(BaseModel):
    """How many records the import created, updated, or found already as the files say."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ReviewCounts(BaseModel):
    """Held reviews the import recorded, and those the service already held."""

    recorded: int = 0
    unchanged: int = 0


class RejectedRow(BaseModel):
    """A row (or child) not imported, and why."""

    file: str
    row: int | None = Field(description="1-based data row of the file, when one applies.")
    child: str | None = Field(description="The file's CHILD / LAchildID, when the row has one.")
    rule: str | None = Field(description="The DfE validation rule number, where one applies.")
    reason: str


class ImportReport(BaseModel):
    """What an import did (or, with `dry_run`, would do). A child with any rejected row is
    rejected whole: nothing of theirs is written."""

    local_authority: str
    dry_run: bool
    children: CreatedUpdatedUnchanged = Field(default_factory=CreatedUpdatedUnchanged)
    plans: CreatedUpdatedUnchanged = Field(default_factory=CreatedUpdatedUnchanged)
    reviews: ReviewCounts = Field(default_factory=ReviewCounts)
    rejected: list[RejectedRow] = Field(default_factory=list)
