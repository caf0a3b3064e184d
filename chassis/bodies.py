"""What a request body may be: JSON (or a multipart upload; or a form under the paths a
standard posts forms to), and not larger than the limit."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chassis.problems import Problem, problem_response

_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


def _accepted(media_type: str, form: bool) -> bool:
    return (
        media_type == "application/json"
        or media_type.endswith("+json")
        or media_type == "multipart/form-data"
        or (form and media_type == "application/x-www-form-urlencoded")
    )


class _TooLarge(Exception):  # noqa: N818 - raised out of receive() to stop reading
    pass


class RequestBodyPolicy:
    """Refuses, as problem+json, a body of another media type (415) or beyond `limit` (413).

    Without it a text/plain body reaches the JSON parser and comes back as a confusing
    validation error, and nothing bounds what a caller makes the process hold.
    """

    def __init__(self, app: ASGIApp, limit: int, form_prefixes: Sequence[str] = ()) -> None:
        self.app = app
        self.limit = limit
        # Paths of a standard that posts url-encoded forms (Open311's requests).
        self.form_prefixes = tuple(form_prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared media type and length, then count what actually arrives."""
        if scope["type"] != "http" or scope["method"] not in _WITH_BODY:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        declared = headers.get("content-length")
        has_body = "transfer-encoding" in headers or (declared not in (None, "0"))
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        path = scope.get("path") or ""
        if has_body and not _accepted(media_type, path.startswith(self.form_prefixes)):
            problem = Problem(
                "unsupported-media-type",
                415,
                f"Content-Type {media_type or '(none)'} is not accepted; send application/json",
            )
            await problem_response(problem, path)(scope, receive, send)
            return
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await problem_response(self._too_large(), path)(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if started:
                raise
            await problem_response(self._too_large(), path)(scope, receive, send)

    def _too_large(self) -> Problem:
        return Problem(
            "payload-too-large", 413, f"The request body is larger than {self.limit} bytes"
        )
