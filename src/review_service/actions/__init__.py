"""Decisions of a review recorded as actions (RULES.md §7)."""
