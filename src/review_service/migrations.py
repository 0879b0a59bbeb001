"""Run Alembic migrations from code (`review-service migrate`, tests, `make run`)."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config


def migrations_directory() -> Path:
    """Where the Alembic scripts are: beside the source tree, or in the working directory."""
    configured = os.environ.get("REVIEW_SERVICE_MIGRATIONS_DIR")
    candidates = [Path(configured)] if configured else []
    candidates += [Path(__file__).resolve().parents[2] / "migrations", Path.cwd() / "migrations"]
    for candidate in candidates:
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError(
        "cannot find the migrations directory; set REVIEW_SERVICE_MIGRATIONS_DIR"
    )


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration for `database_url`."""
    config = Config()
    config.set_main_option("script_location", str(migrations_directory()))
    # ConfigParser interpolation would choke on a % in a password.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str) -> None:
    """Bring the database to the newest revision."""
    command.upgrade(alembic_config(database_url), "head")
