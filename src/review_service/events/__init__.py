"""Significant events from feeds and record systems (RULES.md §4)."""
