"""Who is invited to and attends a review (RULES.md §6)."""
