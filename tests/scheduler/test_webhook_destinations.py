"""The SSRF guard holds (issue 8, defect 5).

A subscription's URL is refused at create and PATCH when its host is, in any numeric or
embedded spelling, an address no deployment may reach. The real guard is at connect time:
the host is resolved, every address checked, and the checked address connected to, on every
attempt, pings included. A test resolver (a constructor parameter of the delivery client)
makes a name resolve to the metadata address; nothing is sent anywhere but 127.0.0.1.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator, Sequence
from datetime import timedelta
from ipaddress import ip_address
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from review_service.app import create_app
from review_service.clock import ControllableClock
from review_service.domain.destinations import DestinationPolicy, IPAddress
from review_service.models import WebhookSubscription
from review_service.scheduler.runner import SchedulerRunner
from review_service.settings import Settings
from review_service.webhooks.delivery import deliver_due
from review_service.webhooks.transport import delivery_client
from tests.api.factories import Headers
from tests.conftest import TokenFactory
from tests.scheduler.receiver import Receiver
from tests.scheduler.test_delivery import HOOKS, only_delivery, send_ping, subscribe

OPEN = DestinationPolicy(allow_loopback=True, allow_private=True)
REFUSED = "refused destination"


@pytest.fixture
def hooks(make_token: TokenFactory) -> Headers:
    return make_token("webhooks")


# --- at create and PATCH --------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "http://2852039166/",
    "http://0xa9fea9fe/",
    "http://169.254.43518/",
    "http://0xa9.0xfe.0xa9.0xfe/",
    "http://0251.0376.0251.0376/latest/meta-data/",
    "http://0:8080/hook",
    "http://0.0.0.0:8080/hook",
    "http://[::169.254.169.254]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[2002:a9fe:a9fe::1]/",
    "http://[2001:0:4136:e378:8000:63bf:5601:5601]/",  # Teredo, client 169.254.169.254
    "http://[::]/",
    "http://[fe80::1%25eth0]/",
    "http://100.100.100.200/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://[ff02::1]/",
    "http://1.2.3.4.5/",
    "http://256.1.1.1/",
])
def test_refused_addresses_in_any_spelling_are_refused_at_create_and_patch(
    client: TestClient, hooks: Headers, url: str,
) -> None:
    response = client.post(HOOKS, json={"url": url, "event_types": ["ping"]}, headers=hooks)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get(HOOKS, headers=hooks).json()["items"] == []

    sub = subscribe(client, hooks, "https://hooks.example.org/review", "ping")
    patched = client.patch(f"{HOOKS}/{sub['id']}", json={"url": url}, headers=hooks)
    assert patched.status_code == 422, patched.text
    assert client.get(f"{HOOKS}/{sub['id']}", headers=hooks).json()["url"] == sub["url"]


@pytest.fixture
def closed_client(settings: Settings, clock: ControllableClock) -> Iterator[TestClient]:
    """The API of a deployment that allows neither loopback nor private receivers."""
    closed = create_app(
        settings.model_copy(update={"webhook_allow_loopback": False,
                                    "webhook_allow_private": False}),
        clock=clock, run_scheduler=False)
    with TestClient(closed, raise_server_exceptions=False) as test_client:
        yield test_client
    closed.state.engine.dispose()


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9000/hook", "http://127.1:9000/", "http://0x7f000001/",
    "http://2130706433/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://localhost/",
    "http://LOCALHOST./", "http://api.localhost/", "http://10.0.0.5/", "http://0xa000005/",
    "https://192.168.1.10/hooks", "http://172.16.0.1/", "http://[fd12:3456::1]/",
    "http://[::ffff:10.0.0.5]/",
])
def test_a_deployment_can_refuse_loopback_and_private_literals(
    client: TestClient, closed_client: TestClient, hooks: Headers, url: str,
) -> None:
    refused = closed_client.post(HOOKS, json={"url": url, "event_types": ["ping"]},
                                 headers=hooks)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert "refused by this deployment" in refused.json()["detail"]
    # The default deployment accepts them (a council's receiver is often on its network).
    subscribe(client, hooks, url, "ping")


# --- at connect time ------------------------------------------------------------------------


class FakeResolver:
    """Resolves every name to the addresses a test chooses, and notes what it was asked."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = [ip_address(a) for a in addresses]
        self.asked: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> Sequence[IPAddress]:
        self.asked.append((host, port))
        return self.addresses


def deliver_with(app: FastAPI, clock: ControllableClock, resolver: Any,
                 policy: DestinationPolicy = OPEN) -> int:
    with delivery_client(policy, concurrency=2, timeout=5.0, resolve=resolver) as sender:
        return deliver_due(app.state.session_factory, clock, client=sender)


