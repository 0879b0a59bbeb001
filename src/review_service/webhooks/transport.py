"""The HTTP client webhooks are sent with: it connects only to addresses the destination
policy allows, and no attempt outlives its deadline.

The guard sits where the socket is opened (an httpcore network backend): it resolves the
host itself, checks every address the name resolves to, and connects to the checked
address, so a name cannot be rebound between the check and the connection, and a host in
any spelling (`2852039166`, `[::169.254.169.254]`, a DNS name) is judged by the address it
really reaches. It runs for every new connection of every attempt, pings included.

httpx's timeouts bound each read and write, not the whole exchange: a receiver that sends
a byte every few seconds would hold an attempt for ever. The streams here also stop at the
attempt's total deadline (`attempt_deadline`).
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from ipaddress import ip_address
from typing import Any

import httpcore
import httpx

from review_service.domain.destinations import DestinationPolicy, IPAddress, refusal
from review_service.settings import Settings

Resolver = Callable[[str, int], Sequence[IPAddress]]

# The monotonic time by which the current thread's attempt must end. Each attempt runs in a
# thread of its own and httpcore reads and writes in the calling thread, so a context
# variable reaches exactly the streams of that attempt.
_DEADLINE: ContextVar[float | None] = ContextVar("webhook_attempt_deadline", default=None)


class RefusedDestination(Exception):
    """The receiver's host resolves to an address the destination policy refuses."""


def destination_policy(settings: Settings) -> DestinationPolicy:
    """The deployment's destination policy (`REVIEW_SERVICE_WEBHOOK_ALLOW_*`)."""
    return DestinationPolicy(
        allow_loopback=settings.webhook_allow_loopback,
        allow_private=settings.webhook_allow_private,
    )


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (a literal in any spelling resolves to itself)."""
    found: list[IPAddress] = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        address = ip_address(str(sockaddr[0]).split("%")[0])
        if address not in found:
            found.append(address)
    return found


@contextmanager
def attempt_deadline(seconds: float) -> Iterator[None]:
    """Within this block, every guarded read, write and connect ends `seconds` from now."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _within_deadline(timeout: float | None, expired: type[Exception]) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise expired("the attempt's deadline has passed")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation also stops at the attempt's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _within_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        # The certificate is checked against the URL's host name, not the address.
        return _DeadlineStream(
            self._inner.start_tls(
                ssl_context, server_hostname, _within_deadline(timeout, httpcore.ConnectTimeout)
            )
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Opens TCP connections only to addresses the policy allows (see the module's doc)."""

    def __init__(self, policy: DestinationPolicy, resolve: Resolver = resolve_host) -> None:
        self._policy = policy
        self._resolve = resolve
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Resolve, check every address, connect to the first checked one that answers."""
        _within_deadline(timeout, httpcore.ConnectTimeout)
        try:
            addresses = list(self._resolve(host, port))
        except (OSError, UnicodeError, ValueError) as exc:
            raise httpcore.ConnectError("the host did not resolve") from exc
        if not addresses:
            raise httpcore.ConnectError("the host did not resolve")
        # Every address, not just the first: a name answering with a public and a refused
        # address must not reach the refused one when the first is down.
        if any(refusal(address, self._policy) for address in addresses):
            raise RefusedDestination(host)
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:
            try:
                stream = self._sockets.connect_tcp(
                    str(address),  # a literal: connecting resolves nothing again
                    port,
                    timeout=_within_deadline(timeout, httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return _DeadlineStream(stream)
        assert failure is not None
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Never: a webhook is sent over TCP only."""
        raise RefusedDestination(path)

    def sleep(self, seconds: float) -> None:
        """As httpcore's own backend sleeps (between its connection retries; none here)."""
        self._sockets.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport on the guarded backend."""

    def __init__(
        self, policy: DestinationPolicy, limits: httpx.Limits, resolve: Resolver = resolve_host
    ) -> None:
        super().__init__(limits=limits, trust_env=False)
        # httpx's HTTPTransport takes no network backend: build its connection pool again, as
        # HTTPTransport does, on ours. No proxy (a proxy would connect for us, unchecked).
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy, resolve),
        )


def delivery_client(
    policy: DestinationPolicy,
    *,
    concurrency: int,
    timeout: float,
    resolve: Resolver = resolve_host,
) -> httpx.Client:
    """The client deliveries are sent with: guarded, no redirects, no proxies from the
    environment, a keep-alive pool as wide as the concurrency."""
    # Keep-alive pool at least as wide as the concurrency: past httpx's default of 20, a known
    # httpcore race (encode/httpcore#1110) can fail an attempt the receiver already got.
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.Client(
        transport=GuardedTransport(policy, limits, resolve),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )
