"""Calendar feature: working-day arithmetic and operator-declared non-working days."""
