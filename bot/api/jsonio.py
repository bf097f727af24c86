"""JSON responses for every API route: Decimals as exact strings, errors as {"ok": false}."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from aiohttp import web

__all__ = ["error_response", "json_default", "json_response"]


def json_default(value: object) -> object:
    """`json.dumps` fallback: Decimal → str (a string keeps every digit; floats would not)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_response(body: Mapping[str, Any], status: int = 200, **headers: str) -> web.Response:
    text = json.dumps(body, default=json_default, allow_nan=False, indent=None)
    return web.Response(text=text, status=status, content_type="application/json", headers=headers)


def error_response(status: int, message: str, **extra: Any) -> web.Response:
    """{"ok": false, "error": message, ...extra}; a 401 also says which scheme to use."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    return json_response({"ok": False, "error": message, **extra}, status=status, **headers)
