"""The parts of the UK whose bank holidays define a working day (RULES.md §1)."""

from __future__ import annotations

from enum import StrEnum


class Region(StrEnum):
    """A bank-holiday region. The value is the name used on the API."""

    ENGLAND_AND_WALES = "england-and-wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"

    @property
    def holidays_subdivision(self) -> str:
        """The `holidays` package's GB subdivision code for this region."""
        return _SUBDIVISIONS[self]


_SUBDIVISIONS = {
    Region.ENGLAND_AND_WALES: "ENG",
    Region.SCOTLAND: "SCT",
    Region.NORTHERN_IRELAND: "NIR",
}

DEFAULT_REGION = Region.ENGLAND_AND_WALES
