"""An IRO's caseload against the IRO Handbook (2010, §2.8): 50-70 children for a full-time
IRO."""

from __future__ import annotations

from enum import StrEnum

HANDBOOK_LOW = 50
HANDBOOK_HIGH = 70


class CaseloadBand(StrEnum):
    """Where a caseload sits against the Handbook's range (said in words, not by colour)."""

    BELOW = "below 50"
    WITHIN = "within 50-70"
    ABOVE = "above 70"


def caseload_band(children: int) -> CaseloadBand:
    """The band of a caseload of `children` children."""
    if children < HANDBOOK_LOW:
        return CaseloadBand.BELOW
    if children > HANDBOOK_HIGH:
        return CaseloadBand.ABOVE
    return CaseloadBand.WITHIN
