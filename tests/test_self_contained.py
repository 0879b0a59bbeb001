"""A clone anywhere passes `make test`: no test reads outside the repository (issue 8, #11)."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPOSITORY = TESTS.parent

# A path that climbs out of the repository: the sibling docs folder, or parents[N] past the root.
OUTSIDE = re.compile(r"\.\./shared|[\"']shared[\"']|parents\[(\d+)\]")


def _climbs_out(source: Path, match: re.Match[str]) -> bool:
    if match.group(1) is None:
        return True
    # parents[d] of a file d folders below the root is the root; any higher climbs out.
    depth = len(source.relative_to(REPOSITORY).parts) - 1
    return int(match.group(1)) > depth


def test_no_test_reads_outside_the_repository() -> None:
    offenders = [
        f"{source.relative_to(REPOSITORY)}: {match.group(0)}"
        for source in TESTS.rglob("*.py")
        if source != Path(__file__).resolve()
        for match in OUTSIDE.finditer(source.read_text(encoding="utf-8"))
        if _climbs_out(source, match)
    ]
    assert offenders == []


def test_the_govuk_feed_the_calendar_tests_use_is_in_the_repository() -> None:
    feed = TESTS / "data" / "govuk-bank-holidays.json"
    assert feed.is_file()
    assert '"england-and-wales"' in feed.read_text(encoding="utf-8")
