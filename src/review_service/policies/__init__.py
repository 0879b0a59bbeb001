"""Per-authority policy values (RULES.md: policy defaults, overridable per local authority)."""
