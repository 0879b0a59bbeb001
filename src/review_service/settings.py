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
    scheduler_tick_seconds: float = Field(default=5.0, gt=0)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
