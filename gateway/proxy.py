"""Forwarding `/api/<service>/<path>` to the configured upstream, streaming both ways."""

from __future__ import annotations

import httpx
from fastapi import Request
from starlette.background import BackgroundTask
from starlette.responses import Response, StreamingResponse

from chassis import observability
from chassis.problems import Problem

# RFC 9110 §7.6.1 hop-by-hop headers, plus those httpx sets for the upstream leg itself.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)


def _end_to_end(
    headers: httpx.Headers | list[tuple[str, str]], connection: str
) -> list[tuple[str, str]]:
    named = {token.strip().lower() for token in connection.split(",") if token.strip()}
    items = headers.multi_items() if isinstance(headers, httpx.Headers) else headers
    return [(k, v) for k, v in items if k.lower() not in HOP_BY_HOP and k.lower() not in named]


class Forwarder:
    """Forwards requests to the configured upstreams over one pooled client."""

    def __init__(self, upstreams: dict[str, str], timeout: float) -> None:
        self.upstreams = upstreams
        self.timeout = timeout
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        """Open the pooled client (keep-alive between gateway and services)."""
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout, connect=5.0),
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
            follow_redirects=False,
        )

    async def close(self) -> None:
        """Close every pooled connection."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def forward(self, request: Request, service: str, path: str) -> Response:
        """Send `request` to `service`'s base URL + `/path` and stream the answer back."""
        base_url = self.upstreams.get(service)
        if base_url is None:
            raise Problem("not-found", 404, f"No service named {service!r}")
        client = self._client
        if client is None:
            raise RuntimeError("Forwarder used before start()")
        # The host and port come only from configuration; the client controls path and query.
        url = httpx.URL(base_url).copy_with(
            raw_path=("/" + path.lstrip("/")).encode()
            + (b"?" + request.url.query.encode() if request.url.query else b"")
        )
        headers = _end_to_end(list(request.headers.items()), request.headers.get("connection", ""))
        headers = [(k, v) for k, v in headers if k.lower() not in {"x-request-id", "traceparent"}]
        headers.append(("x-request-id", observability.request_id.get() or ""))
        headers.append(("traceparent", observability.traceparent.get() or ""))
        if request.client:
            headers.append(("x-forwarded-for", request.client.host))
        upstream_request = client.build_request(
            request.method, url, headers=headers, content=request.stream()
        )
        try:
            upstream = await client.send(upstream_request, stream=True)
        except httpx.TimeoutException:
            raise Problem(
                "upstream-timeout",
                504,
                f"The {service} service did not answer in time",
                service=service,
            ) from None
        except httpx.TransportError:
            raise Problem(
                "upstream-unavailable",
                503,
                f"The {service} service is unavailable",
                service=service,
            ) from None
        response = StreamingResponse(
            upstream.aiter_raw(),
            status_code=upstream.status_code,
            background=BackgroundTask(upstream.aclose),
        )
        # Raw headers keep repeated ones (Set-Cookie, Link) that a dict would merge.
        response.raw_headers = [
            (k.lower().encode("latin-1"), v.encode("latin-1"))
            for k, v in _end_to_end(upstream.headers, upstream.headers.get("connection", ""))
        ]
        return response
