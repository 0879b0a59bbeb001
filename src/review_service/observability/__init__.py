"""Logs, request ids and metrics: what an operator sees of the running service."""
