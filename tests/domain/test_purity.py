"""The domain package stays pure (STYLE.md 1-2): no web, database or scheduler imports, no
imports from the rest of the service, and no reading of the clock."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import review_service.domain as domain_package

DOMAIN = "review_service.domain"
FORBIDDEN_PACKAGES = {
    "fastapi",
    "sqlalchemy",
    "pydantic",
    "pydantic_settings",
    "starlette",
    "httpx",
    "apscheduler",
}
# Ways of reading the clock, as dotted attribute chains.
CLOCK_READS = {
    "date.today",
    "datetime.now",
    "datetime.today",
    "datetime.utcnow",
    "datetime.date.today",
    "datetime.datetime.now",
    "datetime.datetime.today",
    "datetime.datetime.utcnow",
    "time.time",
    "time.time_ns",
}
# `from <module> import <name>` that brings a clock reader in under a bare name.
CLOCK_IMPORTS = {("time", "time"), ("time", "time_ns")}


def _domain_modules() -> list[tuple[str, Path]]:
    root = Path(domain_package.__file__).resolve().parent
    modules = [(DOMAIN, root / "__init__.py")]
    for info in pkgutil.walk_packages([str(root)], prefix=f"{DOMAIN}."):
        module = importlib.import_module(info.name)
        assert module.__file__ is not None
        modules.append((info.name, Path(module.__file__)))
    return modules


def _resolve(module_name: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module an `ImportFrom` names, resolving relative imports."""
    if node.level == 0:
        return node.module or ""
    parts = module_name.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def impurities(module_name: str, source: str, is_package: bool = False) -> list[str]:
    """Every forbidden import or clock read in `source`, described."""
    problems: list[str] = []
    imported: list[str] = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module_name, is_package, node)
            imported.append(target)
            imported.extend(f"{target}.{alias.name}" for alias in node.names)
            for alias in node.names:
                if (target, alias.name) in CLOCK_IMPORTS:
                    problems.append(f"line {node.lineno}: imports the clock {target}.{alias.name}")
        elif isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if dotted in CLOCK_READS:
                problems.append(f"line {node.lineno}: reads the clock via {dotted}")
    for name in imported:
        top = name.split(".")[0]
        if top in FORBIDDEN_PACKAGES:
            problems.append(f"imports {name}")
        elif top == "review_service" and not (name == DOMAIN or name.startswith(f"{DOMAIN}.")):
            problems.append(f"imports {name} from outside the domain")
    return sorted(set(problems))


def test_the_domain_package_has_the_expected_modules() -> None:
    names = {name for name, _ in _domain_modules()}
    assert {
        DOMAIN,
        f"{DOMAIN}.working_days",
        f"{DOMAIN}.regions",
        f"{DOMAIN}.months",
    } <= names


@pytest.mark.parametrize(("module_name", "path"), _domain_modules(), ids=lambda v: str(v))
def test_domain_module_is_pure(module_name: str, path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert impurities(module_name, source, is_package=path.name == "__init__.py") == []


@pytest.mark.parametrize(
    "source",
    [
        "import fastapi",
        "from sqlalchemy.orm import Session",
        "import pydantic.v1 as p",
        "from starlette import status",
        "import httpx",
        "from apscheduler.schedulers.background import BackgroundScheduler",
        "from review_service.settings import Settings",
        "import review_service.clock",
        "from review_service import app",
        "from .. import database",
        "from ..models import Base",
        "from datetime import date\nx = date.today()",
        "import datetime\nx = datetime.datetime.now()",
        "from datetime import datetime\nx = datetime.now(tz=None)",
        "import time\nx = time.time()",
        "from time import time",
    ],
)
def test_the_checker_catches_impurities(source: str) -> None:
    assert impurities(f"{DOMAIN}.example", source) != []


@pytest.mark.parametrize(
    "source",
    [
        "from review_service.domain.regions import Region",
        "from .regions import Region",
        "from . import months",
        "import holidays\nimport numpy as np\nfrom dateutil.relativedelta import relativedelta",
        "from datetime import date, timedelta\nx = date(2024, 1, 1) + timedelta(days=1)",
    ],
)
def test_the_checker_allows_pure_code(source: str) -> None:
    assert impurities(f"{DOMAIN}.example", source) == []
