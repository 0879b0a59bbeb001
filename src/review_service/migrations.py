"""Run Alembic migrations from code (`review-service migrate`, tests, `make run`), and tell
whether a database's schema is at the newest revision (`serve`, `scheduler`, `GET /ready`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

# The repository's migrations/ directory, installed as this package (setup.py maps it), so an
# installed wheel and an editable checkout find the scripts the same way, from any directory.
MIGRATIONS_PACKAGE = "review_service.alembic_migrations"


def migrations_directory() -> Path:
    """Where the Alembic scripts are: the `review_service.alembic_migrations` package."""
    location = files(MIGRATIONS_PACKAGE)
    if not isinstance(location, Path):  # a zipped install: Alembic needs real files
        raise FileNotFoundError(f"{MIGRATIONS_PACKAGE} is not a directory on disk")
    return location


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


@lru_cache(maxsize=1)
def _revisions() -> tuple[frozenset[str], frozenset[str]]:
    """(head revisions, every revision) of the scripts this version ships; read once, as
    they cannot change while the process runs."""
    config = Config()
    config.set_main_option("script_location", str(migrations_directory()))
    scripts = ScriptDirectory.from_config(config)
    known = frozenset(script.revision for script in scripts.walk_revisions())
    return frozenset(scripts.get_heads()), known


@dataclass(frozen=True, slots=True)
class SchemaState:
    """Where a database's schema stands against this version's migrations."""

    current: frozenset[str]
    newest: frozenset[str]
    known: frozenset[str]

    @property
    def at_head(self) -> bool:
        """True when the database is at the newest revision."""
        return self.current == self.newest

    def explain(self) -> str:
        """One line for an operator: what is wrong and what to do."""
        newest = ", ".join(sorted(self.newest))
        if not self.current:
            return (
                f"the database has no review-service schema (newest revision {newest}): "
                "run `review-service migrate`"
            )
        current = ", ".join(sorted(self.current))
        if not self.current <= self.known:
            return (
                f"the database is at revision {current}, newer than this review-service "
                f"knows ({newest}): install the newer review-service"
            )
        return (
            f"the database is at revision {current}, not the newest ({newest}): "
            "run `review-service migrate`"
        )


def schema_state(connection: Connection) -> SchemaState:
    """The revision the database is at, read through `connection` (changes nothing)."""
    current = MigrationContext.configure(connection).get_current_heads()
    newest, known = _revisions()
    return SchemaState(current=frozenset(current), newest=newest, known=known)
