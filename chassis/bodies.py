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


class BodyLimit:
    """Refuses (413, problem+json) a body beyond its path's limit: by its declared length at
    once, or, sent in chunks, as soon as what arrived passes it (never read whole first)."""

    def __init__(self, app: ASGIApp, limit: int, smaller: Sequence[tuple[str, int]] = ()) -> None:
        self.app = app
        self.limit = limit
        # (path prefix, limit) for the paths whose bodies are small by nature (a sign-in form).
        self.smaller = tuple(smaller)

    def limit_of(self, path: str) -> int:
        """The limit for a request to `path`."""
        return next(
            (limit for prefix, limit in self.smaller if path.startswith(prefix)), self.limit
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then count what actually arrives."""
        if scope["type"] != "http" or scope["method"] not in _WITH_BODY:
            await self.app(scope, receive, send)
            return
        path = scope.get("path") or ""
        limit = self.limit_of(path)
        declared = dict(scope["headers"]).get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > limit:
            await problem_response(_too_large(limit), path)(scope, receive, send)
            return
        received = 0
        # The app may turn the error raised out of receive() into an answer of its own (a
        # framework's "error parsing the body", 400): once over the limit, the 413 is sent in
        # its place.
        exceeded = answered = app_answering = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def answer_too_large() -> None:
            nonlocal answered
            if not answered:
                answered = True
                await problem_response(_too_large(limit), path)(scope, receive, send)

        async def guarded_send(message: Message) -> None:
            nonlocal answered, app_answering
            if exceeded and not app_answering:
                await answer_too_large()
                return
            if message["type"] == "http.response.start":
                answered = app_answering = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            if app_answering:
                raise  # the app's own answer has begun: only dropping the connection is left
            await answer_too_large()


def _too_large(limit: int) -> Problem:
    return Problem("payload-too-large", 413, f"The request body is larger than {limit} bytes")


class RequestBodyPolicy:
    """Refuses, as problem+json, a body of another media type (415) or beyond `limit` (413).

    Without it a text/plain body reaches the JSON parser and comes back as a confusing
    validation error, and nothing bounds what a caller makes the process hold.
    """

    def __init__(self, app: ASGIApp, limit: int, form_prefixes: Sequence[str] = ()) -> None:
        self.app = app
        self.bounded = BodyLimit(app, limit)
        # Paths of a standard that posts url-encoded forms (Open311's requests).
        self.form_prefixes = tuple(form_prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared media type, then the size."""
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
        await self.bounded(scope, receive, send)
