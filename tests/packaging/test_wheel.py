"""The wheel works on its own: built from the checkout, installed in a fresh virtualenv in a
temporary directory, it migrates a database and serves it (/health and /ready answer 200) with
no checkout around it and no REVIEW_SERVICE_MIGRATIONS_DIR (issue 8, "A wheel that works").

Dependencies come from pip's ordinary configuration (its cache and indexes); the fresh
virtualenv is made without pip and filled by this environment's pip, which saves the slowest
step."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx

REPOSITORY = Path(__file__).resolve().parents[2]
STEP = 300  # seconds at most for any one step (a cold pip cache downloads every dependency)


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=STEP, check=False)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_wheel_installs_migrates_and_serves_from_any_directory(tmp_path: Path) -> None:
    dist, venv, elsewhere = tmp_path / "dist", tmp_path / "venv", tmp_path / "elsewhere"
    elsewhere.mkdir()
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(dist),
         str(REPOSITORY)], cwd=tmp_path)
    (wheel,) = dist.glob("review_service-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "review_service/alembic_migrations/env.py" in names
    assert "review_service/alembic_migrations/script.py.mako" in names
    shipped = {Path(n).name for n in names if n.startswith("review_service/alembic_migrations/"
                                                            "versions/")}
    assert shipped == {p.name for p in (REPOSITORY / "migrations" / "versions").glob("*.py")}

    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
         "--quiet", str(wheel)], cwd=tmp_path)

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("REVIEW_SERVICE_", "PYTHON"))}
    env["REVIEW_SERVICE_DATABASE_URL"] = f"sqlite:///{elsewhere / 'review.db'}"
    command = str(venv / "bin" / "review-service")
    assert "newest revision" in run([command, "migrate"], cwd=elsewhere, env=env)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen([command, "serve", "--port", str(port)], cwd=elsewhere, env=env,
                              stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2.0)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
        health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2.0)
        assert (health.status_code, health.json()) == (200, {"status": "ok"})
    finally:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    # The installed package is what ran, not the checkout.
    where = run([str(venv / "bin" / "python"), "-c",
                 "import review_service.migrations as m; print(m.migrations_directory())"],
                cwd=elsewhere, env=env)
    assert str(venv) in where
    assert str(REPOSITORY) not in where
