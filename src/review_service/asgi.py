"""The app as uvicorn imports it (`review_service.asgi:app`)."""

from review_service.app import create_app
from review_service.observability.logs import configure_logging
from review_service.settings import get_settings

# Each uvicorn worker imports this module: its logs are JSON lines like every process's.
configure_logging(get_settings().log_level)
app = create_app()
