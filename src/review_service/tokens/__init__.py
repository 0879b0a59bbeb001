"""API tokens: create, list, revoke, authenticate."""
