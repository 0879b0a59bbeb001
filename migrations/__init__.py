"""The Alembic scripts; installed as `review_service.alembic_migrations` (see setup.py)."""
