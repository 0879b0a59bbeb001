"""The app as uvicorn imports it (`review_service.asgi:app`)."""

import gc

from review_service.app import create_app
from review_service.observability.logs import configure_logging
from review_service.settings import get_settings

# Each uvicorn worker imports this module: its logs are JSON lines like every process's.
configure_logging(get_settings().log_level)
app = create_app()

# What is built by now (modules, routes, mappers, settings) lives as long as the worker:
# frozen out of the collector's sight, a full collection walks only what requests leave
# behind. Unfrozen, full collections landing mid-request were the board's slowest renders
# (60 renders at 500,000 plans: max 401 -> 207 ms; bench/board.py).
gc.collect()
gc.freeze()
