"""The `review-service` command (API.md "Running it"), one module per group of commands."""

from review_service.cli.main import main

__all__ = ["main"]
