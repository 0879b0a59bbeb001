"""The README's configuration table lists every setting, with the default the code has."""

from __future__ import annotations

import json
import re
from pathlib import Path

from review_service.settings import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_configuration_table_lists_every_setting_with_its_default() -> None:
    rows = dict(re.findall(r"^\| `REVIEW_SERVICE_([A-Z_]+)` \| `([^`]*)` \|", README.read_text(
        encoding="utf-8"), flags=re.MULTILINE))
    for name, field in Settings.model_fields.items():
        assert name.upper() in rows, f"README lacks REVIEW_SERVICE_{name.upper()}"
        default = field.default
        documented = rows[name.upper()]
        if default is None:
            assert documented == "unset", name
        elif isinstance(default, bool):
            assert documented == str(default).lower(), name
        elif isinstance(default, tuple):
            assert json.loads(documented) == list(default), name
        elif isinstance(default, float):
            assert float(documented) == default, name
        else:
            assert documented == str(default), name
    assert set(rows) == {name.upper() for name in Settings.model_fields}, "a stale row"
