"""The web console: the single-page app built into `web/dist` (`make web`), served at `/`
under a strict Content-Security-Policy."""

from __future__ import annotations

import html
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException

from chassis.problems import Problem
from gateway.settings import GatewaySettings

NONCE_PLACEHOLDER = "__CSP_NONCE__"
TILE_URL_PLACEHOLDER = "__TILE_URL__"
# First path segments that belong to the gateway itself: the console never answers under
# them, so an unknown API path stays a 404 problem and no API route is shadowed.
RESERVED = (
    "api",
    "auth",
    ".well-known",
    "open311",
    "healthz",
    "readyz",
    "metrics",
    "openapi.json",
    "docs",
    "assets",
)
IMMUTABLE = "public, max-age=31536000, immutable"  # the build names assets by their hash
NOT_BUILT = "The console is not built: run `make web` (it builds web/dist)."


class _ConsolePath(Convertor[str]):
    """Any path whose first segment is not one of RESERVED."""

    regex = "(?!(?:{})(?:/|$)).*".format("|".join(name.replace(".", r"\.") for name in RESERVED))

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("console_path", _ConsolePath())


@dataclass(frozen=True)
class _Page:
    """index.html as built (identified by its modification time), the tile URL filled in."""

    mtime_ns: int
    text: str


class Console:
    """The built console in `directory` and the headers every answer of it carries."""

    def __init__(self, directory: Path, tile_url: str) -> None:
        self.directory = directory.resolve()
        self.tile_url = tile_url
        self._images = "'self' data: blob:"
        if tile_url:
            parts = urlsplit(tile_url)
            # A CSP source has no placeholder: Leaflet's `{s}` subdomains are a wildcard.
            self._images += f" {parts.scheme}://{parts.netloc.replace('{s}', '*')}"
        self._page: _Page | None = None

    def headers(self, nonce: str | None = None) -> dict[str, str]:
        """The security headers; the nonce lets the page's own <style> elements in."""
        styles = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
        policy = (
            "default-src 'self'; script-src 'self'; "
            f"style-src {styles}; img-src {self._images}; font-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'"
        )
        return {
            "Content-Security-Policy": policy,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
        }

    def page(self) -> HTMLResponse:
        """index.html with a fresh nonce; 503 while the console is not built."""
        text = self._template()
        nonce = secrets.token_urlsafe(16)
        headers = self.headers(nonce) | {"Cache-Control": "no-store"}
        return HTMLResponse(text.replace(NONCE_PLACEHOLDER, nonce), headers=headers)

    def file(self, folder: str, relative: str, cache_control: str) -> FileResponse | None:
        """The regular file at `relative` in the build's `folder`, or None (never one outside
        it, whatever `..` or links say)."""
        try:
            root = (self.directory / folder).resolve()
            path = (root / relative).resolve()
            found = path.is_relative_to(root) and path.is_file()
        except (OSError, ValueError):  # a name too long, a NUL byte
            return None
        if not found:
            return None
        return FileResponse(path, headers=self.headers() | {"Cache-Control": cache_control})

    def _template(self) -> str:
        index = self.directory / "index.html"
        try:
            mtime_ns = index.stat().st_mtime_ns
        except OSError:
            raise Problem("unavailable", 503, NOT_BUILT) from None
        # Read once per build, so that `make web` while the gateway runs is picked up. Two
        # threads may both read a new build: the same text, one of them kept.
        page = self._page
        if page is None or page.mtime_ns != mtime_ns:
            text = index.read_text(encoding="utf-8")
            page = _Page(mtime_ns, text.replace(TILE_URL_PLACEHOLDER, html.escape(self.tile_url)))
            self._page = page
        return page.text


router = APIRouter(include_in_schema=False)


def _console(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


# Plain functions: FastAPI runs them in its thread pool, off the event loop, for they touch
# the disk.
@router.api_route("/assets/{path:path}", methods=["GET", "HEAD"])
def asset(path: str, request: Request) -> Response:
    """A file of the build's assets, cached for good."""
    found = _console(request).file("assets", path, IMMUTABLE)
    if found is None:
        raise HTTPException(404)
    return found


@router.api_route("/{path:console_path}", methods=["GET", "HEAD"])
def page(path: str, request: Request) -> Response:
    """A file at the build's top (favicon.svg...), else the app, which routes in the browser."""
    console = _console(request)
    if path and "/" not in path and path != "index.html":
        # Not named by their content, so the browser asks again each time.
        found = console.file(".", path, "no-cache")
        if found is not None:
            return found
    return console.page()


def install(app: FastAPI, settings: GatewaySettings) -> None:
    """Serve the console of `settings` (none when CONSOLE_DIR is empty)."""
    if settings.console_dir is None:
        return
    app.state.console = Console(settings.console_dir, settings.console_tile_url)
    app.include_router(router)
