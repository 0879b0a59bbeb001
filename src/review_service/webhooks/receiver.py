"""`review-service receive`: a small webhook receiver that checks signatures and prints what
arrives, for trying the service out and for integrators checking their secret."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


def serve_receiver(host: str, port: int, secret: str | None) -> None:
    """Listen on host:port and print each webhook as one JSON line (Ctrl-C stops)."""
    verifier = Webhook(secret) if secret else None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server's method naming
            body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
            headers = {name.lower(): value for name, value in self.headers.items()}
            verified: bool | None = None
            if verifier is not None:
                try:
                    verifier.verify(body, headers)
                    verified = True
                except WebhookVerificationError:
                    verified = False
            print(
                json.dumps(
                    {
                        "webhook_id": headers.get("webhook-id"),
                        "verified": verified,
                        "message": json.loads(body),
                    }
                ),
                flush=True,
            )
            self.send_response(204 if verified is not False else 401)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    print(f"receiving webhooks on http://{host}:{port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
