"""Forwarding `/api/<service>/<path>` (and Open311's paths) to the configured upstream,
streaming both ways."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import quote, unquote

import aiohttp
from fastapi import Request
from prometheus_client import Counter, Histogram
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send
from yarl import URL

from chassis import observability
from chassis.problems import Problem

# RFC 9110 §7.6.1 hop-by-hop headers: they describe one connection, never forwarded.
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"trailers",
        b"transfer-encoding",
        b"upgrade",
    }
)
# Of the caller's request, also these: the client sets Host and the body's framing for the
# upstream leg itself; `Expect` was already answered to the caller by the gateway's server; the
# gateway sets the ids and the forwarding chain from its own request context. A caller's
# X-Forwarded-Host/-Proto or Forwarded would be believed by the services' servers: dropped.
NOT_FORWARDED = frozenset(
    {
        b"host",
        b"content-length",
        b"expect",
        b"x-request-id",
        b"traceparent",
        b"x-forwarded-for",
        b"x-forwarded-host",
        b"x-forwarded-proto",
        b"forwarded",
    }
)
# Headers aiohttp would invent; the upstream sees only what the caller sent.
NOT_INVENTED = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")
# RFC 3986 pchar (unreserved is always safe for quote()), "/", and "%" to keep escapes as sent.
PATH_SAFE = "/%:@!$&'()*+,;="
QUERY_SAFE = PATH_SAFE + "?"
# uvicorn drops idle keep-alive connections after 5 s; reusing one it is closing loses the
# request, so the pool lets them go first.
KEEPALIVE_SECONDS = 4.0
# How long a replica that refused a connection is tried only after the others.
REPLICA_REST_SECONDS = 5.0
# A request or an answer of at most this many declared bytes is read whole and sent in one
# piece; a longer one, or one of unknown length, is streamed as it arrives.
BUFFERED_BYTES = 64 * 1024
# Methods a replica may be sent again after a connection to another broke mid-request.
SAFE_TO_REPEAT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

UPSTREAM_REQUESTS = Counter(
    "shijian_gateway_upstream_requests_total",
    "Requests forwarded to an upstream service, by status (error: unavailable or timed out).",
    ["service", "method", "status"],
)
UPSTREAM_LATENCY = Histogram(
    "shijian_gateway_upstream_duration_seconds",
    "Time from forwarding a request to the upstream's response headers, answered requests only.",
    ["service"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


def _connection_tokens(headers: list[tuple[bytes, bytes]]) -> set[bytes]:
    return {
        token.strip().lower()
        for name, value in headers
        if name.lower() == b"connection"
        for token in value.split(b",")
        if token.strip()
    }


def _end_to_end(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """`headers` without the hop-by-hop ones, including those named in `Connection`."""
    named = _connection_tokens(headers)
    kept = []
    for name, value in headers:
        lowered = name.lower()
        if lowered not in HOP_BY_HOP and lowered not in named:
            kept.append((lowered, value))
    return kept


@dataclass(frozen=True)
class Mount:
    """Where callers reach a service: the path segments before the service's own path, and
    whether the service's path begins with them too (else it starts after them)."""

    segments: tuple[str, ...]
    kept: bool = False


def _upstream_target(request: Request, mount: Mount, path: str) -> tuple[str, str]:
    """The path and query to send upstream: the caller's raw bytes, re-checked and quoted.

    The raw path keeps `%2F` and other escapes as the caller sent them; it must decode to
    exactly what the router matched, so a mount segment that hides a slash is refused.
    """
    raw: bytes | None = request.scope.get("raw_path")
    if raw is None:  # a server that gives none: the decoded path, escaped again
        raw = quote(request.scope["path"], safe=PATH_SAFE.replace("%", "")).encode()
    raw = raw.split(b"?", 1)[0]  # some ASGI servers leave the query in raw_path
    root = str(request.scope.get("root_path", "")).encode()
    if root and raw.startswith(root):
        raw = raw[len(root) :]
    depth = len(mount.segments)
    parts = raw.decode("ascii", "replace").split("/", depth + 1)
    if (
        len(parts) != depth + 2
        or tuple(unquote(part) for part in parts[1:-1]) != mount.segments
        or unquote(parts[-1]) != path
    ):
        raise Problem("not-found", 404, "No such path behind the gateway")
    kept = "".join(f"/{part}" for part in parts[1:-1]) if mount.kept else ""
    query = request.scope.get("query_string", b"").decode("ascii", "replace")
    # Quoting leaves valid bytes alone and escapes the rest (spaces, backslashes, controls),
    # so the request line sent upstream is always well-formed.
    return quote(f"{kept}/{parts[-1]}", safe=PATH_SAFE), quote(query, safe=QUERY_SAFE)


