"""What every command group shares: the one-line usage error, the session, the port checks."""

from __future__ import annotations

import argparse
import logging
import socket
from typing import TYPE_CHECKING, Any, TypeAlias

from review_service.clock import SystemClock
from review_service.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

logger = logging.getLogger("review_service.cli")

# A user's mistake ends the command with one line on stderr and this status, never a traceback.
USAGE_ERROR = 2

# What a command group adds its commands to: `ArgumentParser.add_subparsers()`.
Commands: TypeAlias = "argparse._SubParsersAction[Any]"


class UsageError(Exception):
    """A mistake the user can put right; its message is the one line they see."""


def port_number(text: str) -> int:
    """An argparse type: a TCP port number, 1-65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is out of range (1-65535)")
    return port


def check_can_listen(host: str, port: int) -> None:
    """Raise UsageError when host:port cannot be listened on (in use, or no such address)."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # As uvicorn and http.server bind: only a live listener makes the port busy.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def open_session(settings: Settings) -> Session:
    """A session on the configured database, for one command."""
    from review_service.database import create_database_engine, create_session_factory

    return create_session_factory(create_database_engine(settings), SystemClock())()
