"""Running the real `review-service` command in a subprocess, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

EXECUTABLE = Path(sys.executable).with_name("review-service")


@dataclass(frozen=True)
class Outcome:
    """What a finished command left: exit status and its two streams."""

    status: int
    stdout: str
    stderr: str


def command_environment(database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment without any REVIEW_SERVICE_ setting but those given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVIEW_SERVICE_")}
    env["REVIEW_SERVICE_DATABASE_URL"] = database_url
    env.update({f"REVIEW_SERVICE_{name.upper()}": value for name, value in settings.items()})
    return env


def run_command(args: list[str], database_url: str, cwd: Path, **settings: str) -> Outcome:
    """Run `review-service ARGS` to completion (at most 60 s) in `cwd`."""
    done = subprocess.run(
        [str(EXECUTABLE), *args], env=command_environment(database_url, **settings), cwd=cwd,
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, check=False,
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


def assert_usage_error(outcome: Outcome, *words: str) -> None:
    """Exit status 2 and one line on stderr, no traceback, saying each of `words`."""
    assert outcome.status == 2, outcome
    assert "Traceback" not in outcome.stderr, outcome.stderr
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1, outcome.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """An empty directory to run the command in (nothing of the checkout around it)."""
    path = tmp_path / "cwd"
    path.mkdir()
    return path