async def _body(request: Request) -> AsyncIterator[bytes]:
    async for chunk in request.stream():
        if chunk:
            yield chunk


def _answer_headers(upstream: aiohttp.ClientResponse) -> list[tuple[bytes, bytes]]:
    """The upstream's end-to-end headers as sent: raw, so repeated ones (Set-Cookie, Link)
    and their bytes stay as they were. The gateway's server dates every answer itself: a second
    Date would make two."""
    return [
        (name, value) for name, value in _end_to_end(list(upstream.raw_headers)) if name != b"date"
    ]


class BufferedResponse(Response):
    """A small answer of the upstream, read whole: sent in one piece, without the task that
    streaming spends on watching for the caller going away."""

    def __init__(self, upstream: aiohttp.ClientResponse, body: bytes) -> None:
        super().__init__(body, status_code=upstream.status)
        self.raw_headers = _answer_headers(upstream)


class UpstreamResponse(StreamingResponse):
    """The upstream's answer streamed back as it arrives; its connection released at the end."""

    def __init__(self, upstream: aiohttp.ClientResponse) -> None:
        super().__init__(upstream.content.iter_any(), status_code=upstream.status)
        self.upstream = upstream
        self.raw_headers = _answer_headers(upstream)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Also when the caller went away: an unread body closes the connection instead
            # of returning it to the pool.
            self.upstream.release()


class Replicas:
    """A service's replicas, taken in turn; one that refused a connection rests a while."""

    def __init__(self, bases: tuple[str, ...]) -> None:
        # Only the scheme, host and port of a configured base URL are ever contacted.
        self.bases = tuple(URL(base) for base in bases)
        self._next = 0
        self._resting_until = [0.0] * len(self.bases)

    def in_turn(self) -> list[URL]:
        """Every replica once, starting with the next in turn, resting ones last."""
        start = self._next
        self._next = (start + 1) % len(self.bases)
        order = [*range(start, len(self.bases)), *range(start)]
        now = time.monotonic()
        order.sort(key=lambda index: self._resting_until[index] > now)
        return [self.bases[index] for index in order]

    def rest(self, base: URL) -> None:
        """`base` refused a connection: try the others first for a while."""
        self._resting_until[self.bases.index(base)] = time.monotonic() + REPLICA_REST_SECONDS


