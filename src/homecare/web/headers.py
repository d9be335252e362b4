"""Security headers on every answer, pages and API alike.

Pages add their Content-Security-Policy in `WebRoute`; this middleware makes sure that
every other answer too (the JSON API, redirects, errors) is never stored by a cache,
never sniffed as another type, sends no referrer off the site, and, when the site is
served over TLS, tells the browser to use nothing else for a year. Only the built CSS,
script and fonts under /assets may be cached: they hold nobody's data.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = "max-age=31536000; includeSubDomains"
CACHEABLE_PREFIX = "/assets/"

BASELINE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def headers_for(path: str, *, https: bool) -> dict[str, str]:
    """The headers an answer at `path` must carry unless it already sets them."""
    wanted = dict(BASELINE)
    if not path.startswith(CACHEABLE_PREFIX):
        wanted["Cache-Control"] = "no-store"
    if https:
        wanted["Strict-Transport-Security"] = HSTS
    return wanted


class SecurityHeaders:
    """ASGI middleware adding `headers_for` to each HTTP answer."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = headers_for(scope["path"], https=self.https)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    if name == "Cache-Control" or name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
