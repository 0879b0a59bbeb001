"""Disruption meetings after an unplanned ending (RULES.md §2 [001])."""
