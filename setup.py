"""Packaging beyond what pyproject.toml can say: the Alembic scripts in `migrations/` ship
inside the wheel as the package `review_service.alembic_migrations`, so an installed
`review-service migrate` finds them with no checkout and no environment variable. The
directory stays where it is in the repository (alembic.ini and `alembic` run by hand use it)."""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages("src"),
        "review_service.alembic_migrations",
        "review_service.alembic_migrations.versions",
    ],
    package_dir={"": "src", "review_service.alembic_migrations": "migrations"},
    package_data={
        "review_service": ["py.typed"],
        "review_service.alembic_migrations": ["script.py.mako"],
    },
)
