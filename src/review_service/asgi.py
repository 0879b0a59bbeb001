"""The app as uvicorn imports it (`review_service.asgi:app`)."""

from review_service.app import create_app

app = create_app()
