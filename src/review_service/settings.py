"""Configuration from the environment (`REVIEW_SERVICE_*`)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting the service reads; each is `REVIEW_SERVICE_<NAME>` in the environment."""

    model_config = SettingsConfigDict(env_prefix="REVIEW_SERVICE_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./review-service.db",
        description="SQLAlchemy URL; postgresql+psycopg://... selects PostgreSQL.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    database_pool_size: int = Field(default=10, ge=1)
    database_max_overflow: int = Field(default=20, ge=0)
    scheduler_enabled: bool = True
    scheduler_tick_seconds: float = Field(default=1.0, gt=0)
    delivery_poll_seconds: float = Field(default=1.0, gt=0)
    timer_batch: int = Field(default=1000, ge=1)
    # Each file of an import (API and CLI alike); larger is refused with 413 (issue 10).
    import_max_file_bytes: int = Field(default=64 * 1024 * 1024, ge=1)
    delivery_batch: int = Field(default=200, ge=1)
    delivery_concurrency: int = Field(default=16, ge=1, le=256)
    # Seconds between webhook attempts: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    retry_schedule: tuple[int, ...] = (5, 300, 1800, 7200, 18000, 36000, 36000)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
