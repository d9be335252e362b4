"""Reading a 422's findings by field, whichever refusal shape the API answers with.

FastAPI's own shape lists `detail[*].loc` and `msg`; the API's `Problem` shape lists
`errors[*].field` and `message`. Tests that only care which field was refused and why read
both through `findings`, so they do not change when the shape does.
"""

from __future__ import annotations

from typing import Any

import httpx


def findings(response: httpx.Response) -> dict[str, list[str]]:
    """{field: [messages]} with nested fields written `events.0.visit_id` either way."""
    body: Any = response.json()
    found: dict[str, list[str]] = {}
    if isinstance(body.get("detail"), list):
        for error in body["detail"]:
            name = ".".join(str(part) for part in error["loc"][1:])
            found.setdefault(name, []).append(str(error["msg"]))
    for error in body.get("errors") or []:
        name = (error.get("field") or "").replace("[", ".").replace("]", "")
        found.setdefault(name, []).append(str(error["message"]))
    return found
