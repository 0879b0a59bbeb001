"""Warnings the service raises without refusing anything (RULES.md §6, §7: warn, never drop)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    """Something guidance expects that is missing, and the rule it comes from."""

    code: str
    message: str
    rule: str
