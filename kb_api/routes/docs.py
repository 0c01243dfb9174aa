"""``GET /api/docs``: the OpenAPI description as a self-contained HTML page.

FastAPI's Swagger UI and ReDoc pages load their scripts from a CDN; this page makes no
third-party request (the schema itself is at ``/api/openapi.json``).
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# Schemas wrap rather than scroll: a scrolling <pre> cannot be reached by keyboard (axe:
# scrollable-region-focusable), and on a phone nearly every one scrolled.
_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;
 padding:0 1rem;color:#1b1b1b}
h2{margin-top:2.5rem;border-bottom:1px solid #ccc}code,pre{background:#f3f3f3;padding:.1rem .3rem}
pre{padding:.6rem;white-space:pre-wrap;overflow-wrap:anywhere}.m{font-weight:bold;text-transform:uppercase;margin-right:.5rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
"""


def _schema_block(schema: Any) -> str:
    return f"<pre>{escape(json.dumps(schema, indent=2))}</pre>"


def render(openapi: dict[str, Any]) -> str:
    """The page for one OpenAPI document; every value from the schema is escaped."""
    info = openapi.get("info", {})
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(str(info.get('title', 'API')))}</title><style>{_STYLE}</style></head><body>",  # noqa: E501
        f"<h1>{escape(str(info.get('title', 'API')))} <small>{escape(str(info.get('version', '')))}</small></h1>",  # noqa: E501
        f"<p>{escape(str(info.get('description', '')))}</p>",
        "<p>Machine-readable schema: <a href='/api/openapi.json'>/api/openapi.json</a>.</p>",
    ]
    for path, operations in openapi.get("paths", {}).items():
        for method, op in operations.items():
            parts.append(
                f"<h2><span class='m'>{escape(method)}</span><code>{escape(path)}</code></h2>"
            )
            parts.append(f"<p><strong>{escape(str(op.get('summary', '')))}</strong></p>")
            parts.append(f"<p>{escape(str(op.get('description', '')))}</p>")
            params = op.get("parameters", [])
            if params:
                parts.append(
                    "<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>"
                )
                for p in params:
                    parts.append(
                        f"<tr><td><code>{escape(str(p.get('name')))}</code></td><td>{escape(str(p.get('in')))}</td>"
                        f"<td>{'yes' if p.get('required') else 'no'}</td><td>{escape(json.dumps(p.get('schema', {})))}</td></tr>"  # noqa: E501
                    )
                parts.append("</table>")
            body = (
                op.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            if body:
                parts.append("<h3>Request body</h3>" + _schema_block(body))
            for status, response in op.get("responses", {}).items():
                parts.append(
                    f"<h3>{escape(str(status))} {escape(str(response.get('description', '')))}</h3>"
                )
    schemas = openapi.get("components", {}).get("schemas", {})
    if schemas:
        parts.append("<h2>Schemas</h2>")
        for name, schema in schemas.items():
            parts.append(f"<h3 id='{escape(name)}'>{escape(name)}</h3>{_schema_block(schema)}")
    parts.append("</body></html>")
    return "".join(parts)


@router.get("/api/docs")
def docs(request: Request) -> HTMLResponse:
    """The API reference page."""
    return HTMLResponse(
        render(request.app.openapi()),
        headers={"content-security-policy": "default-src 'none'; style-src 'unsafe-inline'"},
    )
