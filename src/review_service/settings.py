"""Configuration from the environment (`REVIEW_SERVICE_*`)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting the service reads; each is `REVIEW_SERVICE_<NAME>` in the environment."""

    model_config = SettingsConfigDict(env_prefix="REVIEW_SERVICE_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./review-service.db",
        description="SQLAlchemy URL; postgresql+psycopg://... selects PostgreSQL.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Comma-separated addresses of proxies whose X-Forwarded-* headers are "
        "trusted (uvicorn's forwarded_allow_ips); an empty value trusts none.",
    )
    log_level: str = "info"
    database_pool_size: int = Field(default=10, ge=1)
    database_max_overflow: int = Field(default=20, ge=0)
    scheduler_enabled: bool = True
    policy_recompute_at_once_plans: int = Field(
        default=500,
        ge=0,
        description="A policy change of an authority with at most this many open plans "
        "applies its recompute within the change; a larger one leaves it to the scheduler.",
    )
    scheduler_tick_seconds: float = Field(default=1.0, gt=0)
    delivery_poll_seconds: float = Field(default=1.0, gt=0)
    timer_batch: int = Field(default=1000, ge=1)
    # Each file of an import (API and CLI alike); larger is refused with 413 (issue 10).
    import_max_file_bytes: int = Field(default=64 * 1024 * 1024, ge=1)
    delivery_batch: int = Field(default=200, ge=1)
    delivery_concurrency: int = Field(default=16, ge=1, le=256)
    # Seconds between webhook attempts: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    retry_schedule: tuple[int, ...] = (5, 300, 1800, 7200, 18000, 36000, 36000)
    # Webhook destinations (issue 8): link-local, cloud metadata, unspecified, multicast and
    # broadcast addresses are always refused; loopback and private ranges are the
    # deployment's choice, checked at connect time (webhooks/transport.py).
    webhook_allow_loopback: bool = Field(
        default=True,
        description="Whether webhooks may go to 127.0.0.0/8 and ::1 (this host).",
    )
    webhook_allow_private: bool = Field(
        default=True,
        description="Whether webhooks may go to 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7.",
    )

    # Untrusted input at the edge (request_guard.py): a request over a bound is refused
    # before its body is read.
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="Largest request body (a route may allow more)."
    )
    max_query_parameters: int = Field(default=100, ge=1)
    max_header_count: int = Field(default=100, ge=10)
    max_request_head_bytes: int = Field(
        default=16 * 1024, ge=4096, description="Request line and headers together (`serve`)."
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, url: str) -> str:
        problem = database_url_problem(url)
        if problem is not None:
            raise ValueError(problem)
        return url


def database_url_problem(url: str) -> str | None:
    """Why `url` names no database this service can use, or None when it can."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return "not a database URL: use sqlite:///PATH or postgresql+psycopg://USER@HOST/NAME"
    if parsed.drivername in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        return None
    if parsed.drivername.partition("+")[0] in ("postgres", "postgresql"):
        return (
            f"{parsed.drivername}:// is not supported: use postgresql+psycopg://USER@HOST/NAME "
            "(the psycopg 3 driver)"
        )
    return (
        f"unknown database {parsed.drivername!r}: "
        "use sqlite:///PATH or postgresql+psycopg://USER@HOST/NAME"
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
