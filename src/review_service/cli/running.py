"""`review-service serve | scheduler | receive | openapi`: the processes the service runs as,
and what they serve."""

from __future__ import annotations

import argparse
import json
import signal
import threading

from review_service.cli.base import (
    Commands,
    UsageError,
    check_can_listen,
    logger,
    port_number,
)
from review_service.clock import SystemClock
from review_service.observability.logs import logging_config
from review_service.settings import Settings


def add_serve(commands: Commands) -> None:
    """`serve`: the API, and the scheduler unless told otherwise."""
    serve = commands.add_parser("serve", help="run the API (and the scheduler)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=port_number, default=None)
    serve.add_argument("--no-scheduler", action="store_true", help="API only")
    serve.add_argument("--workers", type=int, default=1, help="API worker processes")
    serve.set_defaults(handler=_serve)


def add_scheduler(commands: Commands) -> None:
    """`scheduler`: the scheduler alone."""
    scheduler = commands.add_parser("scheduler", help="run the scheduler alone")
    scheduler.set_defaults(handler=_scheduler)


def add_receive(commands: Commands) -> None:
    """`receive`: a local webhook receiver that prints what arrives."""
    receive = commands.add_parser("receive", help="print webhooks sent to a local port")
    receive.add_argument("--host", default="127.0.0.1")
    receive.add_argument("--port", type=port_number, default=9000)
    receive.add_argument("--secret", default=None, help="whsec_... to verify signatures")
    receive.set_defaults(handler=_receive)


def add_openapi(commands: Commands) -> None:
    """`openapi`: print the OpenAPI document."""
    openapi = commands.add_parser("openapi", help="print the OpenAPI document")
    openapi.set_defaults(handler=_openapi)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn
    from starlette.types import ASGIApp

    from review_service.app import create_app
    from review_service.server_protocol import server_options

    host = args.host or settings.host
    port = args.port or settings.port
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    check_can_listen(host, port)
    app: ASGIApp | str
    if args.workers == 1:
        # The app is built here, from these settings: the flag cannot be lost to a cached copy.
        app = create_app(
            settings, run_scheduler=settings.scheduler_enabled and not args.no_scheduler
        )
    else:
        # Each worker process imports the app anew and reads its settings from the environment.
        # Several workers must not each run a scheduler: run `review-service scheduler` apart.
        import os

        os.environ["REVIEW_SERVICE_SCHEDULER_ENABLED"] = "false"
        app = "review_service.asgi:app"
    trusted_proxies = settings.forwarded_allow_ips.strip()
    uvicorn.run(
        app,
        host=host,
        port=port,
        workers=args.workers,
        log_level=settings.log_level,
        # JSON lines in every worker; the app writes the access line (route template, no query).
        log_config=logging_config(settings.log_level),
        access_log=False,
        # X-Forwarded-For/-Proto only from the proxies configured, none when empty.
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=trusted_proxies or None,
        **server_options(settings),
    )
    return 0


def _scheduler(_args: argparse.Namespace, settings: Settings) -> int:
    from review_service.database import create_database_engine, create_session_factory
    from review_service.scheduler.runner import SchedulerRunner

    engine = create_database_engine(settings)
    clock = SystemClock()
    runner = SchedulerRunner(settings, engine, create_session_factory(engine, clock), clock)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    runner.start()
    logger.info("scheduler running; Ctrl-C or SIGTERM stops it")
    stop.wait()
    runner.shutdown()
    engine.dispose()
    logger.info("scheduler stopped")
    return 0


def _receive(args: argparse.Namespace, _settings: Settings) -> int:
    from standardwebhooks import Webhook

    from review_service.webhooks.receiver import serve_receiver

    if args.secret is not None:
        try:
            Webhook(args.secret)
        except Exception:  # empty, or not base64: the library raises several kinds
            raise UsageError(
                "--secret must be a subscription's signing secret (whsec_...), not empty"
            ) from None
    check_can_listen(args.host, args.port)
    serve_receiver(args.host, args.port, args.secret)
    return 0


def _openapi(_args: argparse.Namespace, settings: Settings) -> int:
    from review_service.app import create_app

    app = create_app(settings, run_scheduler=False)
    print(json.dumps(app.openapi(), indent=2, sort_keys=True))
    return 0
