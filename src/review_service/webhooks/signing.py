"""Standard Webhooks signatures (API.md "Webhooks"), via the `standardwebhooks` package."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks prefix, not a secret


def new_secret() -> str:
    """A new signing secret: `whsec_` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature_header(
    secrets_in_use: list[str], webhook_id: str, sent_at: datetime, body: str
) -> str:
    """`webhook-signature`: one `v1,` signature per secret in use (two while rotating)."""
    instant = sent_at.astimezone(UTC)
    return " ".join(Webhook(secret).sign(webhook_id, instant, body) for secret in secrets_in_use)


def webhook_headers(
    secrets_in_use: list[str], webhook_id: str, sent_at: datetime, body: str
) -> dict[str, str]:
    """The three Standard Webhooks headers and the content type."""
    return {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature_header(secrets_in_use, webhook_id, sent_at, body),
    }