@pytest.mark.parametrize("addresses", [
    ("169.254.169.254",),
    ("::ffff:169.254.169.254",),
    ("::169.254.169.254",),
    ("64:ff9b::a9fe:a9fe",),
    ("fe80::1",),
    ("0.0.0.0",),
    ("100.100.100.200",),
    ("127.0.0.1", "169.254.169.254"),  # every address is checked, not just the first
])
def test_a_name_resolving_to_a_refused_address_is_refused_at_connect(
    app: FastAPI, client: TestClient, hooks: Headers, clock: ControllableClock,
    receiver: Receiver, addresses: tuple[str, ...],
) -> None:
    port = receiver.server.server_address[1]
    sub = subscribe(client, hooks, f"http://receiver.test:{port}/hook", "ping")
    send_ping(client, hooks, sub["id"])
    resolver = FakeResolver(*addresses)
    assert deliver_with(app, clock, resolver) == 1
    assert resolver.asked == [("receiver.test", port)]
    entry = only_delivery(client, hooks, sub["id"])
    [attempt] = entry["attempts"]
    assert (attempt["status_code"], attempt["error"]) == (None, REFUSED)
    assert entry["status"] == "pending"  # retried on the schedule; a name may change
    assert receiver.received == []


def test_a_name_is_connected_to_at_the_address_that_was_checked(
    app: FastAPI, client: TestClient, hooks: Headers, clock: ControllableClock,
    receiver: Receiver,
) -> None:
    # The resolver answers once per connection; the connection goes to that answer, with
    # no second look-up a rebinding name could answer differently.
    port = receiver.server.server_address[1]
    sub = subscribe(client, hooks, f"http://receiver.test:{port}/hook", "ping")
    queued = send_ping(client, hooks, sub["id"])
    resolver = FakeResolver("127.0.0.1")
    deliver_with(app, clock, resolver)
    [request] = receiver.received
    assert request.headers["host"] == f"receiver.test:{port}"
    assert request.headers["webhook-id"] == queued["webhook_id"]
    assert resolver.asked == [("receiver.test", port)]
    assert only_delivery(client, hooks, sub["id"])["status"] == "delivered"


def test_loopback_in_any_spelling_is_refused_at_connect_when_the_deployment_refuses_it(
    app: FastAPI, client: TestClient, hooks: Headers, clock: ControllableClock,
    runner: SchedulerRunner, receiver: Receiver,
) -> None:
    # Made while the deployment allowed loopback; the setting then changes. Names and
    # numeric spellings are resolved by the system's own resolver, as in production.
    port = receiver.server.server_address[1]
    subs = [subscribe(client, hooks, f"http://{host}:{port}/hook", "ping")
            for host in ("localhost", "0x7f000001", "2130706433", "127.1")]
    for sub in subs:
        send_ping(client, hooks, sub["id"])
    closed = SchedulerRunner(
        app.state.settings.model_copy(update={"webhook_allow_loopback": False,
                                              "retry_schedule": (5, 60)}),
        app.state.engine, app.state.session_factory, clock)
    try:
        closed.run_once()
    finally:
        closed.shutdown()
    assert receiver.received == []
    for sub in subs:
        [attempt] = only_delivery(client, hooks, sub["id"])["attempts"]
        assert (attempt["status_code"], attempt["error"]) == (None, REFUSED)

    # Where loopback is allowed, each of those spellings does reach this receiver.
    clock.advance(timedelta(seconds=5))
    runner.run_once()
    assert len(receiver.received) == len(subs)
    for sub in subs:
        assert only_delivery(client, hooks, sub["id"])["status"] == "delivered"


def test_a_stored_url_create_would_refuse_is_refused_at_connect(
    app: FastAPI, client: TestClient, hooks: Headers, clock: ControllableClock,
    runner: SchedulerRunner, receiver: Receiver, db_session: Session,
) -> None:
    # `http://0:PORT/` reaches this host's loopback through 0.0.0.0; a row from before the
    # create check (or written round it) is still never sent to.
    port = receiver.server.server_address[1]
    stored = WebhookSubscription(
        url=f"http://0:{port}/hook", event_types=["ping"], description=None,
        local_authority=None, secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", status="active",
        created_by="test", created_at=clock.now(), updated_at=clock.now())
    db_session.add(stored)
    db_session.commit()
    send_ping(client, hooks, str(stored.id))
    runner.run_once()
    assert receiver.received == []
    [attempt] = only_delivery(client, hooks, str(stored.id))["attempts"]
    assert (attempt["status_code"], attempt["error"]) == (None, REFUSED)


def test_connection_failures_are_recorded_without_the_sockets_words(
    app: FastAPI, client: TestClient, hooks: Headers, clock: ControllableClock,
) -> None:
    # A bound, unlistening port refuses; a name that does not resolve fails: the log says
    # the same of both, and nothing an attacker could map a network with.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        port = sock.getsockname()[1]
        closed_port = subscribe(client, hooks, f"http://127.0.0.1:{port}/hook", "ping")
        unknown = subscribe(client, hooks, "http://no-such-host.test/hook", "ping")
        send_ping(client, hooks, closed_port["id"])
        send_ping(client, hooks, unknown["id"])

        def resolve(host: str, port: int) -> Sequence[IPAddress]:
            if host == "no-such-host.test":
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            return [ip_address(host)]

        assert deliver_with(app, clock, resolve) == 2
    finally:
        sock.close()
    for sub in (closed_port, unknown):
        [attempt] = only_delivery(client, hooks, sub["id"])["attempts"]
        assert (attempt["status_code"], attempt["error"]) == (
            None, "ConnectError: connection failed")
