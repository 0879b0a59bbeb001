"""A CIN census import planned from the DfE XML (`Message/Children/Child`; issue 10).

Parsed with defusedxml: a DTD, an entity declaration or an external reference refuses the
file (no billion laughs, no reading local files), and the stream is bounded in size. The
elements are read with iterparse and each `Child` is dropped once read, so the XML tree never
grows; the small per-child records are kept until the end so that a repeated LAchildID
(census rule 8510) rejects every copy, the same trade-off as the SSDA903 reader.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from review_service.domain.cin_census_rules import CensusChild, CensusPlanDates, cin_census_child
from review_service.domain.dfe_records import ChildOutcome, DateFormatError, parse_iso_date
from review_service.domain.policy import Policy
from review_service.domain.working_days import WorkingDayCalendar
from review_service.imports.csv_tables import DEFAULT_MAX_FILE_BYTES
from review_service.imports.file_errors import BoundedReader, FileProblem, ImportFileError

CENSUS_FILE = "CIN census"


def _local(tag: str) -> str:
    """The tag without a namespace, so a namespaced census file reads the same."""
    return tag.rsplit("}", 1)[-1]


def _text(element: Element, name: str) -> str:
    for node in element.iter():
        if _local(node.tag) == name:
            return (node.text or "").strip()
    return ""


def _descendants(element: Element, name: str) -> list[Element]:
    return [node for node in element.iter() if _local(node.tag) == name]


def _census_child(element: Element, position: int) -> CensusChild:
    identifiers = _descendants(element, "ChildIdentifiers")
    identity = identifiers[0] if identifiers else Element("ChildIdentifiers")
    cin_plans = tuple(
        CensusPlanDates(_text(dates, "CINPlanStartDate"), _text(dates, "CINPlanEndDate"))
        for dates in _descendants(element, "CINPlanDates")
    )
    protection_plans = tuple(
        CensusPlanDates(
            _text(plan, "CPPstartDate"),
            _text(plan, "CPPendDate"),
            tuple((node.text or "").strip() for node in _descendants(plan, "CPPreviewDate")),
        )
        for plan in _descendants(element, "ChildProtectionPlans")
    )
    return CensusChild(
        file=CENSUS_FILE,
        position=position,
        la_child_id=_text(identity, "LAchildID"),
        person_birth_date=_text(identity, "PersonBirthDate"),
        expected_birth_date=_text(identity, "ExpectedPersonBirthDate"),
        cin_plans=cin_plans,
        protection_plans=protection_plans,
    )


def _collection_start(reference_date: str) -> date | None:
    """1 April before the census ReferenceDate (31 March), or None when the header lacks it."""
    try:
        reference = parse_iso_date(reference_date, "ReferenceDate")
    except DateFormatError:
        return None
    return date(reference.year - 1, 4, 1)


def read_census(
    stream: BinaryIO, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> tuple[list[CensusChild], date | None]:
    """Every `Child` of the file, and the collection year's first day if the header gives it."""
    reader = BoundedReader(stream, CENSUS_FILE, max_bytes)
    children: list[CensusChild] = []
    reference = ""
    try:
        events = iterparse(reader, events=("end",), forbid_dtd=True)
        for _, element in events:
            name = _local(element.tag)
            if name == "ReferenceDate":
                reference = (element.text or "").strip()
            elif name == "Child":
                children.append(_census_child(element, len(children) + 1))
                element.clear()
    except DefusedXmlException:
        raise ImportFileError(
            CENSUS_FILE,
            FileProblem.FORBIDDEN_XML,
            "the file declares a DTD, entities or external references, which are refused",
        ) from None
    except ParseError:
        raise ImportFileError(
            CENSUS_FILE, FileProblem.NOT_WELL_FORMED, "the file is not well-formed XML"
        ) from None
    return children, _collection_start(reference)


def plan_cin_census_import(
    stream: BinaryIO,
    *,
    calendar: WorkingDayCalendar,
    policy: Policy,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> Iterator[ChildOutcome]:
    """Read a census file and return its children to import or reject, in file order.

    The file is read before this returns, so `ImportFileError` (forbidden or malformed XML,
    over `max_bytes`) refuses the import before any child is planned.
    """
    children, collection_start = read_census(stream, max_bytes)
    counts = Counter(child.la_child_id.strip() for child in children)
    return (
        cin_census_child(
            child,
            duplicated=bool(child.la_child_id.strip()) and counts[child.la_child_id.strip()] > 1,
            collection_start=collection_start,
            calendar=calendar,
            policy=policy,
        )
        for child in children
    )
