"""The same small shape in every feature (STYLE.md 3, 5): a router is an HTTP edge that no
other module builds on, so no router imports another router."""

from __future__ import annotations

import ast
from pathlib import Path

import review_service

SOURCE = Path(review_service.__file__).resolve().parent
# The application assembles the routers; nothing else may reach into one.
ASSEMBLERS = {"app.py"}


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def _is_router(module: str) -> bool:
    return module.startswith("review_service.") and module.rsplit(".", 1)[-1].endswith("router")


def test_no_router_imports_another_router() -> None:
    offenders = sorted(
        f"{path.relative_to(SOURCE)} imports {module}"
        for path in SOURCE.rglob("*.py")
        if path.name not in ASSEMBLERS
        for module in _imported_modules(path)
        if _is_router(module)
    )
    assert offenders == []
