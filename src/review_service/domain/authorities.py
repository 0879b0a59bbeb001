"""Local authority codes: one canonical form everywhere (API bodies, queries and paths,
tokens, imports), so that `demo` and `DEMO` are one authority, not two."""

from __future__ import annotations

import re

AUTHORITY_CODE_MAX_LENGTH = 20
# Letters, digits, `_` and `-`; any case on input, stored and compared in upper case.
AUTHORITY_CODE_PATTERN = r"^[A-Za-z0-9_-]+$"
_AUTHORITY_CODE = re.compile(AUTHORITY_CODE_PATTERN)


def canonical_authority_code(code: str) -> str:
    """The canonical (upper-case) form of an authority code; ValueError if it is not one."""
    if not 1 <= len(code) <= AUTHORITY_CODE_MAX_LENGTH or not _AUTHORITY_CODE.fullmatch(code):
        raise ValueError(
            f"a local authority code is 1 to {AUTHORITY_CODE_MAX_LENGTH} letters, digits, "
            "'_' or '-'"
        )
    return code.upper()
