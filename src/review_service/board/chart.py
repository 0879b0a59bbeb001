"""The 12-month timeliness chart's geometry, drawn as SVG by the board's template."""

from __future__ import annotations

from dataclasses import dataclass

from review_service.board.view import MonthRate

WIDTH, HEIGHT = 720, 260
_LEFT, _BOTTOM, _TOP = 44, 40, 16
_PLOT_HEIGHT = HEIGHT - _BOTTOM - _TOP


@dataclass(frozen=True, slots=True)
class Bar:
    """One month's bar and its labels; `label` says the value in words for every bar."""

    x: float
    y: float
    width: float
    height: float
    month: str
    label: str


def bars(months: list[MonthRate]) -> list[Bar]:
    """A bar per month: its height is the share of reviews held in timescale."""
    slot = (WIDTH - _LEFT - 8) / max(len(months), 1)
    out = []
    for index, month in enumerate(months):
        height = 0.0 if month.rate is None else round(month.rate * _PLOT_HEIGHT, 1)
        label = "no reviews" if month.rate is None else f"{round(month.rate * 100)}%"
        out.append(
            Bar(
                x=round(_LEFT + index * slot + slot * 0.15, 1),
                y=round(_TOP + _PLOT_HEIGHT - height, 1),
                width=round(slot * 0.7, 1),
                height=height,
                month=month.month,
                label=label,
            )
        )
    return out


def gridlines() -> list[tuple[float, str]]:
    """The y positions of 0, 50 and 100 per cent, with their labels."""
    return [
        (round(_TOP + _PLOT_HEIGHT * (1 - share), 1), f"{int(share * 100)}%")
        for share in (0.0, 0.5, 1.0)
    ]
