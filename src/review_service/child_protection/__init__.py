"""The child protection timeline before a plan: enquiries and their initial conference."""