class Forwarder:
    """Forwards requests to the configured upstreams over one pooled client, spreading them
    over each service's replicas."""

    def __init__(
        self,
        upstreams: dict[str, tuple[str, ...]],
        timeout: float,
        *,
        connect_timeout: float = 1.0,
        retry_after: int = 1,
    ) -> None:
        self.upstreams = upstreams
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.retry_after = retry_after
        self._replicas = {name: Replicas(bases) for name, bases in upstreams.items()}
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Open the pooled client (keep-alive between gateway and services)."""
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=200, limit_per_host=100, keepalive_timeout=KEEPALIVE_SECONDS
            ),
            timeout=aiohttp.ClientTimeout(
                total=None,
                connect=self.timeout,  # waiting for a pooled connection included
                sock_connect=min(self.connect_timeout, self.timeout),
                sock_read=self.timeout,
            ),
            skip_auto_headers=NOT_INVENTED,
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),  # never carry one caller's cookies to another
            trust_env=False,  # no proxy from the environment
        )

    async def close(self) -> None:
        """Close every pooled connection."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _headers(self, request: Request, authorization: str | None) -> list[tuple[str, str]]:
        dropped = NOT_FORWARDED | ({b"authorization"} if authorization else set())
        headers = [
            # aiohttp writes header values as UTF-8: decoding them so keeps their bytes.
            (name.decode("latin-1"), value.decode("utf-8", "replace"))
            for name, value in _end_to_end(request.headers.raw)
            if name not in dropped
        ]
        if authorization:
            headers.append(("authorization", authorization))
        framing = request.headers.get("content-length")
        if framing is not None:
            headers.append(("content-length", framing))
        for name, context in (
            ("x-request-id", observability.request_id),
            ("traceparent", observability.traceparent),
        ):
            value = context.get()
            if value:
                headers.append((name, value))
        forwarded = [v for k, v in request.headers.items() if k == "x-forwarded-for"]
        if request.client:
            forwarded.append(request.client.host)
        if forwarded:
            headers.append(("x-forwarded-for", ", ".join(forwarded)))
        return headers

    async def forward(
        self,
        request: Request,
        service: str,
        path: str,
        *,
        mount: Mount | None = None,
        authorization: str | None = None,
        body: bytes | None = None,
    ) -> Response:
        """Send `request` to `service`'s base URL + `/path` and stream the answer back.

        `mount` is where the caller reached the service (default `/api/<service>`);
        `authorization` replaces the caller's Authorization header; `body` is the request's
        body when the gateway has already read it (else it streams through).
        """
        replicas = self._replicas.get(service)
        if replicas is None:
            raise Problem("not-found", 404, f"No service named {service!r}")
        session = self._session
        if session is None:
            raise RuntimeError("Forwarder used before start()")
        target_path, query = _upstream_target(request, mount or Mount(("api", service)), path)
        has_body = "content-length" in request.headers or "transfer-encoding" in request.headers
        declared = request.headers.get("content-length", "")
        if body is None and declared.isdigit() and int(declared) <= BUFFERED_BYTES:
            # A small body is read whole and sent in one write, not streamed chunk by chunk.
            body = await request.body()
        data = body if body is not None else _body(request) if has_body else None
        # Sent again to another replica only when it cannot have been acted on twice: the
        # connection was refused (nothing was sent), or the method is idempotent and its body,
        # if any, is in hand (one streamed from the caller is read once). An Idempotency-Key
        # is not enough: the gateway cannot tell which routes honour it; the caller can, and
        # resends itself.
        resendable = request.method in SAFE_TO_REPEAT and not (has_body and body is None)
        headers = self._headers(request, authorization)
        started = time.perf_counter()
        try:
            for attempt, base in enumerate(candidates := replicas.in_turn(), start=1):
                url = URL.build(
                    scheme=base.scheme,
                    authority=base.raw_authority,
                    path=target_path,
                    query_string=query,
                    encoded=True,
                )
                try:
                    upstream = await session.request(
                        request.method, url, headers=headers, data=data, allow_redirects=False
                    )
                    break
                except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError):
                    replicas.rest(base)
                    if attempt == len(candidates):
                        raise
                except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                    # A pooled connection to a replica that has gone away (closed or reset).
                    replicas.rest(base)
                    if attempt == len(candidates) or not resendable:
                        raise
        except (TimeoutError, aiohttp.ClientError) as error:
            raise self._failed(service, request.method, error) from None
        UPSTREAM_LATENCY.labels(service).observe(time.perf_counter() - started)
        length = upstream.content_length
        if length is None or length > BUFFERED_BYTES:
            UPSTREAM_REQUESTS.labels(service, request.method, str(upstream.status)).inc()
            return UpstreamResponse(upstream)
        try:
            body = await upstream.read()
        except (TimeoutError, aiohttp.ClientError) as error:
            raise self._failed(service, request.method, error) from None
        finally:
            upstream.release()
        UPSTREAM_REQUESTS.labels(service, request.method, str(upstream.status)).inc()
        return BufferedResponse(upstream, body)

    def _failed(self, service: str, method: str, error: BaseException) -> Problem:
        """The problem of an upstream that could not be reached or did not answer in time."""
        UPSTREAM_REQUESTS.labels(service, method, "error").inc()
        # Refused, or no connection within the connect timeout: the service is down or
        # unreachable, said at once (its other routes' callers are not held up by it).
        unreachable = isinstance(error, aiohttp.ConnectionTimeoutError) or not isinstance(
            error, TimeoutError
        )
        if not unreachable:
            timeout = f"The {service} service did not answer in time"
            return Problem("upstream-timeout", 504, timeout, service=service)
        down = f"The {service} service is unavailable"
        retry = {"Retry-After": str(self.retry_after)}
        return Problem("upstream-unavailable", 503, down, headers=retry, service=service)
