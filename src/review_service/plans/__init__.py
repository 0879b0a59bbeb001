"""Plans: each has one series of reviews (RULES.md §2)."""
