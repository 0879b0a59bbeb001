"""SSDA903 episodes of care → periods of care → the plans whose reviews the service keeps
(API.md "Wave 2", issue 10).

A child's episodes, in `DECOM` order, form periods of care: an episode whose `REC` is `X1`
continues into the next; any other `REC` ends the period at its `DEC`; a blank `DEC` is still
open. A period is a `looked_after` plan from its first `DECOM`, or `short_breaks` where the
legal status is V3 or V4; a change between V3/V4 and any other status starts a new plan at
that episode's `DECOM`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from review_service.domain.dfe_records import SourceRow
from review_service.domain.plan_types import PlanType

# SSDA903 codes: REC X1 = "episode ceases and a new one begins in the same period of care";
# RNE S = "started to be looked after"; LS V3/V4 = accommodated for a series of short breaks.
CONTINUES_PERIOD = "X1"
STARTED_TO_BE_LOOKED_AFTER = "S"
SHORT_BREAK_LEGAL_STATUSES = frozenset({"V3", "V4"})


@dataclass(frozen=True, slots=True)
class Episode:
    """An EPISODES row whose dates have been read."""

    source: SourceRow
    decom: date
    dec: date | None
    rne: str
    ls: str
    rec: str

    @property
    def is_short_break(self) -> bool:
        """True under legal status V3 or V4."""
        return self.ls in SHORT_BREAK_LEGAL_STATUSES


@dataclass(frozen=True, slots=True)
class PlanSpan:
    """The stretch of care one plan covers. `end` is None while it is open.
    `history_complete` is False when the period began before the files (first episode's RNE is
    not S) and for short breaks, whose reviews SSDA903 does not carry (DfE rule 399)."""

    plan_type: PlanType
    start: date
    end: date | None
    history_complete: bool

    def contains(self, day: date) -> bool:
        """True when `day` falls within the plan, both ends included."""
        return self.start <= day and (self.end is None or day <= self.end)


def periods_of_care(episodes: Sequence[Episode]) -> list[list[Episode]]:
    """Group episodes (already in `DECOM` order, not overlapping) into periods of care.

    An X1 episode continues into the next one; a last episode ending X1 with nothing after
    it in the files leaves its period open (care continues beyond what the files show).
    """
    periods: list[list[Episode]] = []
    current: list[Episode] = []
    for episode in episodes:
        current.append(episode)
        if episode.dec is not None and episode.rec != CONTINUES_PERIOD:
            periods.append(current)
            current = []
    if current:
        periods.append(current)
    return periods


def _period_end(period: Sequence[Episode]) -> date | None:
    last = period[-1]
    if last.dec is None or last.rec == CONTINUES_PERIOD:
        return None
    return last.dec


def _split_by_legal_status(period: Sequence[Episode]) -> list[list[Episode]]:
    runs: list[list[Episode]] = []
    for episode in period:
        if runs and runs[-1][-1].is_short_break == episode.is_short_break:
            runs[-1].append(episode)
        else:
            runs.append([episode])
    return runs


def plan_spans(episodes: Sequence[Episode]) -> list[PlanSpan]:
    """The plans the episodes make, in date order."""
    spans: list[PlanSpan] = []
    for period in periods_of_care(episodes):
        began_before_files = period[0].rne != STARTED_TO_BE_LOOKED_AFTER
        runs = _split_by_legal_status(period)
        for index, run in enumerate(runs):
            is_last = index == len(runs) - 1
            # A change of legal status ends this plan the day the next one starts.
            end = _period_end(period) if is_last else runs[index + 1][0].decom
            short_breaks = run[0].is_short_break
            spans.append(
                PlanSpan(
                    plan_type=PlanType.SHORT_BREAKS if short_breaks else PlanType.LOOKED_AFTER,
                    start=run[0].decom,
                    end=end,
                    history_complete=not short_breaks and not (index == 0 and began_before_files),
                )
            )
    return spans


def plan_holding(spans: Sequence[PlanSpan], day: date) -> PlanSpan | None:
    """The plan a review held on `day` belongs to: a looked-after plan containing it if there
    is one (on the day one plan ends and another begins), else any plan containing it."""
    containing = [span for span in spans if span.contains(day)]
    for span in containing:
        if span.plan_type is PlanType.LOOKED_AFTER:
            return span
    return containing[0] if containing else None
